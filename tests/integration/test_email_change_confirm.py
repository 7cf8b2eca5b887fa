"""Changing the email by a link (outside audit, finding 4): POST /api/v1/me/email and
the Settings form answer the same whether or not the new address has an account, and
mail that address once either way: a link to confirm it, or a notice to its owner.
The link's page (/confirm-email/<token>) shows a button; only its POST changes the
email, once, while the link is fresh, for the account it was made for, and kindly
when the address was taken in the meantime. Real HTTP through the app, real SMTP
(aiosmtpd) receiving the mail."""
from __future__ import annotations

import json
import re
import time

import pytest

from tests.integration.test_password_reset import (  # noqa: F401 - inbox: the SMTP fixture
    ask_for_link, can_sign_in, inbox, mail_settings, mails_to, set_password)
from tests.integration.test_security import INLINE
from tests.support import PASSWORD, Accounts
from tracker.auth.mail import outbox_drained

CONFIRM_LINK = re.compile(r"http://\S+/confirm-email/\S+")
NEW = "moved@example.com"


@pytest.fixture
def mail_app(make_app, inbox):
    # Rate limits have tests of their own (test_account_limits.py).
    return make_app(**mail_settings(inbox), RATELIMIT_ENABLED=False)


@pytest.fixture
def accounts(mail_app) -> Accounts:
    return Accounts(mail_app)


@pytest.fixture
def person(mail_app, accounts):
    """A signed-in client of a new account."""
    return accounts.login(mail_app.test_client(), accounts.create())


def ask(client, new: str, how: str = "api"):
    """Ask to move ``client``'s account to ``new``; waits until the mail is out."""
    if how == "api":
        response = client.post("/api/v1/me/email", json={"password": PASSWORD, "email": new})
    else:
        response = client.post("/settings/email", data={
            "csrf_token": client.csrf_token, "password": PASSWORD, "email": new},
            follow_redirects=True)
    assert outbox_drained(10, client.application)
    return response


def link_to(inbox, address: str) -> str:
    """The path of the last confirmation link mailed to ``address``."""
    body = mails_to(inbox, address)[-1]
    link = CONFIRM_LINK.search(body).group(0)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def said(text: str) -> str:
    """A mail's text with its line breaks as spaces."""
    return " ".join(text.split())


def email_of(client) -> str:
    return client.get("/api/v1/me").get_json()["email"]


def confirm(client, path: str, **kwargs):
    """Open the link's page (which sets up the CSRF token) and press the button."""
    client.get(path)
    client.fetch_csrf()
    return client.post(path, data={"csrf_token": client.csrf_token}, **kwargs)


def page_without_tokens(response, *addresses: str) -> str:
    html = response.get_data(as_text=True)
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    html = re.sub(r'content="[^"]*"', "", html)  # per-user meta tags
    for address in addresses:
        html = html.replace(address, "<address>")
    return html


# --- one answer, one mail -------------------------------------------------------------


@pytest.mark.parametrize("how", ["api", "page"])
def test_audit_4_same_answer_for_taken_and_free_address(mail_app, inbox, accounts, how):
    """The answer does not tell whether the address has an account: same status, the
    same body but for the address itself; each address gets exactly one mail (a link
    to the free one, a notice to the taken one's owner) and nothing changes yet."""
    user = accounts.create()
    taken = accounts.create()["email"]
    free = "free-address@example.com"
    client = accounts.login(mail_app.test_client(), user)

    on_free, on_taken = ask(client, free, how), ask(client, taken, how)

    assert on_free.status_code == on_taken.status_code == (202 if how == "api" else 200)
    if how == "api":
        assert set(on_free.get_json()) == {"message", "pending_email"}
        assert on_free.get_json()["pending_email"] == free
        assert on_taken.get_json()["pending_email"] == taken
        same = lambda r, a: json.dumps(r.get_json(), sort_keys=True).replace(a, "<address>")  # noqa: E731
        assert same(on_free, free) == same(on_taken, taken)
        assert "check your inbox" in on_free.get_json()["message"].lower()
    else:
        sent = f"We sent a link to {free}. Your email changes when you open it."
        assert sent in on_free.get_data(as_text=True)
        assert page_without_tokens(on_free, free) == page_without_tokens(on_taken, taken)

    link_mail, notice = mails_to(inbox, free), [said(m) for m in mails_to(inbox, taken)]
    assert len(link_mail) == 1 and len(notice) == 1 and len(inbox.messages) == 2
    assert CONFIRM_LINK.search(link_mail[0])
    assert "/confirm-email/" not in notice[0]
    assert "already have an account" in notice[0] and "nothing changed" in notice[0]
    assert "/login" in notice[0] and "/reset-password" in notice[0]
    assert email_of(client) == user["email"]  # unchanged until confirmed
    assert mails_to(inbox, user["email"]) == []


