"""Forgotten password (issue 6, point 3): /reset-password always answers the same,
mails a signed one-hour link through a real SMTP server started by the test
(aiosmtpd), the link works once and dies with the password; without a mail server
the page says to ask whoever runs the server and ``flask users reset-password`` prints
a link. Also asking to change the email address (API and settings; following the
link: test_email_change_confirm.py).

Issue 20 (outside audit): the mail leaves outside the request, so the answer's time
does not tell who has an account (finding 3); links in mail never come from the
request's Host (5); a confirmed change of email kills reset links, and both changes
tell the old address (10)."""
from __future__ import annotations

import asyncio
import email
import email.header
import re
import socket
import statistics
import time

import pytest
from aiosmtpd.controller import Controller

from tests.support import PASSWORD, Accounts
from tracker.auth import service
from tracker.auth.mail import outbox_drained
from tracker.public_url import public_url
from tracker.auth.models import User
from tracker.extensions import db

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"http://\S+/reset-password/\S+")


class Inbox:
    """An aiosmtpd handler keeping every message it is given; ``delay`` seconds before
    it answers stand for a mail server across a network."""

    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def link(self) -> str:
        body = self.messages[-1].get_payload(decode=True).decode()
        return LINK.search(body).group(0)

    def to(self, address: str) -> list[tuple[str, str]]:
        """(subject, body) of every message to ``address``."""
        return [(subject(m), m.get_payload(decode=True).decode()) for m in self.messages
                if address in m["To"]]


def subject(message: email.message.Message) -> str:
    """The Subject decoded (a German one is RFC 2047 encoded)."""
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


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
    """Ask for a link, and wait until the mail (if any) reached the SMTP server."""
    client.fetch_csrf()
    response = client.post("/reset-password", data={"email": address,
                                                    "csrf_token": client.csrf_token})
    assert outbox_drained(10, client.application)
    return response


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
    """Asking changes nothing yet: the new address (stored spelling) is mailed a link
    (tests/integration/test_email_change_confirm.py follows it)."""
    response = auth.post("/api/v1/me/email", json={"password": PASSWORD,
                                                   "email": "ＮＥＷ@Example.com"})
    assert response.status_code == 202
    assert response.get_json()["pending_email"] == "new@example.com"
    assert not can_sign_in(app, "new@example.com", PASSWORD)


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


def test_change_email_to_a_taken_address_answers_as_a_free_one(auth, users):
    other = users.create()
    response = auth.post("/api/v1/me/email", json={"password": PASSWORD,
                                                   "email": other["email"].upper()})
    assert response.status_code == 202
    assert response.get_json()["pending_email"] == other["email"]
    assert auth.get("/api/v1/me").get_json()["email"] == auth.user["email"]


def test_settings_email_form(auth):
    response = auth.post("/settings/email", data={
        "csrf_token": auth.csrf_token, "password": PASSWORD, "email": "moved@example.com"})
    assert response.status_code == 302
    assert "moved@example.com" in auth.get(response.location).get_data(as_text=True)
    assert auth.get("/api/v1/me").get_json()["email"] == auth.user["email"]  # not yet
    bad = auth.post("/settings/email", data={
        "csrf_token": auth.csrf_token, "password": "wrong one", "email": "x@example.com"})
    assert bad.status_code == 422
    assert 'id="password-error"' in bad.get_data(as_text=True)


# --- issue 20 (outside security audit) ----------------------------------------------


def mail_settings(inbox) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port, "MAIL_USE_TLS": False}


def test_audit_3_reset_takes_as_long_for_a_registered_address_as_for_an_unknown_one(
        make_app, inbox):
    """The mail leaves after the answer (a background sender), so the answer's time
    does not tell whether the address has an account; the mail still arrives."""
    inbox.delay = 0.05  # the audit's server took 50 ms; one in this process takes ~3
    app = make_app(**mail_settings(inbox), RATELIMIT_ENABLED=False)
    known = Accounts(app).create()["email"]
    client = app.test_client()
    client.fetch_csrf()

    def seconds(address: str) -> float:
        start = time.perf_counter()
        response = client.post("/reset-password", data={"email": address,
                                                        "csrf_token": client.csrf_token})
        took = time.perf_counter() - start
        assert response.status_code == 200
        return took

    seconds(known), seconds("nobody@example.com")  # templates compiled, connections open
    registered, unknown = [], []
    for _ in range(30):  # interleaved, so a slow moment of the machine hits both alike
        registered.append(seconds(known))
        unknown.append(seconds("nobody@example.com"))
    difference = statistics.median(registered) - statistics.median(unknown)
    assert abs(difference) < 0.010, (statistics.median(registered), statistics.median(unknown))
    assert outbox_drained(30, app)
    assert len(inbox.messages) == 31
    assert {m["To"] for m in inbox.messages} == {known}


