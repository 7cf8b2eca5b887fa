"""SMART Health Links (issue 22, item 4): the link's payload, the manifest answering
per the IG with the bundle as a compact JWE (decrypted here by hand with
cryptography's AESGCM, not with the app's joserfc, and validated with fhir.resources),
passcodes down to the lock, expiry with a frozen clock, revocation, the access log,
the key nowhere in the database file, the QR code decoding to the viewer URL, the
Settings section, the viewer page's headers, and the manifest's rate limit."""
from __future__ import annotations

import base64
import datetime as dt
import io
import json
import logging
import urllib.request
import uuid
from urllib.error import HTTPError
from pathlib import Path

import cairosvg
import pytest
import zxingcpp
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fhir.resources.R4B.bundle import Bundle
from PIL import Image

from tests.support import PG_URL, Accounts
from tracker.auth.models import User
from tracker.errors import NotFound
from tracker.extensions import db
from tracker.shl import service
from tracker.shl.models import ShlLink

NOW = dt.datetime(2027, 3, 28, 9, 0, tzinfo=dt.timezone.utc)


def b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def payload_of(shlink: str) -> dict:
    assert shlink.startswith("shlink:/")
    return json.loads(b64(shlink.removeprefix("shlink:/")))


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def reader_of(app):  # noqa: ANN001, ANN201
    """A client at an address of its own: the manifest's rate limit is per address, and
    this module's tests share one app (the limit has a test of its own, at the end)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    return client


def make_link(client, **body) -> dict:  # noqa: ANN001
    response = client.post("/api/v1/shl", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def fetch(client, made: dict, **body):  # noqa: ANN001
    body.setdefault("recipient", "Dr Lee")
    return client.post(path_of(payload_of(made["shlink"])["url"]), json=body)


def decrypt(jwe: str, key: str) -> tuple[dict, bytes]:
    """A compact JWE (dir, A256GCM) by hand: header, empty key, IV, ciphertext, tag;
    the AAD is the ASCII of the protected header segment."""
    header, encrypted_key, iv, ciphertext, tag = jwe.split(".")
    assert encrypted_key == ""
    plain = AESGCM(b64(key)).decrypt(b64(iv), b64(ciphertext) + b64(tag), header.encode("ascii"))
    return json.loads(b64(header)), plain


def log_session(client, pain_before: int = 6, pain_after: int = 4, days_ago: int = 0) -> None:  # noqa: ANN001
    response = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()),
        "performed_at": (dt.datetime.now(dt.timezone.utc)
                         - dt.timedelta(days=days_ago, hours=1)).isoformat(),
        "pain_before": pain_before, "pain_after": pain_after,
        "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": 52.5}]})
    assert response.status_code == 201, response.get_data(as_text=True)


# ---------------------------------------------------------------- the link


def test_create_answers_the_link_once(member):
    made = make_link(member, days=30, expires_in_days=7, passcode="open sesame", label="Dr Lee")
    assert set(made) >= {"id", "shlink", "viewer_url", "qr_svg_url", "expires_at", "label"}
    assert made["label"] == "Dr Lee" and made["days"] == 30 and made["status"] == "active"
    assert made["passcode"] is True and made["accesses"] == 0
    payload = payload_of(made["shlink"])
    assert set(payload) == {"url", "key", "exp", "flag", "label", "v"}
    assert payload["v"] == 1 and payload["flag"] == "P" and payload["label"] == "Dr Lee"
    assert len(payload["key"]) == 43 and len(b64(payload["key"])) == 32
    assert payload["url"].startswith("http://localhost/api/shl/manifest/")
    manifest_id = payload["url"].rsplit("/", 1)[1]
    assert len(b64(manifest_id)) >= 32  # 256 bits
    expires = dt.datetime.fromisoformat(made["expires_at"])
    assert payload["exp"] == int(expires.timestamp())
    assert dt.timedelta(days=6, hours=23) < expires - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(days=7)
    assert made["viewer_url"] == "http://localhost/shl#" + made["shlink"]
    assert made["qr_svg_url"].startswith("data:image/svg+xml;base64,")


def test_no_passcode_no_flag_and_defaults(member):
    made = make_link(member)
    payload = payload_of(made["shlink"])
    assert "flag" not in payload and "label" not in payload
    assert made["days"] == 30 and made["passcode"] is False


def test_the_public_url_setting_names_the_links_host(make_app):
    app = make_app(PUBLIC_URL="https://stretch.example.org/")
    client = Accounts(app).signed_in()
    made = make_link(client)
    assert made["viewer_url"].startswith("https://stretch.example.org/shl#shlink:/")
    assert payload_of(made["shlink"])["url"].startswith("https://stretch.example.org/api/shl/manifest/")


@pytest.mark.parametrize("body, field", [
    ({"expires_in_days": 0}, "expires_in_days"),
    ({"expires_in_days": 31}, "expires_in_days"),
    ({"days": 6}, "days"),
    ({"days": 366}, "days"),
    ({"passcode": "12345"}, "passcode"),
    ({"passcode": "x" * 65}, "passcode"),
    ({"passcode": 123456}, "passcode"),
    ({"label": "x" * 81}, "label"),
    ({"key": "mine"}, "key"),
])
def test_bad_input_is_422_naming_the_field(member, body, field):
    response = member.post("/api/v1/shl", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_signed_out_cannot_manage_links(shared_app):
    client = reader_of(shared_app)
    assert client.get("/api/v1/shl").status_code == 401
    assert client.get("/api/v1/shl/1/accesses").status_code == 401


# ---------------------------------------------------------------- the manifest


def test_the_manifest_answers_the_bundle_as_a_jwe_another_library_decrypts(member, shared_app):
    log_session(member, pain_before=6, pain_after=4)
    made = make_link(member, days=14)
    response = fetch(reader_of(shared_app), made, recipient="Riverside Physio",
                     embeddedLengthMax=100000)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    files = response.get_json()["files"]
    assert len(files) == 1 and files[0]["contentType"] == "application/fhir+json"
    header, plain = decrypt(files[0]["embedded"], payload_of(made["shlink"])["key"])
    assert header == {"alg": "dir", "enc": "A256GCM", "cty": "application/fhir+json"}
    bundle = json.loads(plain)
    Bundle.model_validate(bundle)
    scores = sorted(e["resource"].get("valueInteger") for e in bundle["entry"]
                    if e["resource"]["resourceType"] == "Observation"
                    and e["resource"].get("valueInteger") is not None)
    assert scores == [4, 6]
    assert any(e["resource"].get("valueQuantity", {}).get("value") == 52.5 for e in bundle["entry"])


def test_the_bundle_carries_the_psfs_ratings(member, shared_app):
    activity = member.post("/api/v1/psfs/activities", json={"name": "Putting on socks"})
    assert activity.status_code == 201, activity.get_data(as_text=True)
    rating = member.post("/api/v1/psfs/ratings", json={
        "client_id": str(uuid.uuid4()),
        "scores": [{"activity_id": activity.get_json()["id"], "score": 4}]})
    assert rating.status_code == 201, rating.get_data(as_text=True)
    made = make_link(member, days=7)
    _header, plain = decrypt(fetch(reader_of(shared_app), made).get_json()["files"][0]["embedded"],
                             payload_of(made["shlink"])["key"])
    bundle = json.loads(plain)
    Bundle.model_validate(bundle)
    [response] = [e["resource"] for e in bundle["entry"]
                  if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    assert [(i["text"], i["answer"][0]["valueInteger"]) for i in response["item"]] == [
        ("Putting on socks", 4)]


def test_the_bundle_covers_the_chosen_days(member, shared_app):
    log_session(member, pain_before=9, pain_after=8, days_ago=20)
    log_session(member, pain_before=3, pain_after=2)
    made = make_link(member, days=7)
    _header, plain = decrypt(fetch(reader_of(shared_app), made).get_json()["files"][0]["embedded"],
                             payload_of(made["shlink"])["key"])
    scores = sorted(e["resource"]["valueInteger"] for e in json.loads(plain)["entry"]
                    if "valueInteger" in e["resource"])
    assert scores == [2, 3]


def test_the_data_is_as_of_the_moment_the_link_was_made(member, shared_app):
    made = make_link(member)
    log_session(member)  # after the link: not in it
    _header, plain = decrypt(fetch(reader_of(shared_app), made).get_json()["files"][0]["embedded"],
                             payload_of(made["shlink"])["key"])
    assert [e["resource"]["resourceType"] for e in json.loads(plain)["entry"]] == ["Patient"]


def test_any_viewer_may_fetch_the_manifest_cross_origin(member, shared_app):
    made = make_link(member)
    path = path_of(payload_of(made["shlink"])["url"])
    preflight = reader_of(shared_app).options(path, headers={
        "Origin": "https://viewer.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "Content-Type"
    answer = fetch(reader_of(shared_app), made)
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in answer.headers


@pytest.mark.parametrize("body", [
    {}, {"recipient": ""}, {"recipient": "   "}, {"recipient": 5}, {"recipient": "x" * 201},
    {"recipient": "Dr Lee", "passcode": 123456}, [], "Dr Lee",
])
def test_no_recipient_is_400(member, shared_app, body):
    made = make_link(member)
    response = reader_of(shared_app).post(path_of(payload_of(made["shlink"])["url"]), json=body)
    assert response.status_code == 400
    assert response.get_json()["status"] == 400


def test_a_body_that_is_not_json_is_refused(member, shared_app):
    made = make_link(member)
    response = reader_of(shared_app).post(path_of(payload_of(made["shlink"])["url"]),
                                             data="recipient=Dr+Lee")
    assert response.status_code == 415


@pytest.mark.parametrize("manifest_id", ["nope", "x" * 43, "x" * 300])
def test_unknown_manifests_are_404(shared_app, manifest_id):
    response = reader_of(shared_app).post(f"/api/shl/manifest/{manifest_id}",
                                             json={"recipient": "Dr Lee"})
    assert response.status_code == 404
    assert set(response.get_json()) == {"status", "error", "message", "fields"}


def test_a_signed_in_browser_needs_no_csrf_token(member):
    """The viewer's fetch sends no cookie; a client that does still needs no CSRF
    token: the manifest's own secret authorises it."""
    made = make_link(member)
    browser = reader_of(member.application)
    with browser.session_transaction() as sess:
        sess["_user_id"] = member.user["login_id"]
    assert browser.get("/api/v1/me").status_code == 200  # signed in, with no CSRF token
    assert fetch(browser, made).status_code == 200