def test_api_answer_is_documented_as_202(mail_app, person):
    spec = mail_app.test_client().get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/me/email"]["post"]
    assert "202" in operation["responses"] and "409" not in operation["responses"]
    assert ask(person, NEW).status_code == 202


@pytest.mark.parametrize("how", ["api", "page"])
def test_the_current_address_is_refused_and_mails_nobody(inbox, accounts, person, how):
    response = ask(person, person.user["email"].upper(), how)
    assert response.status_code == 422
    if how == "api":
        assert "email" in response.get_json()["fields"]
    else:
        assert "already your address" in response.get_data(as_text=True)
    assert inbox.messages == []


def test_a_wrong_password_mails_nobody(inbox, person):
    response = person.post("/api/v1/me/email", json={"password": "wrong guess!", "email": NEW})
    assert response.status_code == 422 and "password" in response.get_json()["fields"]
    assert inbox.messages == []


def test_without_a_mail_server_nothing_changes_and_the_answer_says_so(app, auth):
    response = auth.post("/api/v1/me/email", json={"password": PASSWORD, "email": NEW})
    assert response.status_code == 202
    assert "cannot send email" in response.get_json()["message"]
    assert email_of(auth) == auth.user["email"]


# --- the link -------------------------------------------------------------------------


def test_confirm_flow(mail_app, inbox, accounts, person):
    old = person.user["email"]
    ask_for_link(mail_app.test_client(), old)
    reset_link = inbox.link()
    assert ask(person, "ＭＯＶＥＤ@Example.com").get_json()["pending_email"] == NEW
    path = link_to(inbox, NEW)

    # Opening the link (a person, or a mail scanner prefetching it) changes nothing.
    for opener in (person, mail_app.test_client()):
        page = opener.get(path)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Use this address" in html and NEW in html and 'name="csrf_token"' in html
        assert page.headers["Cache-Control"] == "no-store"
        for pattern, what in INLINE:
            assert pattern.search(html) is None, what
    assert email_of(person) == old

    done = confirm(person, path)
    assert done.status_code == 302 and done.location.endswith("/settings#email")
    settings = person.get(done.location).get_data(as_text=True)
    assert f"Your email is now {NEW}." in settings
    assert email_of(person) == NEW
    assert can_sign_in(mail_app, NEW, PASSWORD) and not can_sign_in(mail_app, old, PASSWORD)

    assert outbox_drained(10, mail_app)
    told = said(mails_to(inbox, old)[-1])
    assert "email address was changed" in told and NEW in told
    assert set_password(mail_app.test_client(), reset_link).status_code == 400

    again = confirm(person, path)
    assert again.status_code == 400
    assert "no longer works" in again.get_data(as_text=True)
    assert "Change email in Settings" in again.get_data(as_text=True)


def test_confirming_signed_out_works_and_says_sign_in(mail_app, inbox, person):
    ask(person, NEW)
    stranger = mail_app.test_client()  # the link opened on another device
    done = confirm(stranger, link_to(inbox, NEW))
    assert done.status_code == 302 and "/login" in done.location
    assert f"Your email is now {NEW}. Sign in with it." in \
        stranger.get(done.location).get_data(as_text=True)
    assert email_of(person) == NEW


