"""Share links: made, listed without their secret, revoked; the link opens the report
read-only without signing in, with private headers; expired, revoked, unknown and
another user's links are 404s that say nothing about the person, on a page that offers
no way into the app; the token is never stored, listed or logged; the page that makes
a link opens on it."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import urllib.request
import uuid
from urllib.error import HTTPError

import pytest
from sqlalchemy import select

from tracker.auth.models import User
from tracker.errors import NotFound
from tracker.extensions import db
from tracker.sharing import service
from tracker.sharing.models import Share

NOW = dt.datetime(2027, 3, 28, 9, 0, tzinfo=dt.timezone.utc)


def make_share(client, **body):  # noqa: ANN001
    response = client.post("/api/v1/shares", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def log_session(client, notes: str = "Tight after the long drive") -> None:  # noqa: ANN001
    response = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()),
        "performed_at": (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).isoformat(),
        "pain_before": 6, "pain_after": 4, "notes": notes,
        "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": 52.5}]})
    assert response.status_code == 201, response.get_data(as_text=True)


def test_create_answers_201_with_a_link_once(member):
    body = make_share(member, days=30, expires_in_days=7, label="Physio")
    assert set(body) >= {"id", "url", "expires_at", "label"}
    assert body["label"] == "Physio" and body["days"] == 30 and body["status"] == "active"
    token = body["url"].rsplit("/s/", 1)[1]
    assert len(token) >= 32  # 192 bits, URL-safe base64
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(days=6, hours=23) < expires - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(days=7)


def test_defaults(member):
    body = make_share(member)
    assert body["days"] == 30 and body["label"] == ""
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert expires - dt.datetime.now(dt.timezone.utc) > dt.timedelta(days=13, hours=23)


@pytest.mark.parametrize("body, field", [
    ({"expires_in_days": 0}, "expires_in_days"),
    ({"expires_in_days": 31}, "expires_in_days"),
    ({"expires_in_days": "7"}, "expires_in_days"),
    ({"expires_in_days": 7.5}, "expires_in_days"),
    ({"days": 6}, "days"),
    ({"days": 366}, "days"),
    ({"days": True}, "days"),
    ({"label": "x" * 81}, "label"),
    ({"label": 5}, "label"),
    ({"token": "mine"}, "token"),
])
def test_bad_input_is_422_naming_the_field(member, body, field):
    response = member.post("/api/v1/shares", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_the_secret_is_never_stored_or_listed(member):
    body = make_share(member, label="GP")
    token = body["url"].rsplit("/s/", 1)[1]
    listing = member.get("/api/v1/shares")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert token not in text and "url" not in listing.get_json()["items"][0]
    assert listing.get_json()["items"][0]["label"] == "GP"
    with member.application.app_context():
        share = db.session.get(Share, body["id"])
        assert share.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in {share.label, share.token_hash}
    assert token not in member.get("/settings").get_data(as_text=True)


def test_the_link_shows_the_report_read_only_without_signing_in(member, shared_app):
    log_session(member, notes="Worse after gardening")
    body = make_share(member, days=14)
    stranger = shared_app.test_client()
    response = stranger.get(path_of(body["url"]))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Back pain diary" in html and "Worse after gardening" in html
    assert "not a diagnosis" in html
    assert "(14 days)" in html
    # Read-only, no way into the account, not the person's email.
    assert "<form method=\"post\"" not in html and 'method="post"' not in html
    for link in ("/settings", "/history", "/log\"", "/logout"):
        assert link not in html
    assert member.user["email"] not in html
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in html
    # The stranger is still not signed in.
    assert stranger.get("/api/v1/me").status_code == 401


def test_the_links_chart_figures_are_the_progress_figures_of_the_shared_days(member, shared_app):
    log_session(member)
    body = make_share(member, days=14)
    stranger = shared_app.test_client()
    html = stranger.get(path_of(body["url"])).get_data(as_text=True)
    figures_url = f"{path_of(body['url'])}/progress.json"
    assert f'data-figures="{figures_url}"' in html
    response = stranger.get(figures_url)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.get_json() == member.get("/api/v1/progress?days=14").get_json()
    assert member.delete(f"/api/v1/shares/{body['id']}").status_code == 204
    assert stranger.get(figures_url).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_link_takes_no_writes(member, shared_app, method):
    body = make_share(member)
    response = getattr(shared_app.test_client(), method)(path_of(body["url"]))
    assert response.status_code in (400, 405)  # CSRF refusal or method not allowed


def _assert_dead(client, url: str) -> None:  # noqa: ANN001
    response = client.get(path_of(url))
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "expired, was withdrawn, or never existed" in html
    assert "Back pain diary" not in html
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_revoked_link_is_404_and_listed_as_revoked(member, shared_app):
    body = make_share(member)
    assert member.delete(f"/api/v1/shares/{body['id']}").status_code == 204
    _assert_dead(shared_app.test_client(), body["url"])
    item = member.get("/api/v1/shares").get_json()["items"][0]
    assert item["status"] == "revoked" and item["revoked_at"]
    assert member.delete(f"/api/v1/shares/{body['id']}").status_code == 204  # idempotent


def test_expired_link_is_404(member, shared_app):
    body = make_share(member, expires_in_days=1)
    with shared_app.app_context():
        share = db.session.get(Share, body["id"])
        share.expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        db.session.commit()
    _assert_dead(shared_app.test_client(), body["url"])
    assert member.get("/api/v1/shares").get_json()["items"][0]["status"] == "expired"


@pytest.mark.parametrize("token", ["nope", "x" * 43, "x" * 200, "%00", "..%2F..%2Fsettings"])
def test_unknown_tokens_are_404(shared_app, token):
    response = shared_app.test_client().get(f"/s/{token}")
    assert response.status_code == 404


def test_another_users_share_is_404(member, other):
    body = make_share(member)
    assert other.delete(f"/api/v1/shares/{body['id']}").status_code == 404
    assert other.post(f"/settings/shares/{body['id']}/revoke").status_code == 404
    assert other.get("/api/v1/shares").get_json()["items"] == []
    assert member.get("/api/v1/shares").get_json()["items"][0]["status"] == "active"
    assert other.delete("/api/v1/shares/99999999").status_code == 404


def test_signed_out_cannot_manage_shares(shared_app):
    client = shared_app.test_client()
    assert client.get("/api/v1/shares").status_code == 401
    client.fetch_csrf()
    assert client.post("/api/v1/shares", json={}).status_code == 401


def test_expiry_with_a_frozen_clock(shared_app, shared_users):
    account = shared_users.create()
    with shared_app.app_context():
        user = db.session.get(User, account["id"])
        share, token = service.create_share(user, {"days": 30, "expires_in_days": 14}, NOW)
        db.session.commit()
        assert share.expires_at == NOW + dt.timedelta(days=14)
        almost = NOW + dt.timedelta(days=14) - dt.timedelta(seconds=1)
        assert service.share_by_token(token, almost).id == share.id
        with pytest.raises(NotFound):
            service.share_by_token(token, NOW + dt.timedelta(days=14))
        service.revoke_share(user, share.id, NOW + dt.timedelta(hours=1))
        with pytest.raises(NotFound):
            service.share_by_token(token, NOW + dt.timedelta(hours=2))


def test_settings_page_makes_lists_and_withdraws_links(member):
    page = member.get("/settings")
    assert page.status_code == 200 and "Share with a clinician" in page.get_data(as_text=True)
    made = member.post("/settings/shares", data={"label": "Dr Lee", "days": "90",
                                                 "expires_in_days": "3"})
    assert made.status_code == 201
    html = made.get_data(as_text=True)
    assert "shown only this once" in html and "/s/" in html
    assert made.headers["Cache-Control"] == "private, no-store"
    item = member.get("/api/v1/shares").get_json()["items"][0]
    assert item["label"] == "Dr Lee" and item["days"] == 90
    listed = member.get("/settings").get_data(as_text=True)
    assert "Dr Lee" in listed and "Withdraw" in listed and "/s/" not in listed
    gone = member.post(f"/settings/shares/{item['id']}/revoke")
    assert gone.status_code == 302
    assert "Link withdrawn" in member.get(gone.headers["Location"]).get_data(as_text=True)
    assert member.get("/api/v1/shares").get_json()["items"][0]["status"] == "revoked"


@pytest.mark.parametrize("form, label", [
    ({"expires_in_days": "45"}, "expires_in_days"),
    ({"days": "three"}, "days"),
    ({"label": "x" * 81}, "label"),
])
def test_settings_form_names_bad_fields(member, form, label):
    response = member.post("/settings/shares", data=form)
    assert response.status_code == 422
    assert f"{label}-error" in response.get_data(as_text=True)


def test_settings_form_needs_csrf(shared_app, member):
    client = shared_app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = member.user["login_id"]
    assert client.post("/settings/shares", data={"label": "x"}).status_code == 400


def test_token_never_reaches_the_logs(app, users, live_server, caplog):
    client = users.signed_in()
    body = make_share(client)
    token = body["url"].rsplit("/s/", 1)[1]
    caplog.set_level(logging.INFO)
    with urllib.request.urlopen(f"{live_server.url}/s/{token}") as response:
        assert response.status == 200
    with pytest.raises(HTTPError) as dead:
        urllib.request.urlopen(f"{live_server.url}/s/{token}x")
    assert dead.value.code == 404
    assert "/s/[redacted]" in caplog.text
    assert token not in caplog.text
    with app.app_context():
        assert token not in {s.token_hash for s in db.session.scalars(select(Share))}


# ---------------------------------------------------------------- a dead link's page (issue 19)


def _withdrawn(member) -> str:  # noqa: ANN001
    body = make_share(member)
    assert member.delete(f"/api/v1/shares/{body['id']}").status_code == 204
    return path_of(body["url"])


def _expired(member) -> str:  # noqa: ANN001
    body = make_share(member, expires_in_days=1)
    with member.application.app_context():
        db.session.get(Share, body["id"]).expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        db.session.commit()
    return path_of(body["url"])


@pytest.mark.parametrize("dead", [
    pytest.param(_withdrawn, id="withdrawn"),
    pytest.param(_expired, id="expired"),
    pytest.param(lambda m: "/s/never-made-this-one", id="unknown"),
    pytest.param(lambda m: path_of(make_share(m)["url"]) + "/more", id="more-after-it"),
    pytest.param(lambda m: "/s/", id="cut-short"),
])
@pytest.mark.parametrize("reader", ["stranger", "signed-in"])
def test_a_dead_links_page_offers_no_way_into_the_app(member, other, shared_app, dead, reader):
    path = dead(member)
    client = shared_app.test_client() if reader == "stranger" else other
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "This link no longer works" in words
    assert "Ask the person who shared it with you for a new link." in words
    # Nothing to follow: no link, form, tab bar, brand, sign-in or script.
    assert "<a " not in html and "<form" not in html and "<script" not in html
    assert "tabbar" not in html and "brand" not in html and "Sign in" not in words
    assert "Backstretch" not in words  # not even the app's name as a lead
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert html.count('<meta name="description" content="') == 1


# ---------------------------------------------------------------- focus on the new link


def test_a_new_link_is_where_the_page_opens(member):
    made = member.post("/settings/shares", data={"label": "Physio", "days": "30",
                                                 "expires_in_days": "7"})
    assert made.status_code == 201
    html = made.get_data(as_text=True)
    assert html.count(" autofocus") == 1
    start = html.index("data-result")
    tag = html[html.rindex("<", 0, start):html.index(">", start)]
    assert 'tabindex="-1"' in tag and "autofocus" in tag and 'role="status"' in tag
    assert 'aria-labelledby="share-new-h"' in tag
    result = html[start:html.index("</div>", html.index("share-buttons", start))]
    assert '<h3 id="share-new-h">Link made</h3>' in result
    assert 'id="new-share-url"' in result and "/s/" in result
    assert " autofocus" not in member.get("/settings").get_data(as_text=True)