# ---------------------------------------------------------------- passcodes


def test_wrong_passcodes_count_down_to_the_lock(member, shared_app):
    made = make_link(member, passcode="correct horse")
    reader = reader_of(shared_app)
    assert fetch(reader, made).status_code == 401  # no passcode counts as a wrong one
    assert fetch(reader, made).get_json()["remainingAttempts"] == 8
    ok = fetch(reader, made, passcode="correct horse")
    assert ok.status_code == 200 and ok.get_json()["files"]
    for remaining in range(7, -1, -1):
        response = fetch(reader, made, passcode="wrong guess")
        assert response.status_code == 401
        assert response.get_json()["remainingAttempts"] == remaining
    # Disabled for good: even the right passcode now finds nothing.
    gone = fetch(reader, made, passcode="correct horse")
    assert gone.status_code == 404 and "remainingAttempts" not in gone.get_json()
    item = member.get("/api/v1/shl").get_json()["items"][0]
    assert item["status"] == "disabled" and item["disabled_at"]
    assert item["accesses"] == 1  # only the answered request


def test_the_passcode_is_kept_only_as_a_slow_hash(member):
    made = make_link(member, passcode="correct horse")
    with member.application.app_context():
        stored = db.session.get(ShlLink, made["id"]).passcode_hash
    assert "correct horse" not in stored and stored.startswith("scrypt:")


