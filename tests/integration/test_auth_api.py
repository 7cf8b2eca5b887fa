"""Account API, /api/v1/auth/*: the CSRF token, registration, sign-in and sign-out,
and personal API tokens (bearer auth), per the HTTP contract in DESIGN.md.

Registration and sign-in are rate-limited (TestingConfig: 5 per minute); every test
has a fresh app and so a fresh budget, and no test here spends more than that.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tracker.auth.models import ApiToken, User
from tracker.extensions import db

PASSWORD = "a sound passphrase"


def register(client, email: str = "new@example.com", password: str = PASSWORD,
             **extra):
    """POST /auth/register with a fresh CSRF token; afterwards fetch the new session's
    token (signing in starts a fresh session), as the web app does."""
    client.fetch_csrf()
    response = client.post("/api/v1/auth/register",
                           json={"email": email, "password": password, **extra})
    client.fetch_csrf()
    return response


def login(client, email: str, password: str):
    client.fetch_csrf()
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    client.fetch_csrf()
    return response


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def an_hour_ago(zone: str = "Europe/Berlin") -> str:
    return (dt.datetime.now(ZoneInfo(zone)) - dt.timedelta(hours=1)).isoformat()


def assert_names_fields(response, *names, status=422):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == status
    for name in names:
        assert name in body["fields"], body
        assert name in body["message"]


# --- GET /auth/csrf ------------------------------------------------------------------


def test_csrf_returns_token_and_sets_session_cookie(client):
    response = client.get("/api/v1/auth/csrf")
    assert response.status_code == 200
    token = response.get_json()["csrf_token"]
    assert isinstance(token, str) and len(token) > 20
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_token_is_stable_within_a_session(client):
    assert client.fetch_csrf() == client.get("/api/v1/auth/csrf").get_json()["csrf_token"]


# --- POST /auth/register -------------------------------------------------------------


def test_register_answers_201_with_the_user_and_signs_in(client):
    response = register(client, "new@example.com", timezone="Europe/Berlin")
    assert response.status_code == 201
    body = response.get_json()
    assert {"id", "email", "timezone"} <= set(body)
    assert body["email"] == "new@example.com" and body["timezone"] == "Europe/Berlin"
    assert isinstance(body["id"], int)
    assert "password" not in body and "password_hash" not in body
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.get_json()["id"] == body["id"]


def test_register_defaults_timezone_to_utc(client):
    response = register(client)
    assert response.status_code == 201
    assert response.get_json()["timezone"] == "UTC"


@pytest.mark.parametrize("given, stored", [
    ("Mixed.Case@Example.COM", "mixed.case@example.com"),
    ("ALICE@EXAMPLE.COM", "alice@example.com"),
    ("bob@example.com", "bob@example.com"),
])
def test_register_case_folds_email(client, app, given, stored):
    response = register(client, given)
    assert response.status_code == 201
    assert response.get_json()["email"] == stored
    with app.app_context():
        assert db.session.scalar(select(User.email).where(User.id == response.get_json()["id"])) \
            == stored


def test_password_stored_hashed(client, app):
    register(client, "hash@example.com")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "hash@example.com"))
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith("scrypt:")


@pytest.mark.parametrize("variant", ["alice@example.com", "ALICE@EXAMPLE.COM",
                                     "Alice@Example.Com", "alice@EXAMPLE.com"])
def test_duplicate_email_in_any_case_is_409(client, users, variant):
    users.create(email="alice@example.com")
    response = register(client, variant)
    assert_names_fields(response, "email", status=409)
    assert response.get_json()["error"] == "conflict"
    assert client.get("/api/v1/me").status_code == 401  # not signed in as anyone


@pytest.mark.parametrize("email", [
    "", "not-an-email", "a@", "@example.com", "a b@example.com", "a@@example.com",
    "alice@example", "x" * 250 + "@example.com", " ", None, 42, ["a@example.com"],
    {"email": "a@example.com"}, True,
])
def test_register_refuses_bad_email(client, email):
    response = register(client, email)
    assert_names_fields(response, "email")
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("password", [
    "", "short", "x" * 9, "123456789", "x" * 257, "x" * 5000, None, 12345678901,
    ["a sound passphrase"],
])
def test_register_refuses_bad_password(client, password):
    response = register(client, "pw@example.com", password)
    assert_names_fields(response, "password")
    fields = response.get_json()["fields"]
    assert set(fields) == {"password"}  # the other fields were fine


@pytest.mark.parametrize("password", ["x" * 10, "ten chars!", "y" * 256, "ünïcødé—pässwörd"])
def test_register_accepts_password_lengths_at_the_bounds(client, password):
    response = register(client, "ok@example.com", password)
    assert response.status_code == 201
    assert login(client, "ok@example.com", password).status_code == 200


@pytest.mark.parametrize("timezone", [
    "Mars/Olympus_Mons", "", "utc", "Europe/berlin", "Europe/Berlin ", "../../etc/passwd",
    "+02:00", "GMT+2x", "x" * 65, None, 5, ["UTC"],
])
def test_register_refuses_bad_timezone(client, timezone):
    response = register(client, "tz@example.com", timezone=timezone)
    assert_names_fields(response, "timezone")


@pytest.mark.parametrize("body, field", [
    ({"email": "a\x00@example.com", "password": PASSWORD}, "email"),
    ({"email": "a@example.com", "password": "\x00" + PASSWORD}, "password"),
    ({"email": "a@example.com", "password": PASSWORD, "timezone": "\x00"}, "timezone"),
    ({"email": "a@example.com", "password": "\ud800" + PASSWORD}, "password"),
    ({"email": "\udfff@example.com", "password": PASSWORD}, "email"),
])
def test_register_refuses_text_no_database_stores(client, body, field):
    """NUL characters (PostgreSQL text cannot hold them) and unpaired surrogates
    (not encodable as UTF-8) are a 400 naming the field, not a crash."""
    response = register(client, **body)
    assert_names_fields(response, field, status=400)
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("timezone", ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires",
                                      "Asia/Kathmandu", "Pacific/Chatham"])
def test_register_accepts_iana_timezones(client, timezone):
    response = register(client, "tz@example.com", timezone=timezone)
    assert response.status_code == 201
    assert response.get_json()["timezone"] == timezone


@pytest.mark.parametrize("extra", [{"foo": 1}, {"is_admin": True}, {"id": 1},
                                   {"password_hash": "x"}, {"session_version": 5}])
def test_register_refuses_unknown_fields(client, extra):
    response = register(client, "extra@example.com", **extra)
    name = next(iter(extra))
    assert_names_fields(response, name)
    assert response.get_json()["fields"][name] == ["Unknown field."]


def test_register_names_every_missing_field(client):
    client.fetch_csrf()
    response = client.post("/api/v1/auth/register", json={})
    assert_names_fields(response, "email", "password")


@pytest.mark.parametrize("body", [[], [1, 2], "a string", 1, None, True])
def test_register_refuses_non_object_json(client, body):
    client.fetch_csrf()
    response = client.post("/api/v1/auth/register", json=body)
    assert 400 <= response.status_code < 500
    assert response.is_json and response.get_json()["fields"]


# --- POST /auth/login ------------------------------------------------------------------


def test_login_answers_200_with_the_user_and_signs_in(client, user):
    response = login(client, user["email"], user["password"])
    assert response.status_code == 200
    assert response.get_json()["id"] == user["id"]
    assert client.get("/api/v1/me").get_json()["email"] == user["email"]


@pytest.mark.parametrize("typed", [str.upper, str.title, lambda e: f"  {e}  "])
def test_login_email_is_case_and_space_insensitive(client, user, typed):
    response = login(client, typed(user["email"]), user["password"])
    assert response.status_code == 200


def test_wrong_password_and_unknown_email_answer_identically(client, user):
    wrong_password = login(client, user["email"], "not the right password")
    unknown_email = login(client, "nobody-here@example.com", user["password"])
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.get_json() == unknown_email.get_json()
    assert "email" not in wrong_password.get_json()["message"].lower().replace(
        "email or password", "")
    assert client.get("/api/v1/me").status_code == 401


def test_login_starts_a_fresh_session(client, user):
    """No session fixation: what was in the anonymous session is gone after login."""
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    login(client, user["email"], user["password"])
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_old_csrf_token_stops_working_after_login(client, user):
    old = client.fetch_csrf()
    client.post("/api/v1/auth/login", json={"email": user["email"], "password": user["password"]})
    response = client.post("/api/v1/auth/tokens", json={"name": "x"},
                           headers={"X-CSRF-Token": old})
    assert response.status_code == 400


@pytest.mark.parametrize("body, field", [
    ({"password": PASSWORD}, "email"),
    ({"email": "a@example.com"}, "password"),
    ({"email": "a@example.com", "password": "x" * 257}, "password"),
    ({"email": "x" * 255, "password": PASSWORD}, "email"),
    ({"email": 5, "password": PASSWORD}, "email"),
    ({"email": "a@example.com", "password": PASSWORD, "remember": True}, "remember"),
])
def test_login_validation_names_the_field(client, body, field):
    client.fetch_csrf()
    response = client.post("/api/v1/auth/login", json=body)
    assert_names_fields(response, field)


# --- POST /auth/logout -----------------------------------------------------------------


def test_logout_answers_204_and_ends_the_session(auth):
    assert auth.get("/api/v1/me").status_code == 200
    response = auth.post("/api/v1/auth/logout")
    assert response.status_code == 204
    assert response.get_data() == b""
    me = auth.get("/api/v1/me")
    assert me.status_code == 401
    assert me.get_json()["error"] == "unauthorized"


def test_logout_when_signed_out_is_harmless(client):
    client.fetch_csrf()
    assert client.post("/api/v1/auth/logout").status_code == 204


# --- personal API tokens -------------------------------------------------------------


def create_token(client, name: str = "phone") -> dict:
    response = client.post("/api/v1/auth/tokens", json={"name": name})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_create_token_answers_201_and_the_token_once(auth, user):
    body = create_token(auth, "my script")
    assert body["token"].startswith("bst_") and len(body["token"]) > 40
    assert body["name"] == "my script" and isinstance(body["id"], int)
    listed = auth.get("/api/v1/auth/tokens").get_json()
    assert [t["id"] for t in listed["items"]] == [body["id"]]
    assert "token" not in listed["items"][0] and "token_hash" not in listed["items"][0]
    assert listed["meta"]["total"] == 1


def test_token_is_stored_hashed(auth, app):
    raw = create_token(auth)["token"]
    with app.app_context():
        rows = db.session.execute(select(ApiToken.__table__)).mappings().all()
    assert len(rows) == 1
    for value in rows[0].values():
        assert raw not in str(value)
    assert rows[0]["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()


def test_bearer_requests_work_without_csrf_or_cookie(auth, app, user):
    raw = create_token(auth)["token"]
    api = app.test_client()  # no cookie, no CSRF token
    assert api.get("/api/v1/me", headers=bearer(raw)).get_json()["id"] == user["id"]
    checkin = api.post("/api/v1/checkins", headers=bearer(raw), json={
        "client_id": str(uuid.uuid4()), "recorded_at": an_hour_ago(), "score": 4})
    assert checkin.status_code == 201, checkin.get_data(as_text=True)
    patched = api.patch("/api/v1/me", headers=bearer(raw), json={"timezone": "Asia/Tokyo"})
    assert patched.status_code == 200
    assert patched.get_json()["timezone"] == "Asia/Tokyo"
    # A bearer request never sets a session cookie.
    assert "Set-Cookie" not in api.get("/api/v1/me", headers=bearer(raw)).headers


def test_bearer_scheme_is_case_insensitive(users, user, client):
    raw = users.token(user)
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer {raw}"}).status_code == 200


def test_token_use_is_recorded(users, user, client, app):
    raw = users.token(user)
    client.get("/api/v1/me", headers=bearer(raw))
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_revoked_token_stops_working(auth, app):
    body = create_token(auth)
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer(body["token"])).status_code == 200
    response = auth.delete(f"/api/v1/auth/tokens/{body['id']}")
    assert response.status_code == 204
    assert api.get("/api/v1/me", headers=bearer(body["token"])).status_code == 401
    assert auth.delete(f"/api/v1/auth/tokens/{body['id']}").status_code == 404
    assert auth.get("/api/v1/auth/tokens").get_json()["items"] == []


def test_a_token_can_revoke_itself(users, user, client):
    raw = users.token(user)
    token_id = client.get("/api/v1/auth/tokens", headers=bearer(raw)).get_json()["items"][0]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{token_id}", headers=bearer(raw)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_another_users_token_is_not_found(auth, users, app):
    other = users.create()
    other_raw = users.token(other)
    with app.app_context():
        other_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == other["id"]))
    response = auth.delete(f"/api/v1/auth/tokens/{other_id}")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert auth.get("/api/v1/auth/tokens").get_json()["items"] == []
    # ... and the other user's token still works.
    assert app.test_client().get("/api/v1/me", headers=bearer(other_raw)).get_json()["id"] \
        == other["id"]


@pytest.mark.parametrize("token_id", ["999999", "0", "-1", "abc", "1.5"])
def test_revoking_a_missing_token_is_404(auth, token_id):
    response = auth.delete(f"/api/v1/auth/tokens/{token_id}")
    assert response.status_code == 404
    assert response.is_json


@pytest.mark.parametrize("body, field", [
    ({}, "name"), ({"name": ""}, "name"), ({"name": "x" * 81}, "name"),
    ({"name": 7}, "name"), ({"name": "ok", "scope": "all"}, "scope"),
])
def test_create_token_validation(auth, body, field):
    assert_names_fields(auth.post("/api/v1/auth/tokens", json=body), field)


@pytest.mark.parametrize("method, path", [
    ("post", "/api/v1/auth/tokens"), ("get", "/api/v1/auth/tokens"),
    ("delete", "/api/v1/auth/tokens/1"),
])
def test_token_routes_need_sign_in(client, method, path):
    client.fetch_csrf()
    response = getattr(client, method)(path, json={"name": "x"} if method == "post" else None)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize("header", [
    "Bearer garbage", "Bearer bst_not-a-real-token", "Bearer bst_" + "a" * 200,
    "Bearer " + "x" * 5000, "Bearer", "Bearer ", "Basic dXNlcjpwYXNzd29yZA==",
    "Token bst_abc", "bst_abc", "",
])
def test_garbage_authorization_is_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize("header", ["Bearer garbage", "Basic dXNlcjpwYXNzd29yZA==", ""])
def test_cookie_ignored_when_authorization_header_present(auth, header):
    assert auth.get("/api/v1/me").status_code == 200
    response = auth.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401


def test_bearer_wins_over_the_cookie(auth, users):
    other = users.create()
    raw = users.token(other)
    response = auth.get("/api/v1/me", headers=bearer(raw))
    assert response.get_json()["id"] == other["id"]


def test_garbage_bearer_cannot_skip_csrf_with_a_cookie(auth):
    """Sending any Authorization header skips the CSRF check, so it must also drop the
    cookie's identity: otherwise a junk header would unlock cookie writes."""
    auth.csrf_token = None
    response = auth.patch("/api/v1/me", json={"timezone": "Asia/Tokyo"},
                          headers={"Authorization": "Bearer junk"})
    assert response.status_code == 401
    auth.fetch_csrf()
    assert auth.get("/api/v1/me").get_json()["timezone"] != "Asia/Tokyo"
