"""Flask extensions: created here unbound, bound to an app in ``register_extensions``.

Flask-Migrate (which imports Alembic) and APScheduler are imported on first use, not
here: every process builds the app, few run ``flask db`` or the scheduler, and the
imports are most of ``create_app()``'s time.

Also holds the SQLite connection tuning (WAL, foreign keys, busy timeout, immediate
write transactions) so that the web server, the scheduler and CLI commands can write
to one SQLite file at the same time.
"""
from __future__ import annotations

import datetime as dt
import os

import click
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

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
api = Api()


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
    api.init_app(app)


def _tune_sqlite(engine: Engine, busy_timeout_s: float) -> None:
    """WAL lets readers run beside a writer; BEGIN IMMEDIATE takes the write lock up
    front, so two writers queue on the busy timeout instead of one failing with
    "database is locked" when it upgrades a read transaction."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001 - DB-API objects
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        conn.exec_driver_sql("BEGIN IMMEDIATE")


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
