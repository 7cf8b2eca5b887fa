"""Forgotten password (issue 6, point 3): /reset-password always answers the same,
mails a signed one-hour link through a real SMTP server started by the test
(aiosmtpd), the link works once and dies with the password; without a mail server
the page says to ask whoever runs the server and ``flask users reset-password`` prints
a link. Also changing the email address (API and settings)."""
from __future__ import annotations

import email
import re
import socket
import time

import pytest
from aiosmtpd.controller import Controller

from tests.support import PASSWORD, Accounts
from tracker.auth import service
from tracker.auth.models import User
from tracker.extensions import db

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"http://\S+/reset-password/\S+")


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def link(self) -> str:
        body = self.messages[-1].get_payload(decode=True).decode()
        return LINK.search(body).group(0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def mail_app(make_app, inbox):
    # Rate limits have tests of their own; this journey signs in more than 5 times.
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port, MAIL_USE_TLS=False,
                    MAIL_DEFAULT_SENDER="Backstretch <no-reply@example.com>",
                    RATELIMIT_ENABLED=False)


def ask_for_link(client, address: str):
    client.fetch_csrf()
    return client.post("/reset-password", data={"email": address,
                                                "csrf_token": client.csrf_token})


def set_password(client, link: str, password: str = NEW_PASSWORD):
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.fetch_csrf()
    client.get("/" + path)
    return client.post("/" + path, data={"new_password": password,
                                         "csrf_token": client.csrf_token})


def can_sign_in(app, address: str, password: str) -> bool:
    client = app.test_client()
    client.fetch_csrf()
    return client.post("/api/v1/auth/login",
                       json={"email": address, "password": password}).status_code == 200


def test_reset_link_by_mail_works_once(mail_app, inbox):
    users = Accounts(mail_app)
    user = users.create()
    signed_in = users.login(mail_app.test_client(), user)
    token = users.token(user)
    client = mail_app.test_client()

    page = ask_for_link(client, user["email"].upper())
    assert page.status_code == 200
    assert "a link to choose a new password is on its way" in page.get_data(as_text=True)
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == user["email"]
    assert "no-reply@example.com" in message["From"]
    link = inbox.link()

    done = set_password(client, link)
    assert done.status_code == 302 and "/login" in done.location
    assert can_sign_in(mail_app, user["email"], NEW_PASSWORD)
    assert not can_sign_in(mail_app, user["email"], PASSWORD)
    # every session and token ended
    assert signed_in.get("/api/v1/me").status_code == 401
    assert mail_app.test_client().get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    again = set_password(mail_app.test_client(), link, "yet another passphrase")
    assert again.status_code == 400
    assert "expired or was already used" in again.get_data(as_text=True)
    assert can_sign_in(mail_app, user["email"], NEW_PASSWORD)


