"""Flask extensions: created here unbound, bound to an app in ``register_extensions``.

Also holds the SQLite connection tuning (WAL, foreign keys, busy timeout, immediate
write transactions) so that the web server, the scheduler and CLI commands can write
to one SQLite file at the same time.
"""
from __future__ import annotations

import datetime as dt
import os

import click
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
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


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
api = Api()
compress = Compress()
scheduler = BackgroundScheduler(
    timezone=dt.timezone.utc,
    job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                _tune_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT"])
    import tracker.models  # noqa: F401 - complete metadata for Alembic

    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"],
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    api.init_app(app)
    compress.init_app(app)


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
