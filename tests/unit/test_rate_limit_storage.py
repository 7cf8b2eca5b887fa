"""The ``database://`` rate-limit storage (tracker.rate_limit_storage, audit finding 7):
fixed-window counting, windows that end, clearing and pruning, counts that a request's
rollback cannot undo, SQLite's write lock (no waiting on the request's own session,
waiting on another writer, reads that never wait), and a busy database answered 503.

Runs on the suite's database: a SQLite file, or PostgreSQL when
TRACKER_TEST_DATABASE_URL is set (the SQLite lock tests skip there)."""
from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from limits.errors import ConfigurationError
from limits.storage import MemoryStorage, storage_from_string
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from tests.support import PASSWORD, PG_URL
from tracker.auth.models import User
from tracker.extensions import db, limiter
from tracker.rate_limit_storage import DatabaseStorage, RateLimitCounter, prune_expired

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock")

KEY = "LIMITER/127.0.0.1/auth/10/1/minute"
START = 1_800_000_000.0


class Clock:
    """The storage's clock seam: seconds since the epoch, moved by hand."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def storage(app, clock) -> Iterator[DatabaseStorage]:
    with app.app_context():
        yield DatabaseStorage("database://", clock=clock)


def rows(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(RateLimitCounter))
        db.session.remove()
        return count


# --- registration and configuration ---------------------------------------------------


def test_database_storage_is_the_default_and_registered_with_limits(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
    assert isinstance(limiter.storage, DatabaseStorage)
    assert isinstance(storage_from_string("database://"), DatabaseStorage)


def test_memory_remains_selectable(make_app):
    make_app(RATELIMIT_STORAGE_URI="memory://")
    assert isinstance(limiter.storage, MemoryStorage)


@pytest.mark.parametrize("strategy", ["moving-window", "sliding-window-counter"])
def test_an_unsupported_strategy_is_refused_at_start(make_app, strategy):
    with pytest.raises(ConfigurationError, match=f"{strategy}.*fixed-window"):
        make_app(RATELIMIT_STRATEGY=strategy)


# --- counting ---------------------------------------------------------------------------


def test_incr_counts_within_one_window(storage, clock):
    assert storage.get(KEY) == 0
    assert storage.incr(KEY, 60) == 1
    clock.now += 10
    assert storage.incr(KEY, 60) == 2
    assert storage.incr(KEY, 60, amount=3) == 5
    assert storage.get(KEY) == 5
    assert storage.get_expiry(KEY) == START + 60  # the window's end does not move


def test_a_window_ends_and_the_next_starts_from_the_amount(storage, clock):
    storage.incr(KEY, 60, amount=4)
    clock.now = START + 59.5
    assert storage.get(KEY) == 4
    clock.now = START + 60
    assert storage.get(KEY) == 0
    assert storage.get_expiry(KEY) == clock.now  # no window: it resets now
    assert storage.incr(KEY, 60, amount=2) == 2
    assert storage.get_expiry(KEY) == START + 120


def test_keys_count_apart_and_clear_forgets_one(app, storage):
    other = "LIMITER/192.0.2.1/auth/10/1/minute"
    storage.incr(KEY, 60)
    storage.incr(other, 60)
    storage.incr(other, 60)
    storage.clear(KEY)
    assert (storage.get(KEY), storage.get(other)) == (0, 2)
    assert storage.incr(KEY, 60) == 1


def test_reset_forgets_every_counter(app, storage):
    for i in range(3):
        storage.incr(f"{KEY}/{i}", 60)
    assert storage.reset() == 3
    assert rows(app) == 0


def test_keys_are_stored_as_digests(app, storage):
    storage.incr("LIMITER/email:someone@example.com/account-login/50/15/minute", 60)
    with app.app_context():
        stored = db.session.scalar(select(RateLimitCounter.key))
    assert len(stored) == 64 and "example.com" not in stored


def test_check_reports_a_healthy_database(storage):
    assert storage.check() is True


def test_prune_expired_deletes_ended_windows_only(app, storage, clock):
    storage.incr("short", 10)
    storage.incr("long", 3600)
    with app.app_context():
        assert prune_expired(START + 10) == 1
    assert rows(app) == 1
    assert storage.get("long") == 1


def test_the_maintenance_job_prunes_counters(app, storage):
    from tracker.reminders import jobs

    storage.incr("old", 1)
    with app.app_context():  # the job prunes by the real clock: end the window long ago
        db.session.execute(RateLimitCounter.__table__.update().values(expires_at=0.0))
        db.session.commit()
    jobs.run_maintenance(app)
    assert rows(app) == 0


# --- transactions -------------------------------------------------------------------------


def test_a_count_survives_the_requests_rollback(app, clock):
    """The counter commits on a connection of its own: the request's rollback (here
    after writing a row of its own) cannot undo it."""
    with app.test_request_context("/api/v1/auth/login", method="POST"):
        storage = DatabaseStorage("database://", clock=clock)
        db.session.execute(text("SELECT 1"))
        assert storage.incr(KEY, 60) == 1
        db.session.add(User(email="rolled-back@example.com", password_hash="x",
                            timezone="UTC", session_token="t" * 32))
        db.session.flush()
        db.session.rollback()
        assert storage.get(KEY) == 1
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_concurrent_increments_are_all_counted(app):
    """Eight threads, 25 increments each, one key: the upsert is one atomic statement."""
    storage = DatabaseStorage("database://")
    results: list[int] = []

    def work() -> None:
        with app.app_context():
            for _ in range(25):
                results.append(storage.incr(KEY, 60))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(1, 201))


# --- SQLite's write lock --------------------------------------------------------------------


@contextmanager
def write_lock_held(app: Flask, seconds: float) -> Iterator[None]:
    """Another process's writer: the database's write lock, held for ``seconds``."""
    with app.app_context():
        path = db.engine.url.database
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(seconds, lambda: conn.execute("COMMIT"))
    timer.start()
    try:
        yield
    finally:
        timer.join()
        conn.close()


@sqlite_only
def test_no_wait_on_the_write_lock_of_the_requests_own_session(make_app, clock):
    """A writing request's session holds the write lock (BEGIN IMMEDIATE) when the limit
    is deducted after the view: the counter must not wait on it."""
    app = make_app(SQLITE_BUSY_TIMEOUT=3)
    with app.test_request_context("/api/v1/auth/login", method="POST"):
        storage = DatabaseStorage("database://", clock=clock)
        db.session.scalar(select(User).where(User.email == "nobody@example.com"))
        assert db.session().in_transaction()
        began = time.monotonic()
        assert storage.incr(KEY, 60) == 1
        assert storage.get(KEY) == 1
        assert time.monotonic() - began < 1


@sqlite_only
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_counter_write_waits_for_another_writer(app, clock, method):
    """The write lock is the counter transaction's first act, in a writing request as in
    a reading one: it queues on the busy timeout, never fails at once."""
    with app.test_request_context("/", method=method):
        storage = DatabaseStorage("database://", clock=clock)
        with write_lock_held(app, 0.4):
            began = time.monotonic()
            assert storage.incr(KEY, 60) == 1
            assert time.monotonic() - began >= 0.3


@sqlite_only
def test_reads_do_not_wait_for_a_writer(app, clock):
    with app.test_request_context("/api/v1/auth/login", method="POST"):
        storage = DatabaseStorage("database://", clock=clock)
        storage.incr(KEY, 60)
        with write_lock_held(app, 1):
            began = time.monotonic()
            assert storage.get(KEY) == 1
            assert storage.get_expiry(KEY) == START + 60
            assert time.monotonic() - began < 0.5


def login(client, email: str, password: str = "wrong password"):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def test_a_failed_sign_in_is_quick_and_counted(make_app, users):
    """The sign-in limits are deducted after the view, while (on SQLite) the request's
    session still holds the write lock: each failed sign-in still answers at once and
    is counted, per account and in the address's budget."""
    app = make_app(SQLITE_BUSY_TIMEOUT=5, AUTH_RATE_LIMIT="100 per minute")
    user = users.create()
    client = app.test_client()
    client.fetch_csrf()
    for i in range(3):
        began = time.monotonic()
        assert login(client, user["email"]).status_code == 401
        assert time.monotonic() - began < 2
    remaining = login(client, user["email"]).headers["X-RateLimit-Remaining"]
    assert int(remaining) == 6  # 10 per 15 minutes for the (account, address) pair
    # auth (address) + pair and ceiling per minute-window and per day
    assert rows(app) == 5


