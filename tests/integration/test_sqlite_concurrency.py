"""SQLite under concurrent writers: the web server's threads, a scheduler and CLI
commands share one SQLite file. Every connection must run in WAL mode with foreign
keys on and a busy timeout, and write transactions start with BEGIN IMMEDIATE, so
simultaneous writers queue instead of failing with "database is locked".

SQLite-specific: skipped when the suite runs on PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import event, func, select, text

from tracker import create_app
from tracker.extensions import db
from tracker.logbook.models import Checkin

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TRACKER_TEST_DATABASE_URL")),
    reason="SQLite-specific (WAL, busy timeout, BEGIN IMMEDIATE); this run uses "
           "TRACKER_TEST_DATABASE_URL (PostgreSQL)")

WORKERS = 4
ROWS_EACH = 25


def _checkin(user_id: int, n: int) -> Checkin:
    now = dt.datetime.now(dt.timezone.utc)
    return Checkin(user_id=user_id, client_id=str(uuid.uuid4()), recorded_at=now,
                   local_date=now.date(), score=n % 11, context="other", note="")


def _count(app, user_ids=None) -> int:  # noqa: ANN001
    with app.app_context():
        query = select(func.count()).select_from(Checkin)
        if user_ids is not None:
            query = query.where(Checkin.user_id.in_(user_ids))
        return db.session.scalar(query)


# --- connection settings -----------------------------------------------------------------


def test_every_connection_is_tuned(app):
    timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT"] * 1000)
    with app.app_context():
        # Several connections at once, so more than one pooled connection is checked.
        # Raw DB-API connections: a SQLAlchemy transaction would BEGIN IMMEDIATE and
        # make the next connection wait for the write lock.
        conns = [db.engine.raw_connection() for _ in range(3)]
        try:
            for conn in conns:
                cursor = conn.cursor()
                pragma = {name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
                          for name in ("journal_mode", "foreign_keys", "busy_timeout",
                                       "synchronous")}
                cursor.close()
                assert pragma == {"journal_mode": "wal", "foreign_keys": 1,
                                  "busy_timeout": timeout_ms, "synchronous": 1}  # 1 = NORMAL
        finally:
            for conn in conns:
                conn.close()
    assert timeout_ms >= 1000


def test_busy_timeout_follows_the_setting(make_app):
    app = make_app(SQLITE_BUSY_TIMEOUT=2.5)
    with app.app_context():
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 2500


def test_the_session_sees_foreign_keys_on(app):
    with app.app_context():
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


# --- writers queue instead of failing ------------------------------------------------------


def test_writers_in_separate_apps_do_not_lock_each_other_out(make_app, users):
    """Four app instances (as separate processes would have: own engine, own pool)
    insert 25 rows each at the same moment, one commit per row."""
    user_ids = [users.create()["id"] for _ in range(WORKERS)]
    apps = [make_app() for _ in range(WORKERS)]
    start = threading.Barrier(WORKERS)

    def write(worker: int) -> None:
        app = apps[worker]
        with app.app_context():
            start.wait(timeout=10)
            for n in range(ROWS_EACH):
                db.session.add(_checkin(user_ids[worker], n))
                db.session.commit()
            db.session.remove()

    with ThreadPoolExecutor(WORKERS) as pool:
        for future in [pool.submit(write, w) for w in range(WORKERS)]:
            future.result(timeout=60)  # re-raises "database is locked", if any
    assert _count(apps[0], user_ids) == WORKERS * ROWS_EACH


def test_read_then_write_transactions_do_not_deadlock(make_app, users):
    """The classic SQLite failure: two transactions read, then both try to write; the
    second upgrade fails at once with "database is locked" unless transactions take
    the write lock up front (BEGIN IMMEDIATE)."""
    user_id = users.create()["id"]
    apps = [make_app() for _ in range(2)]
    start = threading.Barrier(2)

    def read_then_write(app) -> int:  # noqa: ANN001
        with app.app_context():
            start.wait(timeout=10)
            seen = db.session.scalar(select(func.count()).select_from(Checkin))
            time.sleep(0.05)
            db.session.add(_checkin(user_id, seen))
            db.session.commit()
            db.session.remove()
            return seen

    with ThreadPoolExecutor(2) as pool:
        seen = sorted(f.result(timeout=30) for f in [pool.submit(read_then_write, a) for a in apps])
    assert _count(apps[0], [user_id]) == 2
    # Serialised: the second transaction saw the first one's row.
    assert seen == [0, 1]


def test_a_writer_waits_for_the_lock_instead_of_failing(make_app, users):
    user_id = users.create()["id"]
    holder, waiter = make_app(), make_app()
    locked = threading.Event()

    def hold_the_write_lock() -> None:
        with holder.app_context():
            db.session.add(_checkin(user_id, 1))
            db.session.flush()  # BEGIN IMMEDIATE: the write lock is ours now
            locked.set()
            time.sleep(0.4)
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=hold_the_write_lock)
    thread.start()
    assert locked.wait(timeout=10)
    began = time.monotonic()
    with waiter.app_context():
        db.session.add(_checkin(user_id, 2))
        db.session.commit()
        db.session.remove()
    waited = time.monotonic() - began
    thread.join(timeout=10)
    assert waited >= 0.2, "the second writer should have queued behind the first"
    assert _count(waiter, [user_id]) == 2


@pytest.mark.parametrize("with_stale_token", [False, True])
def test_reading_requests_do_not_wait_for_a_writer(make_app, users, with_stale_token):
    """GET requests begin a deferred transaction: they read beside a writer that holds
    the lock, instead of queueing for it (two web workers otherwise serialise every
    read). A bearer token due a last-use update gives that write up, not the answer."""
    account = users.create()
    holder, reader = make_app(), make_app(SQLITE_BUSY_TIMEOUT=0.3)
    headers = {"Authorization": f"Bearer {users.token(account)}"}
    if not with_stale_token:
        assert reader.test_client().get("/api/v1/sessions", headers=headers).status_code == 200
    locked, done = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        with holder.app_context():
            db.session.add(_checkin(account["id"], 1))
            db.session.flush()  # BEGIN IMMEDIATE: the write lock is ours now
            locked.set()
            done.wait(timeout=10)
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=hold_the_write_lock)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        began = time.monotonic()
        response = reader.test_client().get("/api/v1/sessions", headers=headers)
        took = time.monotonic() - began
    finally:
        done.set()
        thread.join(timeout=10)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["meta"]["total"] == 0
    if not with_stale_token:
        assert took < 0.3, "a read must not queue behind the writer"


def _statements(app):  # noqa: ANN001, ANN202
    """The list the app's SQL statements (uppercased) and commits are appended to."""
    seen: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda _c, _cur, sql, *_a: seen.append(" ".join(sql.split()).upper()))
        event.listen(db.engine, "commit", lambda _conn: seen.append("COMMIT"))
    return seen


