"""Security plumbing: security headers (a strict CSP without 'unsafe-inline'), CSRF
for cookie-authenticated writes (API header and HTML form field), the login rate
limit (memory and Redis storage, shared by the page and the API), the body-size
limit, and error answers that never leak a stack trace: JSON under /api (malformed
JSON, wrong content type, unknown routes, unexpected exceptions), HTML elsewhere.
Also the health check."""
from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import select

from tests.support import redis_or_skip
from tracker.auth.models import User
from tracker.extensions import db

PASSWORD = "a sound passphrase"
REDIS_URI = "redis://127.0.0.1:6379/15"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def recently() -> str:
    return (dt.datetime.now(ZoneInfo("Europe/Berlin")) - dt.timedelta(hours=1)).isoformat()


def form_token(client, path: str) -> str:
    return CSRF_INPUT.search(client.get(path).get_data(as_text=True)).group(1)


def assert_no_internals(text: str) -> None:
    for leak in ("Traceback", 'File "', "sqlalchemy", "psycopg", "werkzeug", "/work/",
                 "site-packages", "Error:"):
        assert leak not in text, leak


# --- headers ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/register", "/api/v1/auth/csrf", "/healthz",
                                  "/api/v1/no-such-route", "/no-such-page",
                                  "/static/css/app.css", "/api/v1/openapi.json"])
def test_csp_and_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"no CSP on {path}"
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_hsts_only_when_cookies_are_https_only(make_app):
    assert "Strict-Transport-Security" not in make_app().test_client().get("/login").headers
    secure = make_app(SESSION_COOKIE_SECURE=True).test_client().get("/login")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


@pytest.mark.parametrize("path, signed_in", [
    ("/login", False), ("/register", False), ("/no-such-page", False),
    ("/settings", True), ("/", True),
])
def test_pages_need_no_inline_script_or_style(client, users, user, path, signed_in):
    """The CSP forbids inline code, so the pages must not rely on any."""
    if signed_in:
        users.login(client, user)
    page = client.get(path).get_data(as_text=True)
    for pattern, what in INLINE:
        match = pattern.search(page)
        assert match is None, f"{what} on {path}: {match.group(0) if match else ''}"


def test_session_cookie_flags(client, user):
    client.fetch_csrf()
    response = client.post("/api/v1/auth/login",
                           json={"email": user["email"], "password": user["password"]})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- CSRF: API -------------------------------------------------------------------------

COOKIE_WRITES = [
    ("post", "/api/v1/auth/tokens", {"name": "laptop"}, 201),
    ("patch", "/api/v1/me", {"timezone": "Asia/Tokyo"}, 200),
    ("post", "/api/v1/checkins", "checkin", 201),
    ("post", "/api/v1/stretches", {"name": "Cat cow", "spine": "flexion", "hold_seconds": 10},
     201),
    ("post", "/api/v1/programs", {"affected_leg": "left"}, 201),
    ("post", "/api/v1/auth/logout", None, 204),
    ("delete", "/api/v1/me", {"password": "correct horse battery"}, 204),
]


def _body(body):  # noqa: ANN001
    if body == "checkin":
        return {"client_id": str(uuid.uuid4()), "recorded_at": recently(), "score": 3}
    return body


@pytest.mark.parametrize("method, path, body, ok", COOKIE_WRITES, ids=lambda v: str(v)[:20])
@pytest.mark.parametrize("token", [None, "IjEyMyI.aaaa.bbbb"], ids=["missing", "wrong"])
def test_cookie_write_without_valid_csrf_is_refused(auth, app, user, method, path, body, ok,
                                                     token):
    auth.csrf_token = None
    headers = {} if token is None else {"X-CSRF-Token": token}
    response = getattr(auth, method)(path, json=_body(body), headers=headers)
    assert response.status_code == 400
    assert response.is_json
    assert "CSRF" in response.get_json()["message"]
    auth.fetch_csrf()
    me = auth.get("/api/v1/me")
    assert me.status_code == 200 and me.get_json()["timezone"] == user["timezone"]


@pytest.mark.parametrize("method, path, body, ok", COOKIE_WRITES, ids=lambda v: str(v)[:20])
def test_cookie_write_with_csrf_header_works(auth, method, path, body, ok):
    assert auth.csrf_token
    response = getattr(auth, method)(path, json=_body(body))
    assert response.status_code == ok, response.get_data(as_text=True)


