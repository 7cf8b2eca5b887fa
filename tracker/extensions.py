"""Flask extensions: created here unbound, bound to an app in ``register_extensions``.

Flask-Migrate (which imports Alembic) and APScheduler are imported on first use, not
here: every process builds the app, few run ``flask db`` or the scheduler, and the
imports are most of ``create_app()``'s time.

Also holds the SQLite connection tuning (WAL, foreign keys, busy timeout, immediate
write transactions) so that the web server, the scheduler and CLI commands can write
to one SQLite file at the same time.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar

import click
from flask import Flask, has_request_context, request
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from tracker.openapi import TrackerApi

# Deterministic constraint names keep Alembic migrations portable across databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects keep their loaded values after commit: routes commit, then serialize what
# they just wrote; expiring would reload every row (and on SQLite take the write lock
# again) only to read back the same values. Each request has its own session.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
compress = Compress()
api = TrackerApi()
mail = Mail()


class LazyScheduler:
    """The process's APScheduler ``BackgroundScheduler``, made on first use. Use it as
    the scheduler itself (``scheduler.add_job(...)``, ``scheduler.start()``): every
    attribute is the real scheduler's; only ``running`` answers False without making
    one, so asking (``/healthz``) costs no import."""

    def __init__(self) -> None:
        self._scheduler = None

    @property
    def scheduler(self):  # noqa: ANN201 - apscheduler is not imported at module level
        if self._scheduler is None:
            from apscheduler.schedulers.background import BackgroundScheduler

            self._scheduler = BackgroundScheduler(
                timezone=dt.timezone.utc,
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            )
        return self._scheduler

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.scheduler, name)


scheduler = LazyScheduler()


class _LazyMigrateConfig:
    """Stands in ``app.extensions["migrate"]`` until Flask-Migrate is needed (``flask db``,
    ``flask_migrate.upgrade()``); then sets Flask-Migrate up for the app and hands over."""

    def __init__(self, app: Flask) -> None:
        self._app = app

    def __getattr__(self, name: str):  # noqa: ANN204
        from flask_migrate import Migrate

        app = self._app
        Migrate(app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True,
                compare_type=True)  # replaces this object in app.extensions
        return getattr(app.extensions["migrate"], name)


class _MigrateCommands(click.Group):
    """``flask db ...``: hands over to Flask-Migrate's command group, imported only
    when a ``db`` command runs (the help listing shows this group's one line)."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:  # noqa: ANN001
        from flask_migrate.cli import db as group

        return group.make_context(info_name, args, parent=parent, **extra)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                _tune_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT"])
    import tracker.models  # noqa: F401 - complete metadata for Alembic

    app.extensions["migrate"] = _LazyMigrateConfig(app)
    app.cli.add_command(_MigrateCommands("db", help="Perform database migrations."))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    _warn_if_limits_count_alone(app)
    api.init_app(app)
    compress.init_app(app)
    mail.init_app(app)


def worker_processes(environ: Mapping[str, str], argv: Sequence[str]) -> int:
    """How many worker processes the server that started us runs, as far as can be
    told: gunicorn's ``-w N``/``--workers N`` (on the command line or in
    GUNICORN_CMD_ARGS), else WEB_CONCURRENCY (which gunicorn and others honour), else 1."""
    args = list(argv[1:]) if argv and "gunicorn" in os.path.basename(argv[0]) else []
    args += shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))
    for i, arg in enumerate(args):
        value = None
        if arg in ("-w", "--workers") and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-w") and arg[2:].isdigit():
            value = arg[2:]
        if value and value.isdigit():
            return int(value)
    concurrency = environ.get("WEB_CONCURRENCY", "")
    return int(concurrency) if concurrency.isdigit() else 1


def _warn_if_limits_count_alone(app: Flask) -> None:
    storage = str(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    workers = worker_processes(os.environ, sys.argv)
    if storage.startswith("memory://") and workers > 1 and app.config.get("RATELIMIT_ENABLED"):
        app.logger.warning(
            "Rate limits are kept in memory while %d worker processes serve: each counts "
            "alone, so every limit is %d times as loose. Set TRACKER_RATELIMIT_STORAGE_URI "
            "to a shared store, e.g. redis://localhost:6379/0.", workers, workers)


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


_reading: ContextVar[bool] = ContextVar("reading", default=False)


def _reads_only() -> bool:
    """A request whose method promises no writes (GET, HEAD, OPTIONS), or a block in
    ``reading_first()``."""
    return _reading.get() or (has_request_context() and request.method in READ_METHODS)


@contextlib.contextmanager
def reading_first() -> Iterator[None]:
    """Run the block, which only reads (finding who is asking, checking a body), in a
    transaction of its own that begins as a reader and is ended after the block. On
    SQLite a writing request then takes the write lock (BEGIN IMMEDIATE) at its first
    query after the block, so the lock is held for the write itself, not for the
    whole request, and writers in other workers queue for less time. Elsewhere, or
    inside a transaction already begun, a no-op."""
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


def _tune_sqlite(engine: Engine, busy_timeout_s: float) -> None:
    """WAL lets readers run beside a writer; BEGIN IMMEDIATE takes the write lock up
    front, so two writers queue on the busy timeout instead of one failing with
    "database is locked" when it upgrades a read transaction; a writing request finds
    out who is asking and checks its body before that, in reading transactions
    (``reading_first``), so it holds the lock for its writes only. Requests that only read
    (GET, HEAD) begin a plain deferred transaction, so readers in several workers never
    queue on the write lock; their one best-effort write (a token's last use) tolerates
    losing a race (tracker.auth.service.user_for_token)."""

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


def scheduler_wanted(app: Flask) -> bool:
    """Whether this process should run the in-process scheduler: it is configured on,
    and the process serves requests (a WSGI server, or ``flask run``), not a one-off
    CLI command such as ``flask db upgrade``, nor the reloader's watcher process."""
    if str(app.config.get("SCHEDULER", "off")).lower() not in {"on", "true", "1"}:
        return False
    command = click.get_current_context(silent=True)
    if command is not None and command.info_name != "run":
        return False
    reloader_parent = app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true" \
        and command is not None
    return not reloader_parent


def start_scheduler(app: Flask) -> None:
    """Start the in-process scheduler when wanted; jobs are added by the features."""
    if scheduler_wanted(app) and not scheduler.running:
        scheduler.start()