# ---------------------------------------------------------------- expiry, revocation


def test_expiry_with_a_frozen_clock(shared_app, shared_users):
    account = shared_users.create()
    with shared_app.test_request_context():
        user = db.session.get(User, account["id"])
        made = service.create_link(user, {"days": 30, "expires_in_days": 14}, NOW, "http://localhost")
        db.session.commit()
        assert made.link.expires_at == NOW + dt.timedelta(days=14)
        manifest_id = payload_of(made.shlink)["url"].rsplit("/", 1)[1]
        almost = NOW + dt.timedelta(days=14) - dt.timedelta(seconds=1)
        assert service.open_manifest(manifest_id, {"recipient": "GP"}, almost).files
        with pytest.raises(NotFound):
            service.open_manifest(manifest_id, {"recipient": "GP"}, NOW + dt.timedelta(days=14))
        service.revoke_link(user, made.link.id, NOW + dt.timedelta(hours=1))
        with pytest.raises(NotFound):
            service.open_manifest(manifest_id, {"recipient": "GP"}, NOW + dt.timedelta(hours=2))
        db.session.rollback()


def test_an_expired_link_is_a_404_that_says_nothing_more(member, shared_app):
    made = make_link(member, expires_in_days=1)
    with shared_app.app_context():
        db.session.get(ShlLink, made["id"]).expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        db.session.commit()
    response = fetch(reader_of(shared_app), made)
    assert response.status_code == 404
    unknown = reader_of(shared_app).post("/api/shl/manifest/" + "x" * 43, json={"recipient": "a"})
    assert response.get_json() == unknown.get_json()
    assert member.get("/api/v1/shl").get_json()["items"][0]["status"] == "expired"


