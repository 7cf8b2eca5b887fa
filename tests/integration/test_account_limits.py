"""Guessing is limited per account as well as per address (issue 6, point 4): failed
sign-ins at one email address from many addresses, and wrong passwords in
password-confirmed actions (delete account, change password or email), end in 429.
Also the start-up warning when several workers would each count alone."""
from __future__ import annotations

import logging

import pytest

from tests.support import PASSWORD
from tracker.extensions import worker_processes


def address(i: int) -> dict:
    """A distinct client address per attempt (TEST-NET-1, RFC 5737)."""
    return {"REMOTE_ADDR": f"192.0.2.{i + 1}"}


def guess(client, email: str, i: int, password: str = "wrong password"):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password},
                       environ_base=address(i))


def test_eleven_guesses_at_one_account_from_eleven_addresses(app, client, user):
    assert app.config["ACCOUNT_RATE_LIMIT"].startswith("10 per")
    client.fetch_csrf()
    statuses = [guess(client, user["email"], i).status_code for i in range(11)]
    assert statuses == [401] * 10 + [429]
    # even the right password, from yet another address
    assert guess(client, user["email"], 50, PASSWORD).status_code == 429


def test_spelling_the_address_differently_is_the_same_account(client, user):
    client.fetch_csrf()
    local, domain = user["email"].split("@")
    spellings = [user["email"], user["email"].upper(), f"  {local}@{domain.upper()} ",
                 "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in user["email"])]
    statuses = [guess(client, spellings[i % 4], i).status_code for i in range(11)]
    assert statuses[-1] == 429


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


def test_login_page_counts_for_the_account_too(client, user):
    client.fetch_csrf()
    for i in range(5):
        guess(client, user["email"], i)
    for i in range(5, 10):
        page = client.post("/login", data={"email": user["email"], "password": "nope",
                                           "csrf_token": client.csrf_token},
                           environ_base=address(i))
        assert page.status_code == 422
    page = client.post("/login", data={"email": user["email"], "password": PASSWORD,
                                       "csrf_token": client.csrf_token}, environ_base=address(30))
    assert page.status_code == 429


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


@pytest.mark.parametrize(("environ", "argv", "workers"), [
    ({}, ["flask", "run"], 1),
    ({"WEB_CONCURRENCY": "4"}, ["python"], 4),
    ({}, ["/srv/.venv/bin/gunicorn", "-w", "3", "tracker:create_app()"], 3),
    ({}, ["gunicorn", "--workers=5", "app"], 5),
    ({}, ["gunicorn", "-w2", "app"], 2),
    ({"GUNICORN_CMD_ARGS": "--workers 6 --bind :8000"}, ["gunicorn", "app"], 6),
    ({"WEB_CONCURRENCY": "many"}, ["python"], 1),
    ({}, ["python", "-w", "9"], 1),  # not gunicorn: its flags mean nothing here
])
def test_worker_processes(environ, argv, workers):
    assert worker_processes(environ, argv) == workers


def test_warns_when_several_workers_count_alone(make_app, monkeypatch, caplog):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with caplog.at_level(logging.WARNING):
        make_app(RATELIMIT_STORAGE_URI="memory://")
    assert "4 worker processes" in caplog.text
    assert "TRACKER_RATELIMIT_STORAGE_URI" in caplog.text


def test_no_warning_with_shared_storage_or_one_worker(make_app, monkeypatch, caplog):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with caplog.at_level(logging.WARNING):
        make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15")
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    with caplog.at_level(logging.WARNING):
        make_app()
    assert "worker processes" not in caplog.text
