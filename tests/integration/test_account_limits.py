"""Guessing is limited per account as well as per address (issue 6, point 4): failed
sign-ins at one email address from one client address, past a higher ceiling from
many addresses (issue 20, finding 6: a few addresses cannot lock the owner out), and
wrong passwords in password-confirmed actions (delete account, change password or
email) end in 429. Also the start-up warning when several workers would each count
alone."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def address(i: int) -> dict:
    """A distinct client address per attempt (TEST-NET-1, RFC 5737)."""
    return {"REMOTE_ADDR": f"192.0.2.{i + 1}"}


def guess(client, email: str, i: int, password: str = "wrong password"):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password},
                       environ_base=address(i))


@pytest.fixture
def roomy_client(make_app, users):
    """A client of an app whose per-address budget (5 per minute when testing) does
    not end a run of guesses before the per-account limits do."""
    app = make_app(AUTH_RATE_LIMIT="100 per minute")
    client = app.test_client()
    client.fetch_csrf()
    client.user = users.create()
    return client


def test_eleven_guesses_at_one_account_from_one_address(roomy_client):
    user = roomy_client.user
    assert roomy_client.application.config["ACCOUNT_RATE_LIMIT"].startswith("10 per")
    statuses = [guess(roomy_client, user["email"], 7).status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    # even the right password, from that address
    assert guess(roomy_client, user["email"], 7, PASSWORD).status_code == 429


def test_guesses_from_many_addresses_end_at_the_account_ceiling(make_app, users):
    app = make_app(ACCOUNT_LOGIN_CEILING="15 per 15 minutes")
    user = users.create()
    client = app.test_client()
    client.fetch_csrf()
    statuses = [guess(client, user["email"], i).status_code for i in range(16)]
    assert statuses == [401] * 15 + [429]
    assert guess(client, user["email"], 60, PASSWORD).status_code == 429


def test_spelling_the_address_differently_is_the_same_account(roomy_client):
    email = roomy_client.user["email"]
    local, domain = email.split("@")
    spellings = [email, email.upper(), f"  {local}@{domain.upper()} ",
                 "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in email)]
    statuses = [guess(roomy_client, spellings[i % 4], 3).status_code for i in range(11)]
    assert statuses == [401] * 10 + [429]


def test_another_account_is_not_blocked(client, users, user):
    client.fetch_csrf()
    for i in range(10):
        guess(client, user["email"], i)
    other = users.create()
    assert guess(client, other["email"], 20, other["password"]).status_code == 200


def test_successful_sign_ins_do_not_use_up_the_account_budget(client, user):
    client.fetch_csrf()
    for i in range(12):
        assert guess(client, user["email"], i, PASSWORD).status_code == 200
        client.fetch_csrf()
    assert guess(client, user["email"], 40).status_code == 401


def test_login_page_counts_for_the_account_too(roomy_client):
    client, user = roomy_client, roomy_client.user

    def page(password: str, i: int):
        return client.post("/login", data={"email": user["email"], "password": password,
                                           "csrf_token": client.csrf_token},
                           environ_base=address(i))

    for _ in range(5):
        assert guess(client, user["email"], 4).status_code == 401
    assert [page("nope", 4).status_code for _ in range(5)] == [422] * 5
    assert page(PASSWORD, 4).status_code == 429
    assert page(PASSWORD, 30).status_code == 302


def test_twenty_five_wrong_passwords_on_delete_me(app, auth):
    statuses = [auth.delete("/api/v1/me", json={"password": f"guess number {i}"},
                            environ_base=address(i)).status_code for i in range(25)]
    assert statuses[:10] == [422] * 10
    assert set(statuses[10:]) == {429}
    assert auth.get("/api/v1/me").status_code == 200  # the account is still there


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/me/password", {"current_password": "wrong guess", "new_password": "x" * 12}),
    ("/api/v1/me/email", {"password": "wrong guess", "email": "new@example.com"}),
])
def test_password_confirmed_actions_share_the_account_budget(auth, path, body):
    for i in range(5):
        auth.delete("/api/v1/me", json={"password": "wrong guess"}, environ_base=address(i))
    statuses = [auth.post(path, json=body, environ_base=address(i)).status_code
                for i in range(5, 11)]
    assert statuses == [422] * 5 + [429]


def test_confirmed_limit_follows_the_user_across_tokens(app, users, user):
    tokens = [users.token(user, f"t{i}") for i in range(11)]
    client = app.test_client()
    statuses = [client.delete("/api/v1/me", json={"password": "wrong guess"},
                              headers={"Authorization": f"Bearer {t}"}).status_code
                for t in tokens]
    assert statuses == [422] * 10 + [429]


def test_reset_requests_are_limited_per_account(make_app, users):
    app = make_app(AUTH_RATE_LIMIT="100 per minute")
    target = "someone@example.com"
    client = app.test_client()
    client.fetch_csrf()
    statuses = [client.post("/reset-password", data={"email": target, "csrf_token": client.csrf_token},
                            environ_base=address(i)).status_code for i in range(11)]
    assert statuses == [200] * 10 + [429]


# --- several workers, one memory each ------------------------------------------------


def gunicorn_start_log(tmp_path, database_url: str, **env: str) -> str:
    """What gunicorn, started with the project's gunicorn.conf.py, logs until it is
    ready to serve (then it is stopped)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "WEB_"))}
    environ.update(TRACKER_ENV="production", TRACKER_SECRET_KEY="test",
                   TRACKER_DATABASE_URL=database_url, **env)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT, env=environ, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        for line in proc.stderr:
            lines.append(line)
            if "Booting worker" in line:
                break
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    return "".join(lines)


