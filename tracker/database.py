"""How the app talks to its database: engine options, SQLite's connection settings and
transaction mode, and the one helper a writing request uses to keep SQLite's write
lock short (``before_writing``).

SQLite serves the web workers, the scheduler and CLI commands from one file at once:
WAL lets readers run beside a writer; a request that may write begins with ``BEGIN
IMMEDIATE``, taking the write lock up front, so two writers queue on the busy timeout
instead of one failing with "database is locked" when it upgrades a read transaction.
Requests that only read (GET, HEAD, OPTIONS) begin a plain deferred transaction and
never queue on the lock. On PostgreSQL none of this applies.
"""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from typing import TypeVar

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.extensions import db
from tracker.instance_files import create_private, make_private

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")

_reading: ContextVar[bool] = ContextVar("reading", default=False)


def engine_options(url: str, options: dict) -> dict:
    """``SQLALCHEMY_ENGINE_OPTIONS`` for ``url``: a SQLite connection is a file handle,
    never a dropped socket, so pinging it before every checkout is a wasted statement."""
    return {**options, "pool_pre_ping": False} if url.startswith("sqlite") else options


def init_app(app: Flask) -> None:
    """Tune every SQLite engine of the app (call after ``db.init_app``)."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                _tune_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT"])


def init_migrations(app: Flask) -> None:
    """Set up Flask-Migrate for ``app`` where it is loaded: every ``flask`` command loads
    it (its ``flask db`` group is a Flask CLI plugin), as does a script that imports it
    to call ``flask_migrate.upgrade()``. A WSGI server's worker never migrates, and
    skips importing it with Alembic (see README, "Start-up")."""
    if "flask_migrate" in sys.modules and "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True,
                compare_type=True)


# Values per ``IN (...)`` list: well under SQLite's and PostgreSQL's parameter limits.
IN_BATCH = 500


def in_batches(items: Sequence[T], size: int = IN_BATCH) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``size``, for one ``IN (...)`` query each."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _reads_only() -> bool:
    """A request whose method promises no writes, or a block in ``before_writing()``."""
    return _reading.get() or (has_request_context() and request.method in READ_METHODS)


@contextlib.contextmanager
def before_writing() -> Iterator[None]:
    """Run the block, which only reads (who is asking, is this a replay, is the body
    valid), in a read transaction of its own, ended after the block; the request's
    writes that follow begin the write transaction. On SQLite the write lock is then
    held for the writes alone, not the whole request, so writers in other workers
    queue for less time. Elsewhere, or inside a transaction already begun, the block
    simply runs."""
    session = db.session()
    if session.in_transaction() or _reads_only() \
            or session.get_bind().dialect.name != "sqlite":
        yield
        return
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)
    if session.in_transaction():
        session.commit()  # objects stay loaded (expire_on_commit=False)


def _sqlite_file(engine: Engine) -> str | None:
    """The path of a SQLite engine's database file; None in memory or for a
    ``file:`` URI (whose path SQLite itself resolves)."""
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:") \
            or engine.url.query.get("uri") in ("true", "1"):
        return None
    return name


def _tune_sqlite(engine: Engine, busy_timeout_s: float) -> None:
    path = _sqlite_file(engine)

    @event.listens_for(engine, "do_connect")
    def _create_private(_dialect, _record, _cargs, _cparams):  # noqa: ANN001
        # Health data: a new database file is made owner-only before SQLite opens it
        # (SQLite would create it under the umask, usually 0644); its -wal and -shm
        # files take the database file's mode when SQLite makes them.
        if path is not None:
            with contextlib.suppress(OSError):  # no folder, read-only: SQLite says so
                create_private(path)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001 - DB-API objects
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        # Deleted rows are overwritten with zeros, not just unlinked (health data).
        cur.execute("PRAGMA secure_delete = ON")
        cur.close()
        if path is not None:  # files made by an older version, or copied in
            for name in (path, f"{path}-wal", f"{path}-shm"):
                make_private(name)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        conn.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")


def erase_traces() -> None:
    """After erasing data for good (an account): copy the write-ahead log into the
    database file and truncate it, so the erased rows linger in neither file
    (``secure_delete`` has zeroed their pages). SQLite only; call after the commit."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        if raw.in_transaction:  # a fresh pooled connection is idle; never wait on ours
            return
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