# --- failures ------------------------------------------------------------------------------


def busy() -> OperationalError:
    orig = sqlite3.OperationalError("database is locked")
    orig.sqlite_errorcode = sqlite3.SQLITE_BUSY
    return OperationalError("INSERT INTO rate_limit_counter ...", {}, orig)


def test_a_busy_counter_after_the_view_is_a_503(make_app, users, monkeypatch):
    """The deduction after the view fails: the answer is 503 with Retry-After (the
    request is not served as if counted), never a 500."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    user = users.create()
    client = app.test_client()
    client.fetch_csrf()
    real = limiter.storage.incr

    def incr(key: str, expiry: float, amount: int = 1) -> int:
        if "account-login" in key:
            raise busy()
        return real(key, expiry, amount)

    monkeypatch.setattr(limiter.storage, "incr", incr)
    answer = login(client, user["email"])
    assert answer.status_code == 503
    assert int(answer.headers["Retry-After"]) > 0
    assert answer.get_json()["error"] == "busy"
    assert login(client, user["email"], PASSWORD).status_code == 200  # nothing deducted


def test_other_errors_after_the_view_stay_a_500(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.after_request
    def fail(response):  # noqa: ANN001, ANN202
        raise RuntimeError("boom")

    answer = app.test_client().get("/api/v1/auth/csrf")
    assert answer.status_code == 500
    assert "Retry-After" not in answer.headers


@sqlite_only
def test_a_counter_busy_past_the_timeout_before_the_view_is_a_503(make_app, users):
    app = make_app(SQLITE_BUSY_TIMEOUT=0.2, PROPAGATE_EXCEPTIONS=False)
    user = users.create()
    client = app.test_client()
    client.fetch_csrf()
    with write_lock_held(app, 1):
        answer = login(client, user["email"])
    assert answer.status_code == 503
    assert int(answer.headers["Retry-After"]) > 0
