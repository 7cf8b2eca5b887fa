"""Rate-limit counters in the app's own database, so every worker process counts
together (audit finding 7: with ``memory://`` each of gunicorn's workers counted alone,
and 20 of "10 per minute" got through two of them).

``DatabaseStorage`` is a ``limits`` storage registered under ``database://`` (the
default ``RATELIMIT_STORAGE_URI``) through limits' public custom-storage API: one row
of ``rate_limit_counter`` per fixed window, under a keyed digest of its key. It
supports the fixed-window strategy (Flask-Limiter's default, the one this app uses);
``init_app`` refuses any other at start. ``redis://...`` works through limits as
before; ``memory://`` counts in one process only.

How a counter is written: ``incr`` is one ``INSERT ... ON CONFLICT (key) DO UPDATE
... RETURNING count`` (a window that has ended starts again from ``amount``), in a
short transaction of its own on a connection of its own from the app's engine. It
commits at once, so a request that rolls back later cannot undo its own count.
Expired rows are overwritten in place when their key is counted again;
``prune_expired`` (the daily maintenance job) deletes the rest.

SQLite: a writing request's session holds the write lock from its first statement
(``BEGIN IMMEDIATE``, tracker.database), and Flask-Limiter deducts ``deduct_when``
limits after the view, while that session may still hold it (a failed sign-in has
read the user and raised). A second connection asking for the lock then would wait
on its own request until the busy timeout. So before any counter statement, on
SQLite, a transaction still open in the request's session is rolled back: it is
either before the view (nothing written yet) or after it answered, when whatever it
left uncommitted would be rolled back at teardown anyway. The counter's own write
transaction then takes the write lock as its first act (``BEGIN IMMEDIATE`` in a
writing request; in a reading one the upsert is the transaction's first statement,
which waits on the busy timeout the same way), and reads run in a deferred
transaction that never waits for a writer (WAL).

Failures fail closed: the storage's errors reach Flask-Limiter, which is left with
``RATELIMIT_SWALLOW_ERRORS`` off and no in-memory fallback, and the request is not
served. A SQLite lock held past the busy timeout is an ``OperationalError``, which
tracker.errors answers 503 with Retry-After, like any other request that found the
database busy; when it happens in a deduction after the view (Flask then sees a 500),
``init_app``'s handler gives the same 503 instead of the view's answer. Letting
requests through unlimited while the counters cannot be written would let password
guesses through exactly when someone floods the site.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, current_app
from limits.errors import ConfigurationError
from limits.storage import Storage
from sqlalchemy import Connection, Engine, Float, String, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import InternalServerError

from tracker.database import before_writing
from tracker.extensions import db

SCHEME = "database"
# Strategies this storage can count for (limits' names; RATELIMIT_STRATEGY).
STRATEGIES = frozenset({"fixed-window"})

Clock = Callable[[], float]


class RateLimitCounter(db.Model):
    """One window of one limit. ``key`` is a keyed digest of the key limits builds
    (limit, scope, client): those name email and client addresses, which the database
    file and its backups need not hold (an erased account's address stays erased)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # hex HMAC-SHA256
    count: Mapped[int] = mapped_column()
    expires_at: Mapped[float] = mapped_column(Float)  # Unix time the window ends


_counter = RateLimitCounter.__table__
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


class DatabaseStorage(Storage):
    """Fixed-window counters in ``rate_limit_counter`` of the current app's database.

    ``clock`` (seconds since the epoch, default ``time.time``) is the seam tests use to
    move time. The engine is the current app's (``db.engine``), looked up per call, so
    one storage serves whichever app is handling the request."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 clock: Clock = time.time, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.clock = clock

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        engine = _engine()
        insert = _INSERTS.get(engine.dialect.name)
        if insert is None:
            raise ConfigurationError(f"database:// rate limits need SQLite or PostgreSQL, "
                                     f"not {engine.dialect.name}")
        now = self.clock()
        new = insert(_counter).values(key=_digest(key), count=amount, expires_at=now + expiry)
        ended = _counter.c.expires_at <= now
        statement = new.on_conflict_do_update(
            index_elements=[_counter.c.key],
            set_={"count": case((ended, new.excluded.count),
                                else_=_counter.c.count + new.excluded.count),
                  "expires_at": case((ended, new.excluded.expires_at),
                                     else_=_counter.c.expires_at)},
        ).returning(_counter.c.count)
        with engine.begin() as conn:
            return conn.execute(statement).scalar_one()

    def get(self, key: str) -> int:
        now = self.clock()
        with _reading() as conn:
            found = conn.scalar(select(_counter.c.count).where(
                _counter.c.key == _digest(key), _counter.c.expires_at > now))
        return found or 0

    def get_expiry(self, key: str) -> float:
        now = self.clock()
        with _reading() as conn:
            found = conn.scalar(select(_counter.c.expires_at).where(
                _counter.c.key == _digest(key), _counter.c.expires_at > now))
        return now if found is None else found

    def check(self) -> bool:
        try:
            with _reading() as conn:
                conn.scalar(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with _engine().begin() as conn:
            return conn.execute(delete(_counter)).rowcount

    def clear(self, key: str) -> None:
        with _engine().begin() as conn:
            conn.execute(delete(_counter).where(_counter.c.key == _digest(key)))


def init_app(app: Flask) -> None:
    """Refuse, at start, a strategy this storage cannot count for, and answer a busy
    database after the view 503 (call before ``limiter.init_app``; importing this
    module registered ``database://`` with limits)."""
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    strategy = app.config.get("RATELIMIT_STRATEGY", "fixed-window")
    if uri.startswith(f"{SCHEME}://") and strategy not in STRATEGIES:
        raise ConfigurationError(
            f"RATELIMIT_STRATEGY {strategy!r} is not supported by the {SCHEME}:// rate-limit "
            f"storage (supported: {', '.join(sorted(STRATEGIES))}). Use fixed-window, or "
            f"set TRACKER_RATELIMIT_STORAGE_URI to redis://... for other strategies.")
    app.register_error_handler(InternalServerError, _busy_after_the_view)


def _busy_after_the_view(exc: InternalServerError):  # noqa: ANN202 - a Flask answer
    """Flask-Limiter deducts ``deduct_when`` limits in ``after_request``; an error
    there is no longer the view's, and Flask answers it as a 500 whose
    ``original_exception`` is the database's. A busy database is answered 503 with
    Retry-After there too, as tracker.errors answers it before and in the view; every
    other 500 is answered as before."""
    from tracker import errors

    original = exc.original_exception
    if isinstance(original, OperationalError) and errors.database_busy(original):
        return errors.handle_operational_error(original)
    return errors.handle_http_exception(exc)


def prune_expired(now: dt.datetime | float) -> int:
    """Delete counters whose window ended by ``now``; the number deleted. Call it with
    the session's work committed: on SQLite an open session transaction is rolled
    back first, as before every counter statement."""
    at = now.timestamp() if isinstance(now, dt.datetime) else now
    with _engine().begin() as conn:
        deleted = conn.execute(delete(_counter).where(_counter.c.expires_at <= at)).rowcount
    current_app.logger.info("rate limits: %d expired counters removed", deleted)
    return deleted


def _digest(key: str) -> str:
    """The stored form of a limits key: HMAC-SHA256 under the app's secret key (shared
    by every worker), so an address in a key cannot be found by hashing guesses."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def _engine() -> Engine:
    """The current app's engine, with this context's session out of the way: on
    SQLite a transaction still open in it is rolled back, since it may hold the write
    lock a counter connection would wait for (see the module docstring)."""
    engine = db.engine
    if engine.dialect.name == "sqlite" and db.session.registry.has():
        session = db.session()
        if session.in_transaction():
            session.rollback()
    return engine


@contextlib.contextmanager
def _reading() -> Iterator[Connection]:
    """A connection whose transaction takes no write lock on SQLite, even in a writing
    request (whose transactions otherwise begin ``IMMEDIATE``): reads never queue."""
    engine = _engine()
    with before_writing(), engine.connect() as conn:
        yield conn