def test_gunicorn_warns_when_several_workers_count_alone(tmp_path, database_url):
    log = gunicorn_start_log(tmp_path, database_url, WEB_CONCURRENCY="3",
                             TRACKER_RATELIMIT_STORAGE_URI="memory://")
    assert "3 worker processes" in log
    assert "TRACKER_RATELIMIT_STORAGE_URI" in log


@pytest.mark.parametrize("env", [
    {"WEB_CONCURRENCY": "3", "TRACKER_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"},
    {"WEB_CONCURRENCY": "1"},
    {"WEB_CONCURRENCY": "3", "TRACKER_RATELIMIT_ENABLED": "false"},
])
def test_no_warning_with_shared_storage_or_one_worker(tmp_path, database_url, env):
    log = gunicorn_start_log(tmp_path, database_url, **env)
    assert "Booting worker" in log
    assert "worker processes" not in log


# --- issue 20 (outside security audit) ----------------------------------------------


@pytest.mark.parametrize(("spread", "per_address"), [(30, 1), (3, 10), (1, 10)])
def test_audit_6_guesses_from_other_addresses_do_not_lock_the_owner_out(
        roomy_client, spread, per_address):
    """Wrong passwords from other addresses block those addresses, not the owner:
    the right password from a fresh address signs in."""
    client, email = roomy_client, roomy_client.user["email"]
    statuses = [guess(client, email, i).status_code
                for i in range(spread) for _ in range(per_address)]
    assert set(statuses) == {401}
    if per_address == 10:  # those addresses are blocked now, even with the password
        assert guess(client, email, 0).status_code == 429
        assert guess(client, email, 0, PASSWORD).status_code == 429
    assert guess(client, email, 99, PASSWORD).status_code == 200


@pytest.mark.parametrize(("how", "answered"), [("api", 202), ("page", 302)])
def test_audit_4_twenty_email_change_probes_end_in_429(app, auth, users, how, answered):
    """Each request to change the email mails the address named (a link, or a notice
    to its owner), so every attempt counts against the person's own budget (5 per
    hour), registered addresses included."""
    assert app.config["EMAIL_CHANGE_RATE_LIMIT"].startswith("5 per hour")
    taken = [users.create()["email"] for _ in range(20)]
    if how == "api":
        statuses = [auth.post("/api/v1/me/email", json={"password": PASSWORD, "email": e},
                              environ_base=address(i)).status_code
                    for i, e in enumerate(taken)]
    else:
        statuses = [auth.post("/settings/email", data={
            "csrf_token": auth.csrf_token, "password": PASSWORD, "email": e},
            environ_base=address(i)).status_code for i, e in enumerate(taken)]
    assert statuses == [answered] * 5 + [429] * 15


def test_audit_4_free_addresses_count_too(auth):
    """A request for a free address mails it a link: that counts too."""
    statuses = [auth.post("/api/v1/me/email", json={"password": PASSWORD,
                                                    "email": f"free-{i}@example.com"}).status_code
                for i in range(7)]
    assert statuses == [202] * 5 + [429] * 2
    assert auth.get("/api/v1/me").get_json()["email"] == auth.user["email"]  # not confirmed


def test_audit_4_the_email_change_budget_is_the_persons_own(app, users):
    first, second = users.signed_in(), users.signed_in()
    for i in range(5):
        first.post("/api/v1/me/email", json={"password": PASSWORD, "email": f"a{i}@example.com"})
    assert first.post("/api/v1/me/email", json={
        "password": PASSWORD, "email": "a9@example.com"}).status_code == 429
    assert second.post("/api/v1/me/email", json={
        "password": PASSWORD, "email": "b@example.com"}).status_code == 202