@pytest.mark.parametrize(("later", "works"), [(86399, True), (86401, False)])
def test_a_link_lasts_a_day(inbox, person, monkeypatch, later, works):
    ask(person, NEW)
    path = link_to(inbox, NEW)
    now = time.time() + later
    monkeypatch.setattr(time, "time", lambda: now)
    response = confirm(person, path)
    assert response.status_code == (302 if works else 400)
    assert email_of(person) == (NEW if works else person.user["email"])


def test_the_link_lifetime_is_a_setting(make_app, inbox):
    app = make_app(**mail_settings(inbox), EMAIL_CONFIRM_MAX_AGE=60)
    accounts = Accounts(app)
    client = accounts.login(app.test_client(), accounts.create())
    ask(client, NEW)
    assert "within 1 minute" in said(mails_to(inbox, NEW)[0])
    path = link_to(inbox, NEW)
    now = time.time() + 61
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: now)
        assert client.get(path).status_code == 400
    assert client.get(path).status_code == 200


def test_a_link_for_one_account_is_refused_to_another(mail_app, inbox, accounts, person):
    ask(person, NEW)
    path = link_to(inbox, NEW)
    someone_else = accounts.login(mail_app.test_client(), accounts.create())
    page = someone_else.get(path)
    assert page.status_code == 403 and "different account" in page.get_data(as_text=True)
    refused = someone_else.post(path, data={"csrf_token": someone_else.csrf_token})
    assert refused.status_code == 403
    assert email_of(person) == person.user["email"]
    assert email_of(someone_else) == someone_else.user["email"]
    assert confirm(person, path).status_code == 302  # still good for its own account


def test_an_address_taken_meanwhile_is_said_kindly(mail_app, inbox, accounts, person):
    ask(person, NEW)
    path = link_to(inbox, NEW)
    accounts.create(NEW)  # someone registered it before the link was confirmed
    response = confirm(person, path)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "That address is taken now" in html and "stays as it was" in html
    assert email_of(person) == person.user["email"]
    assert outbox_drained(10, mail_app)
    assert mails_to(inbox, person.user["email"]) == []


def test_a_password_change_kills_the_link(inbox, person):
    ask(person, NEW)
    path = link_to(inbox, NEW)
    assert person.post("/api/v1/me/password", json={
        "current_password": PASSWORD, "new_password": "a brand new passphrase"}).status_code == 204
    assert confirm(person, path).status_code == 400
    assert email_of(person) == person.user["email"]


def test_an_older_link_dies_when_a_newer_one_is_used(inbox, person):
    ask(person, "first@example.com")
    ask(person, "second@example.com")
    first, second = link_to(inbox, "first@example.com"), link_to(inbox, "second@example.com")
    assert confirm(person, second).status_code == 302
    assert confirm(person, first).status_code == 400
    assert email_of(person) == "second@example.com"


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxfQ.abc.def", "x" * 500])
def test_forged_links_are_refused(mail_app, token):
    response = mail_app.test_client().get(f"/confirm-email/{token}")
    assert response.status_code == 400
    assert "no longer works" in response.get_data(as_text=True)


def test_a_reset_token_is_no_confirmation_token(mail_app, inbox, person):
    ask_for_link(mail_app.test_client(), person.user["email"])
    token = inbox.link().rsplit("/", 1)[1]
    assert mail_app.test_client().get(f"/confirm-email/{token}").status_code == 400


def test_the_link_ignores_a_forged_host(make_app, inbox):
    app = make_app(**mail_settings(inbox), PUBLIC_URL="https://stretch.example.org")
    accounts = Accounts(app)
    client = accounts.login(app.test_client(), accounts.create())
    client.environ_base["HTTP_HOST"] = "evil.example"
    ask(client, NEW)
    body = mails_to(inbox, NEW)[0]
    assert "https://stretch.example.org/confirm-email/" in body and "evil" not in body