def test_unknown_address_gets_the_same_answer_and_no_mail(mail_app, inbox, users):
    users_ = Accounts(mail_app)
    known = users_.create()
    client = mail_app.test_client()
    one = ask_for_link(client, "nobody@example.com")
    two = ask_for_link(client, known["email"])
    assert one.status_code == two.status_code == 200
    strip = lambda r: re.sub(r'name="csrf_token" value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(one) == strip(two)
    assert len(inbox.messages) == 1 and inbox.messages[0]["To"] == known["email"]


def test_link_expires_after_an_hour(app, users, user, monkeypatch):
    with app.test_request_context():
        token = service.reset_token(db.session.get(User, user["id"]))
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    response = app.test_client().get(f"/reset-password/{token}")
    assert response.status_code == 400


def test_link_dies_when_the_password_changes_otherwise(app, users, user):
    with app.test_request_context():
        token = service.reset_token(db.session.get(User, user["id"]))
    signed_in = users.login(app.test_client(), user)
    assert signed_in.post("/api/v1/me/password", json={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 204
    assert app.test_client().get(f"/reset-password/{token}").status_code == 400


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxfQ.abc.def", "x" * 500])
def test_forged_links_are_refused(client, user, token):
    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 400
    assert "Ask for a new link" in response.get_data(as_text=True)


def test_short_new_password_is_refused_and_link_still_works(app, users, user):
    with app.test_request_context():
        token = service.reset_token(db.session.get(User, user["id"]))
    client = app.test_client()
    client.fetch_csrf()
    bad = client.post(f"/reset-password/{token}", data={"new_password": "short",
                                                        "csrf_token": client.csrf_token})
    assert bad.status_code == 422
    assert "10 to 256 characters" in bad.get_data(as_text=True)
    assert client.get(f"/reset-password/{token}").status_code == 200


def test_without_a_mail_server_the_page_says_ask_the_operator(client, user):
    page = client.get("/reset-password")
    assert page.status_code == 200
    assert "Ask whoever runs it for a reset link" in page.get_data(as_text=True)


def test_cli_prints_a_working_link(app, runner, user):
    result = runner.invoke(args=["users", "reset-password", user["email"].upper()])
    assert result.exit_code == 0, result.output
    link = LINK.search(result.output).group(0)
    client = app.test_client()
    assert set_password(client, link).status_code == 302
    assert can_sign_in(app, user["email"], NEW_PASSWORD)


def test_cli_link_uses_the_public_url(make_app, users):
    app = make_app(PUBLIC_URL="https://stretch.example.org/")
    user = Accounts(app).create()
    result = app.test_cli_runner().invoke(args=["users", "reset-password", user["email"]])
    assert "https://stretch.example.org/reset-password/" in result.output


def test_cli_unknown_address_fails(runner):
    result = runner.invoke(args=["users", "reset-password", "nobody@example.com"])
    assert result.exit_code != 0
    assert "No account" in result.output


def test_mail_link_ignores_a_forged_host_when_public_url_is_set(make_app, inbox):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port, MAIL_USE_TLS=False,
                   PUBLIC_URL="https://stretch.example.org")
    user = Accounts(app).create()
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = "evil.example"
    assert ask_for_link(client, user["email"]).status_code == 200
    body = inbox.messages[-1].get_payload(decode=True).decode()
    assert "https://stretch.example.org/reset-password/" in body and "evil" not in body


# --- changing the email address -------------------------------------------------------


def test_change_email_api(app, auth):
    response = auth.post("/api/v1/me/email", json={"password": PASSWORD,
                                                   "email": "ＮＥＷ@Example.com"})
    assert response.status_code == 200
    assert response.get_json()["email"] == "new@example.com"
    assert can_sign_in(app, "new@example.com", PASSWORD)


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"password": "wrong password", "email": "x@example.com"}, 422, "password"),
    ({"password": PASSWORD, "email": "not an email"}, 422, "email"),
    ({"password": PASSWORD, "email": "new\u200b@example.com"}, 422, "email"),
    ({"password": PASSWORD, "email": "x" * 250 + "@e.com"}, 422, "email"),
    ({"password": PASSWORD}, 422, "email"),
    ({"email": "x@example.com"}, 422, "password"),
])
def test_change_email_refuses_bad_input(auth, body, status, field):
    response = auth.post("/api/v1/me/email", json=body)
    assert response.status_code == status
    assert field in response.get_json()["fields"]


def test_change_email_to_a_taken_address_is_409(auth, users):
    other = users.create()
    response = auth.post("/api/v1/me/email", json={"password": PASSWORD,
                                                   "email": other["email"].upper()})
    assert response.status_code == 409
    assert "email" in response.get_json()["fields"]


def test_settings_email_form(auth):
    response = auth.post("/settings/email", data={
        "csrf_token": auth.csrf_token, "password": PASSWORD, "email": "moved@example.com"})
    assert response.status_code == 302
    assert auth.get("/api/v1/me").get_json()["email"] == "moved@example.com"
    bad = auth.post("/settings/email", data={
        "csrf_token": auth.csrf_token, "password": "wrong one", "email": "x@example.com"})
    assert bad.status_code == 422
    assert 'id="password-error"' in bad.get_data(as_text=True)
