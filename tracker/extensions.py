"""Flask extensions: created here unbound, bound to an app in ``register_extensions``.
The database's connection settings live in tracker.database, the scheduler in
tracker.scheduler."""
from __future__ import annotations

from flask import Flask
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
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


def register_extensions(app: Flask) -> None:
    from tracker import data_version, database, i18n, rate_limit_storage

    db.init_app(app)
    database.init_app(app)
    import tracker.models  # noqa: F401 - complete metadata for Alembic, every model mapped

    data_version.init_app(db)

    database.init_migrations(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    rate_limit_storage.init_app(app)  # its import registered database:// with limits
    limiter.init_app(app)
    api.init_app(app)
    compress.init_app(app)
    mail.init_app(app)
    i18n.init_app(app)  # Flask-Babel: the person's language