def test_csrf_token_of_another_session_is_refused(app, users, user):
    other_client = app.test_client()
    foreign = other_client.fetch_csrf()
    victim = users.login(app.test_client(), user)
    victim.csrf_token = None
    response = victim.patch("/api/v1/me", json={"timezone": "Asia/Tokyo"},
                            headers={"X-CSRF-Token": foreign})
    assert response.status_code == 400


def test_anonymous_login_needs_csrf_too(client, user):
    """Login CSRF: a cross-site form must not sign the victim into another account."""
    response = client.post("/api/v1/auth/login",
                           json={"email": user["email"], "password": user["password"]})
    assert response.status_code == 400
    assert client.get("/api/v1/me").status_code == 401


def test_bearer_write_needs_no_csrf(app, users, user):
    raw = users.token(user)
    response = app.test_client().patch("/api/v1/me", json={"timezone": "Asia/Tokyo"},
                                       headers=bearer(raw))
    assert response.status_code == 200


def test_safe_methods_need_no_csrf(auth):
    auth.csrf_token = None
    assert auth.get("/api/v1/me").status_code == 200
    assert auth.head("/api/v1/me").status_code == 200
    assert auth.options("/api/v1/me").status_code == 200


# --- CSRF: HTML forms ------------------------------------------------------------------


@pytest.mark.parametrize("path, data, signed_in", [
    ("/login", {"email": "x@example.com", "password": PASSWORD}, False),
    ("/register", {"email": "x@example.com", "password": PASSWORD}, False),
    ("/settings", {"timezone": "Asia/Tokyo"}, True),
    ("/settings/delete", {"password": "correct horse battery"}, True),
    ("/logout", {}, True),
])
@pytest.mark.parametrize("token", [None, "wrong-token"], ids=["missing", "wrong"])
def test_form_post_without_valid_csrf_field_is_refused(client, users, user, app, path, data,
                                                       signed_in, token):
    if signed_in:
        users.login(client, user)
        client.csrf_token = None  # the header the test client would add
    client.get(path if path in ("/login", "/register", "/settings") else "/settings")
    form = dict(data) if token is None else {**data, "csrf_token": token}
    response = client.post(path, data=form)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "CSRF" in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(User, user["id"])
        assert row is not None and row.timezone == user["timezone"]
        assert db.session.scalar(select(User).where(User.email == "x@example.com")) is None


# --- rate limiting -----------------------------------------------------------------------


def _api_login(client, email: str, password: str = "wrong password"):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def _page_login(client, token: str, email: str, password: str = "wrong password"):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_login_brute_force_gets_429_with_retry_after(client, user, app):
    assert app.config["AUTH_RATE_LIMIT"] == "5 per minute"
    client.fetch_csrf()
    statuses = [_api_login(client, user["email"]).status_code for _ in range(5)]
    assert statuses == [401] * 5
    blocked = _api_login(client, user["email"], user["password"])  # even the right one
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    body = blocked.get_json()
    assert body["status"] == 429 and body["error"] == "rate_limited"
    assert client.get("/api/v1/me").status_code == 401


def test_rate_limit_is_shared_by_page_and_api_and_register(client, user):
    token = form_token(client, "/login")
    client.csrf_token = token  # the page's token works for the API header too
    assert _page_login(client, token, user["email"]).status_code == 422
    assert _api_login(client, user["email"]).status_code == 401
    assert _page_login(client, token, user["email"]).status_code == 422
    assert _api_login(client, "nobody@example.com").status_code == 401
    assert client.post("/api/v1/auth/register",
                       json={"email": "bad", "password": "x"}).status_code == 422
    page = _page_login(client, token, user["email"], user["password"])
    assert page.status_code == 429
    assert page.mimetype == "text/html" and "Retry-After" in page.headers
    assert _api_login(client, user["email"]).status_code == 429
    reg = client.post("/register", data={"email": "a@example.com", "password": PASSWORD,
                                         "csrf_token": token})
    assert reg.status_code == 429
    # Reading the pages is not limited.
    assert client.get("/login").status_code == 200


def test_rate_limit_can_be_disabled(make_app, user):
    client = make_app(RATELIMIT_ENABLED=False).test_client()
    client.fetch_csrf()
    assert {_api_login(client, user["email"]).status_code for _ in range(8)} == {401}


@pytest.fixture
def redis_db15():
    conn = redis_or_skip(REDIS_URI, "the Redis rate-limit storage test")
    conn.flushdb()
    yield conn
    conn.flushdb()
    conn.close()