@pytest.mark.parametrize("by", ["bearer", "cookie"])
def test_a_writing_request_takes_the_write_lock_after_finding_who_asks(app, users, by):
    """Finding the person (token or cookie) and checking the body's stretches read in
    transactions of their own; the write lock (BEGIN IMMEDIATE) is taken only for
    the write, so writers in other workers queue for the write, not for the whole
    request."""
    if by == "bearer":
        account = users.create()
        client, headers = app.test_client(), {"Authorization": f"Bearer {users.token(account)}"}
        client.get("/api/v1/sessions", headers=headers)  # the token's last use is recorded
    else:
        client, headers = users.signed_in(), {}
    seen = _statements(app)
    response = client.post("/api/v1/checkins", headers=headers, json={
        "client_id": str(uuid.uuid4()), "score": 4,
        "recorded_at": dt.datetime.now(dt.timezone.utc).isoformat()})
    assert response.status_code == 201, response.get_json()
    first_write = seen.index("BEGIN IMMEDIATE")
    who = "API_TOKEN" if by == "bearer" else "SESSION_TOKEN"
    assert seen[0] == "BEGIN" and any(who in s for s in seen[:first_write]), seen
    assert seen[first_write - 1] == "COMMIT", seen
    assert not any(who in s for s in seen[first_write:]), seen
    assert sum(s.startswith("INSERT INTO CHECKIN") for s in seen[first_write:]) == 1

    seen.clear()
    response = client.post("/api/v1/sessions", headers=headers, json={
        "client_id": str(uuid.uuid4()), "performed_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": 40}]})
    assert response.status_code == 201, response.get_json()
    first_write = seen.index("BEGIN IMMEDIATE")
    assert any("FROM STRETCH" in s for s in seen[:first_write]), seen
    assert sorted(" ".join(s.split()[:3]) for s in seen[first_write:]
                  if s.startswith(("INSERT", "UPDATE"))) == [
        "INSERT INTO SESSION_ENTRY", "INSERT INTO STRETCH_SESSION", "UPDATE USER SET"], seen