def test_revoked_link_is_404(member, other, shared_app):
    made = make_link(member)
    assert other.delete(f"/api/v1/shl/{made['id']}").status_code == 404
    assert other.get(f"/api/v1/shl/{made['id']}/accesses").status_code == 404
    assert fetch(reader_of(shared_app), made).status_code == 200
    assert member.delete(f"/api/v1/shl/{made['id']}").status_code == 204
    assert fetch(reader_of(shared_app), made).status_code == 404
    assert member.delete(f"/api/v1/shl/{made['id']}").status_code == 204  # idempotent
    item = member.get("/api/v1/shl").get_json()["items"][0]
    assert item["status"] == "revoked" and item["revoked_at"]
    assert member.delete("/api/v1/shl/99999999").status_code == 404


# ---------------------------------------------------------------- the access log, the listing


def test_the_access_log_lists_who_opened_it_and_when(member, other, shared_app):
    made = make_link(member)
    reader = reader_of(shared_app)
    assert fetch(reader, made, recipient="Dr Lee").status_code == 200
    assert fetch(reader, made, recipient="  Riverside Physio ").status_code == 200
    body = member.get(f"/api/v1/shl/{made['id']}/accesses").get_json()
    assert [a["recipient"] for a in body["items"]] == ["Riverside Physio", "Dr Lee"]
    assert body["meta"]["total"] == 2
    for item in body["items"]:
        when = dt.datetime.fromisoformat(item["accessed_at"])
        assert abs(when - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)
    assert member.get("/api/v1/shl").get_json()["items"][0]["accesses"] == 2
    assert other.get("/api/v1/shl").get_json()["items"] == []


def test_the_listing_never_carries_the_link(member):
    made = make_link(member, label="GP")
    key = payload_of(made["shlink"])["key"]
    listing = member.get("/api/v1/shl")
    item = listing.get_json()["items"][0]
    assert item["label"] == "GP" and not {"shlink", "viewer_url", "qr_svg_url"} & set(item)
    assert key not in listing.get_data(as_text=True)
    assert key not in member.get("/settings").get_data(as_text=True)


def test_the_key_is_nowhere_in_the_database_file(app, users):
    if PG_URL:
        pytest.skip("reads the SQLite file")
    client = users.signed_in()
    log_session(client)
    made = make_link(client, passcode="correct horse")
    payload = payload_of(made["shlink"])
    assert fetch(app.test_client(), made, passcode="correct horse").status_code == 200
    with app.app_context():
        path = Path(db.engine.url.database)
        db.session.remove()
        db.engine.dispose()
    stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"eyJhbGciOiJkaXIi" in stored  # the ciphertext is there (a sanity check)
    manifest_id = payload["url"].rsplit("/", 1)[1]
    for secret in (payload["key"].encode(), b64(payload["key"]), manifest_id.encode(),
                   made["shlink"].encode(), b"correct horse"):
        assert secret not in stored


def test_the_key_is_in_no_row_of_any_table(member, shared_app):
    """The same on any database: every column of every row, as text."""
    made = make_link(member, passcode="correct horse")
    payload = payload_of(made["shlink"])
    assert fetch(reader_of(shared_app), made, passcode="correct horse").status_code == 200
    with shared_app.app_context():
        rows = repr([db.session.execute(table.select()).all()
                     for table in db.metadata.sorted_tables])
    assert payload["key"] not in rows and repr(b64(payload["key"]))[2:-1] not in rows
    assert payload["url"].rsplit("/", 1)[1] not in rows and made["shlink"] not in rows


def test_the_manifest_id_never_reaches_the_logs(app, users, live_server, caplog):
    made = make_link(users.signed_in())
    url = payload_of(made["shlink"])["url"]
    manifest_id = url.rsplit("/", 1)[1]
    caplog.set_level(logging.INFO)

    def post(path: str) -> int:
        request = urllib.request.Request(f"{live_server.url}{path}", method="POST",
                                         data=b'{"recipient": "Dr Lee"}',
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status
        except HTTPError as err:
            return err.code

    assert post(path_of(url)) == 200
    assert post(path_of(url) + "x") == 404
    assert "/api/shl/manifest/[redacted]" in caplog.text
    assert manifest_id not in caplog.text


# ---------------------------------------------------------------- the QR code


def test_the_qr_code_decodes_to_the_viewer_url(member):
    made = make_link(member, passcode="correct horse", label="Dr Lee")
    svg = base64.b64decode(made["qr_svg_url"].removeprefix("data:image/svg+xml;base64,"))
    assert svg.startswith(b"<svg")
    image = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg))).convert("RGB")
    codes = zxingcpp.read_barcodes(image)
    assert [c.text for c in codes] == [made["viewer_url"]]
    assert codes[0].format == zxingcpp.BarcodeFormat.QRCode and codes[0].ec_level == "M"