def test_a_full_mail_queue_drops_with_a_warning_and_never_blocks(make_app, caplog):
    # A mail server that accepts the connection but never answers: the sender hangs on
    # the first message, the queue holds one more, the third is dropped.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.getsockname()[1],
                       MAIL_USE_TLS=False, MAIL_TIMEOUT=1, MAIL_QUEUE_SIZE=1,
                       RATELIMIT_ENABLED=False)
        address = Accounts(app).create()["email"]
        client = app.test_client()
        client.fetch_csrf()
        start = time.perf_counter()
        for _ in range(3):
            response = client.post("/reset-password", data={"email": address,
                                                            "csrf_token": client.csrf_token})
            assert response.status_code == 200
        assert time.perf_counter() - start < 1
        assert outbox_drained(10, app)
    assert "queue is full" in caplog.text


@pytest.mark.parametrize(("settings", "header"), [
    ({}, "HTTP_HOST"),
    ({"PROXY_FIX": 1}, "HTTP_X_FORWARDED_HOST"),  # even a trusted proxy's forwarded Host
])
def test_audit_5_a_forged_host_never_reaches_the_mail(make_app, inbox, settings, header):
    """Without TRACKER_PUBLIC_URL (development, testing) links point at the local
    address ``make run`` serves on, whatever Host the request names."""
    app = make_app(**mail_settings(inbox), **settings)
    user = Accounts(app).create()
    client = app.test_client()
    client.environ_base[header] = "evil.example"
    assert ask_for_link(client, user["email"]).status_code == 200
    body = inbox.messages[-1].get_payload(decode=True).decode()
    assert "http://127.0.0.1:5000/reset-password/" in body and "evil" not in body


@pytest.mark.parametrize(("settings", "base"), [
    ({}, "http://127.0.0.1:5000"),
    ({"SERVER_NAME": "stretch.example.org", "PREFERRED_URL_SCHEME": "https"},
     "https://stretch.example.org"),
    ({"PUBLIC_URL": "https://stretch.example.org/", "SERVER_NAME": "other.example"},
     "https://stretch.example.org"),
])
def test_mail_links_are_built_on_settings_alone(make_app, settings, base):
    assert public_url(make_app(**settings)) == base


def change_email(client, new: str, how: str):
    if how == "api":
        return client.post("/api/v1/me/email", json={"password": PASSWORD, "email": new})
    return client.post("/settings/email", data={"csrf_token": client.csrf_token,
                                                "password": PASSWORD, "email": new})


def change_password(client, how: str):
    if how == "api":
        return client.post("/api/v1/me/password", json={"current_password": PASSWORD,
                                                        "new_password": NEW_PASSWORD})
    return client.post("/settings/password", data={
        "csrf_token": client.csrf_token, "current_password": PASSWORD,
        "new_password": NEW_PASSWORD})


def mails_to(inbox, address: str) -> list[str]:
    return [m["Subject"] + "\n" + m.get_payload(decode=True).decode()
            for m in inbox.messages if m["To"] == address]


@pytest.mark.parametrize("how", ["api", "page"])
def test_audit_10_an_email_change_kills_reset_links_and_tells_the_old_address(
        make_app, inbox, how):
    app = make_app(**mail_settings(inbox))
    users = Accounts(app)
    user = users.create()
    ask_for_link(app.test_client(), user["email"])
    link = inbox.link()
    signed_in = users.login(app.test_client(), user)
    assert change_email(signed_in, "moved@example.com", how).status_code in (202, 302)
    assert outbox_drained(10, app)
    reset_path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert app.test_client().get(reset_path).status_code == 200  # nothing changed yet

    confirm = re.search(r"/confirm-email/\S+", mails_to(inbox, "moved@example.com")[0]).group(0)
    signed_in.get(confirm)
    assert signed_in.post(confirm, data={"csrf_token": signed_in.csrf_token}).status_code == 302
    assert outbox_drained(10, app)

    assert set_password(app.test_client(), link).status_code == 400
    told = mails_to(inbox, user["email"])
    assert len(told) == 2  # the link, then the notice
    assert "email address was changed" in told[1] and "moved@example.com" in told[1]
    assert len(mails_to(inbox, "moved@example.com")) == 1  # the confirmation link only


@pytest.mark.parametrize("how", ["api", "page", "reset link"])
def test_audit_10_a_password_change_tells_the_address(make_app, inbox, how):
    app = make_app(**mail_settings(inbox))
    users = Accounts(app)
    user = users.create()
    if how == "reset link":
        ask_for_link(app.test_client(), user["email"])
        assert set_password(app.test_client(), inbox.link()).status_code == 302
    else:
        assert change_password(users.login(app.test_client(), user), how).status_code in (204, 302)
    assert outbox_drained(10, app)
    notice = mails_to(inbox, user["email"])[-1]
    assert "password was changed" in notice and "/reset-password" in notice


@pytest.mark.parametrize("how", ["api", "page"])
def test_failed_changes_mail_nobody(make_app, inbox, how):
    app = make_app(**mail_settings(inbox))
    users = Accounts(app)
    user = users.create()
    signed_in = users.login(app.test_client(), user)
    assert change_email(signed_in, user["email"], how).status_code == 422  # the same one
    if how == "api":
        wrong = signed_in.post("/api/v1/me/email", json={"password": "wrong password",
                                                         "email": "x@example.com"})
    else:
        wrong = signed_in.post("/settings/email", data={
            "csrf_token": signed_in.csrf_token, "password": "wrong password",
            "email": "x@example.com"})
    assert wrong.status_code == 422
    assert outbox_drained(10, app)
    assert inbox.messages == []