def _write_from_process(url: str, user_id: int, start, count: int) -> None:  # noqa: ANN001
    """Runs in a child process: its own app, engine and connections."""
    app = create_app({"ENV": "testing", "DATABASE_URL": url, "SCHEDULER": "off"})
    with app.app_context():
        start.wait(timeout=30)
        for n in range(count):
            db.session.add(_checkin(user_id, n))
            db.session.commit()


def test_writers_in_separate_processes(app, users):
    """Like the web server, a scheduler process and a CLI command at the same time."""
    user_ids = [users.create()["id"] for _ in range(WORKERS)]
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # never carry an open SQLite connection across fork
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(WORKERS)
    procs = [ctx.Process(target=_write_from_process, args=(url, uid, start, ROWS_EACH))
             for uid in user_ids]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * WORKERS
    assert _count(app, user_ids) == WORKERS * ROWS_EACH


def test_concurrent_http_writes(live_server, app, users):
    """Four API clients post 25 check-ins each at once over real HTTP to the threaded
    server: every request succeeds and every row is there."""
    accounts = [users.create() for _ in range(WORKERS)]
    tokens = [users.token(a) for a in accounts]
    start = threading.Barrier(WORKERS)
    recorded_at = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)).isoformat()

    def post_checkins(token: str) -> list[int]:
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {token}"
            start.wait(timeout=10)
            return [http.post(f"{live_server.url}/api/v1/checkins", timeout=30, json={
                "client_id": str(uuid.uuid4()), "recorded_at": recorded_at, "score": n % 11,
            }).status_code for n in range(ROWS_EACH)]

    with ThreadPoolExecutor(WORKERS) as pool:
        statuses = [s for f in [pool.submit(post_checkins, t) for t in tokens]
                    for s in f.result(timeout=120)]
    assert statuses == [201] * (WORKERS * ROWS_EACH)
    assert _count(app, [a["id"] for a in accounts]) == WORKERS * ROWS_EACH


@pytest.mark.parametrize("path", ["/api/v1/checkins", "/"])
def test_a_lock_wait_past_the_busy_timeout_is_a_503_never_a_500(make_app, users, path):
    """Another process holds the write lock (a big import) past the busy timeout: the
    writer is told to come back (503 with Retry-After), and nothing was written."""
    account = users.create()
    holder, writer = make_app(), make_app(SQLITE_BUSY_TIMEOUT=0.2)
    client = users.login(writer.test_client(), account)
    locked, done = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        with holder.app_context():
            db.session.execute(text("UPDATE user SET timezone = timezone WHERE id = :id"),
                               {"id": account["id"]})  # BEGIN IMMEDIATE: the lock is ours
            locked.set()
            done.wait(timeout=10)
            db.session.rollback()
            db.session.remove()

    body = {"client_id": str(uuid.uuid4()), "score": 4,
            "recorded_at": dt.datetime.now(dt.timezone.utc).isoformat()}
    thread = threading.Thread(target=hold_the_write_lock)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        if path == "/":  # the check-in form on Today
            response = client.post("/", data={**body, "csrf_token": client.csrf_token})
        else:
            response = client.post(path, json=body)
    finally:
        done.set()
        thread.join(timeout=10)
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "5"
    if path != "/":
        assert response.get_json()["error"] == "busy"
    assert _count(writer) == 0
    # The lock is free again: the same request lands.
    assert client.post("/api/v1/checkins", json=body).status_code == 201