def test_rate_limit_with_redis_storage(make_app, user, redis_db15):
    app = make_app(RATELIMIT_STORAGE_URI=REDIS_URI)
    client = app.test_client()
    client.fetch_csrf()
    assert [_api_login(client, user["email"]).status_code for _ in range(5)] == [401] * 5
    assert redis_db15.dbsize() > 0  # the counters really live in Redis
    blocked = _api_login(client, user["email"])
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    # A second app (another worker process) on the same Redis shares the budget.
    other = make_app(RATELIMIT_STORAGE_URI=REDIS_URI).test_client()
    other.fetch_csrf()
    assert _api_login(other, user["email"]).status_code == 429


def test_rate_limit_storage_from_environment(monkeypatch, make_app, user, redis_db15):
    monkeypatch.setenv("TRACKER_RATELIMIT_STORAGE_URI", REDIS_URI)
    app = make_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URI
    client = app.test_client()
    client.fetch_csrf()
    statuses = [_api_login(client, user["email"]).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert redis_db15.dbsize() > 0


# --- request body limits ---------------------------------------------------------------


@pytest.fixture
def small_app(make_app):
    return make_app(MAX_CONTENT_LENGTH=1000)


def test_json_body_over_the_limit_is_413_json(small_app, users, user):
    raw = users.token(user)
    client = small_app.test_client()
    response = client.post("/api/v1/checkins", headers=bearer(raw), json={
        "client_id": str(uuid.uuid4()), "recorded_at": recently(), "score": 3,
        "note": "x" * 2000})
    assert response.status_code == 413
    body = response.get_json()
    assert body["error"] == "too_large" and "1000" in body["message"]
    # Just under the limit is fine.
    response = client.post("/api/v1/checkins", headers=bearer(raw), json={
        "client_id": str(uuid.uuid4()), "recorded_at": recently(), "score": 3,
        "note": "x" * 800})
    assert response.status_code == 201


def test_form_body_over_the_limit_is_413_html(small_app):
    client = small_app.test_client()
    response = client.post("/login", data={"email": "a@example.com", "password": "x" * 5000})
    assert response.status_code == 413
    assert response.mimetype == "text/html"


def test_register_body_over_the_limit_is_413(small_app):
    client = small_app.test_client()
    client.fetch_csrf()
    response = client.post("/api/v1/auth/register",
                           json={"email": "a@example.com", "password": "x" * 3000})
    assert response.status_code == 413
    assert response.is_json


def test_chunked_body_over_the_limit_is_refused(live_server, app, users, user):
    """Without a Content-Length (chunked transfer) the limit still holds: the same
    413 as with a Content-Length, and nothing is stored."""
    app.config["MAX_CONTENT_LENGTH"] = 1000
    raw = users.token(user)
    body = (b'{"client_id": "%s", "recorded_at": "%s", "score": 3, "note": "' % (
        str(uuid.uuid4()).encode(), recently().encode())) + b"x" * 5000 + b'"}'
    chunks = (body[i:i + 500] for i in range(0, len(body), 500))
    response = requests.post(f"{live_server.url}/api/v1/checkins", data=chunks, timeout=10,
                             headers={**bearer(raw), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    listed = requests.get(f"{live_server.url}/api/v1/checkins", headers=bearer(raw), timeout=10)
    assert listed.json()["items"] == []


@pytest.mark.parametrize(("path", "content_type", "mimetype"), [
    ("/login", "application/x-www-form-urlencoded", "text/html"),
    ("/api/v1/auth/login", "application/json", "application/json"),
])
def test_chunked_body_over_the_limit_is_413_like_content_length(live_server, app, path,
                                                                 content_type, mimetype):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    body = b"email=a%40example.com&password=" + b"x" * 5000
    chunks = (body[i:i + 300] for i in range(0, len(body), 300))
    response = requests.post(f"{live_server.url}{path}", data=chunks, timeout=10,
                             headers={"Content-Type": content_type})
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith(mimetype)


def test_chunked_body_exactly_at_the_limit_is_read(live_server, app, users, user):
    raw = users.token(user)
    body = b'{"client_id": "%s", "recorded_at": "%s", "score": 3, "note": "' % (
        str(uuid.uuid4()).encode(), recently().encode())
    body += b"x" * (1000 - len(body) - 2) + b'"}'
    assert len(body) == 1000
    app.config["MAX_CONTENT_LENGTH"] = 1000
    chunks = (body[i:i + 300] for i in range(0, len(body), 300))
    response = requests.post(f"{live_server.url}/api/v1/checkins", data=chunks, timeout=10,
                             headers={**bearer(raw), "Content-Type": "application/json"})
    assert response.status_code == 201


def test_chunked_body_under_the_limit_is_read(live_server, users, user):
    raw = users.token(user)
    body = b'{"client_id": "%s", "recorded_at": "%s", "score": 3}' % (
        str(uuid.uuid4()).encode(), recently().encode())
    chunks = (body[i:i + 20] for i in range(0, len(body), 20))
    response = requests.post(f"{live_server.url}/api/v1/checkins", data=chunks, timeout=10,
                             headers={**bearer(raw), "Content-Type": "application/json"})
    assert response.status_code == 201


@pytest.mark.parametrize(("notes", "status"), [(3, 200), (12, 413)])
def test_chunked_import_keeps_the_import_limit(live_server, app, users, user, notes, status):
    """The import route's own, larger limit holds for chunked bodies too: over the
    ordinary limit but under IMPORT_MAX_BYTES imports, over it is a 413."""
    app.config.update(MAX_CONTENT_LENGTH=1000, IMPORT_MAX_BYTES=4000)
    raw = users.token(user)
    body = json.dumps({"format_version": 1, "checkins": [
        {"client_id": str(uuid.uuid4()), "recorded_at": recently(), "score": 3,
         "note": "n" * 300} for _ in range(notes)]}).encode()
    assert 1000 < len(body) and (len(body) > 4000) == (status == 413)
    chunks = (body[i:i + 300] for i in range(0, len(body), 300))
    response = requests.post(f"{live_server.url}/api/v1/import", data=chunks, timeout=10,
                             headers={**bearer(raw), "Content-Type": "application/json"})
    assert response.status_code == status, response.text
    listed = requests.get(f"{live_server.url}/api/v1/checkins", headers=bearer(raw), timeout=10)
    assert len(listed.json()["items"]) == (notes if status == 200 else 0)


# --- error answers -----------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    b"{bad", b'{"email": }', b"{'single': 'quotes'}", b'{"a": 1,}', b"\xff\xfe\x00",
    b'{"email": "a@example.com"', b"NaN-ish", b"[1, 2",
])
def test_malformed_json_is_400_naming_the_problem(client, raw):
    client.fetch_csrf()
    response = client.post("/api/v1/auth/register", data=raw, content_type="application/json")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request"
    assert "json" in body["fields"]
    assert_no_internals(response.get_data(as_text=True))


@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000])
def test_absurdly_nested_json_is_400_not_a_crash(client, raw):
    client.fetch_csrf()
    response = client.post("/api/v1/auth/register", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert "json" in response.get_json()["fields"]


@pytest.mark.parametrize("raw", [
    b'{"email": "a@example.com", "password": 1' + b"0" * 5000 + b"}",
    b"[" + b"9" * 4301 + b"]",
    b'{"nested": {"deeper": [-' + b"7" * 10_000 + b"]}}",
])
def test_integer_too_long_to_read_is_400(client, raw):
    """Python refuses to read integers over 4300 digits (a ValueError that is not a
    JSONDecodeError): still a 400 naming the body, not a crash."""
    client.fetch_csrf()
    response = client.post("/api/v1/auth/register", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert "json" in response.get_json()["fields"]


@pytest.mark.parametrize("content_type, raw", [
    ("application/x-www-form-urlencoded", b"email=a%40example.com&password=xxxxxxxxxxxx"),
    ("text/plain", b'{"email": "a@example.com", "password": "xxxxxxxxxxxx"}'),
    ("multipart/form-data; boundary=xyz",
     b'--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.com\r\n--xyz--\r\n'),
    ("application/xml", b"<email>a@example.com</email>"),
])
def test_wrong_content_type_is_415_saying_so(client, content_type, raw):
    client.fetch_csrf()
    response = client.post("/api/v1/auth/register", data=raw, content_type=content_type)
    assert response.status_code == 415
    body = response.get_json()
    assert body["error"] == "unsupported_media_type"
    assert "application/json" in body["message"]
    assert client.get("/api/v1/me").status_code == 401


def test_vendor_json_content_type_is_accepted(client):
    client.fetch_csrf()
    response = client.post("/api/v1/auth/register", content_type="application/vnd.api+json",
                           data=b'{"email": "vendor@example.com", '
                                b'"password": "a sound passphrase"}')
    assert response.status_code == 201


@pytest.mark.parametrize("method, path, body", [
    ("post", "/api/v1/auth/tokens", {"name": "a\x00b"}),
    ("post", "/api/v1/auth/tokens", {"name": "\ud800"}),
    ("post", "/api/v1/checkins", "checkin-nul"),
    ("patch", "/api/v1/me", {"timezone": "Europe/\x00Berlin"}),
    ("post", "/api/v1/stretches", {"name": "x", "spine": "flexion", "hold_seconds": 10,
                                   "instructions": ["fine", "not\x00fine"]}),
    ("post", "/api/v1/auth/tokens", {"name\x00": "x"}),
])
def test_text_no_database_can_store_is_400(auth, method, path, body):
    if body == "checkin-nul":
        body = {"client_id": str(uuid.uuid4()), "recorded_at": recently(), "score": 3,
                "note": "nul\x00here"}
    response = getattr(auth, method)(path, json=body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["fields"]


def test_nul_in_a_form_field_is_400(client, user):
    token = form_token(client, "/login")
    response = client.post("/login", data={"email": user["email"] + "\x00",
                                           "password": user["password"], "csrf_token": token})
    assert response.status_code == 400
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("path", ["/api/v1/stretches/a%00b", "/stretches/a%00b",
                                  "/api/v1/stretches?x=%00"])
def test_nul_in_the_url_is_a_client_error(auth, path):
    response = auth.get(path)
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("method, path", [
    ("delete", "/api/v1/auth/tokens/99999999999999999999"),
    ("delete", "/api/v1/auth/tokens/2147483648"),
    ("get", "/api/v1/sessions/9223372036854775808"),
    ("get", "/api/v1/checkins/99999999999999999999"),
    ("get", "/sessions/99999999999999999999"),
])
def test_ids_beyond_integer_range_are_404(auth, method, path):
    response = getattr(auth, method)(path)
    assert response.status_code == 404


def test_largest_integer_id_is_an_ordinary_404(auth):
    response = auth.delete("/api/v1/auth/tokens/2147483647")
    assert response.status_code == 404
    assert response.get_json()["message"] == "No such token."


@pytest.mark.parametrize("path", ["/api/v1/no-such-route", "/api/v1/", "/api/v2/me",
                                  "/api/v1/auth", "/api/anything/at/all",
                                  "/api/v1/auth/tokens/abc"])
def test_unknown_api_routes_are_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"] == "not_found"


def test_wrong_method_under_api_is_json_405_with_allow(client):
    client.fetch_csrf()
    response = client.put("/api/v1/me", json={})
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/no-such-page", "/static/nope.css", "/settings/nope"])
def test_unknown_pages_are_html_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Not found" in response.get_data(as_text=True)


@pytest.fixture
def crashing_app(make_app):
    """An app with a view that fails unexpectedly (routes can only be added before
    the first request)."""
    app = make_app()

    def crash():
        raise RuntimeError("secret detail: password=hunter2 at /srv/db")

    app.add_url_rule("/api/v1/test-crash", "test_crash_api", crash, methods=["GET", "POST"])
    app.add_url_rule("/test-crash", "test_crash_page", crash)
    return app


def test_unexpected_error_under_api_is_json_500_without_traceback(crashing_app, caplog):
    response = crashing_app.test_client().get("/api/v1/test-crash")
    assert response.status_code == 500
    assert response.get_json() == {"status": 500, "error": "server_error",
                                   "message": "Something went wrong on our side.", "fields": {}}
    text = response.get_data(as_text=True)
    assert "hunter2" not in text and "RuntimeError" not in text
    assert_no_internals(text)
    # ... but the log has everything needed to fix it.
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in caplog.records)


def test_unexpected_error_on_a_page_is_html_500_without_traceback(crashing_app):
    response = crashing_app.test_client().get("/test-crash")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "Something went wrong" in text
    assert 'class="topbar"' in text and "Back to today" in text  # the app's layout, a way home
    assert "hunter2" not in text and "RuntimeError" not in text
    assert_no_internals(text)


@pytest.mark.parametrize("body", [
    {}, [], None, 0, "", {"email": None, "password": None}, {"email": {}, "password": []},
    {"email": "a@example.com", "password": 10 ** 400}, {"email": 1e308, "password": -1},
    {"email": "a@example.com", "password": True}, {"": ""}, {"email": "é" * 300},
])
@pytest.mark.parametrize("path", ["/api/v1/auth/register", "/api/v1/auth/login"])
def test_odd_bodies_never_cause_a_5xx(make_app, path, body):
    client = make_app(RATELIMIT_ENABLED=False).test_client()
    client.fetch_csrf()
    response = client.post(path, json=body)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert response.is_json


# --- health check ------------------------------------------------------------------------


def test_healthz_reports_database_and_scheduler(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "scheduler": "off",
                                   "scheduler_last_tick": None}
    assert "Set-Cookie" not in response.headers


def test_healthz_reports_an_unreachable_database_as_503(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "unavailable" and body["status"] == "degraded"
    assert_no_internals(response.get_data(as_text=True))