# ---------------------------------------------------------------- pages


def test_settings_makes_shows_once_lists_and_withdraws(member, shared_app):
    page = member.get("/settings").get_data(as_text=True)
    assert "Share as a SMART Health Link" in page and 'for="shl-passcode"' in page
    made = member.post("/settings/shl", data={"label": "Dr Lee", "days": "90",
                                              "expires_in_days": "3", "passcode": "correct horse"})
    assert made.status_code == 201
    assert made.headers["Cache-Control"] == "private, no-store"
    html = made.get_data(as_text=True)
    assert "shown only this once" in html and "data:image/svg+xml;base64," in html
    assert 'data-copy="new-shl-url"' in html and 'data-share="new-shl-url"' in html
    assert html.count(" autofocus") == 1
    viewer_url = html.split('id="new-shl-url" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert viewer_url.startswith("http://localhost/shl#shlink:/")
    link = payload_of(viewer_url.split("#", 1)[1])
    assert link["flag"] == "P" and link["label"] == "Dr Lee"
    item = member.get("/api/v1/shl").get_json()["items"][0]
    assert item["days"] == 90 and item["passcode"] is True
    reader = reader_of(shared_app)
    assert reader.post(path_of(link["url"]), json={"recipient": "Dr Lee, GP",
                                                   "passcode": "correct horse"}).status_code == 200
    listed = member.get("/settings").get_data(as_text=True)
    assert "Dr Lee, GP" in listed and "opened 1 time" in listed and link["key"] not in listed
    gone = member.post(f"/settings/shl/{item['id']}/revoke")
    assert gone.status_code == 302
    assert "SMART Health Link withdrawn" in member.get(gone.headers["Location"]).get_data(as_text=True)
    assert member.get("/api/v1/shl").get_json()["items"][0]["status"] == "revoked"
    assert member.get("/settings").status_code == 200


@pytest.mark.parametrize("form, field", [
    ({"passcode": "short"}, "passcode"),
    ({"expires_in_days": "45"}, "expires_in_days"),
    ({"label": "x" * 81}, "label"),
])
def test_settings_form_names_bad_fields(member, form, field):
    response = member.post("/settings/shl", data=form)
    assert response.status_code == 422
    assert f"{field}-error" in response.get_data(as_text=True)


def test_settings_forms_need_csrf(shared_app, member):
    made = make_link(member)
    client = reader_of(shared_app)
    with client.session_transaction() as sess:
        sess["_user_id"] = member.user["login_id"]
    assert client.post("/settings/shl", data={"label": "x"}).status_code == 400
    assert client.post(f"/settings/shl/{made['id']}/revoke").status_code == 400
    assert member.post(f"/settings/shl/{made['id']}/revoke").status_code == 302


def test_another_persons_link_cannot_be_withdrawn_from_settings(member, other):
    made = make_link(member)
    assert other.post(f"/settings/shl/{made['id']}/revoke").status_code == 404
    assert member.get("/api/v1/shl").get_json()["items"][0]["status"] == "active"


def test_the_viewer_page(shared_app):
    response = reader_of(shared_app).get("/shl")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "private, no-store"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "connect-src 'self'" in csp
    assert '<script type="module" src="/static/' in html and "shl-viewer" in html
    assert "<script>" not in html and " style=" not in html
    assert "Who is opening this?" in html and "<a " not in html


def test_the_manifest_is_not_in_the_openapi_document(shared_app):
    paths = reader_of(shared_app).get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/shl", "/api/v1/shl/{link_id}", "/api/v1/shl/{link_id}/accesses"} <= set(paths)
    assert not [p for p in paths if "manifest" in p]


def test_the_manifest_is_rate_limited_per_address(make_app):
    app = make_app(SHL_MANIFEST_RATE_LIMIT="3 per minute")
    client = Accounts(app).signed_in()
    made = make_link(client)
    reader = app.test_client()
    assert [fetch(reader, made).status_code for _ in range(3)] == [200, 200, 200]
    assert fetch(reader, made).status_code == 429
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert fetch(other_address, made).status_code == 200
