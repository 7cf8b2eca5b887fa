"""What the test fixtures share: the test database's URL and app settings, a test
client that sends the CSRF header like the web app's script, ``Accounts`` (users made
through the service and signed in without HTTP), emptying the PostgreSQL test
database, and counting a signed-in client's own rows.

``tests/conftest.py`` (one app per test) and ``tests/integration/conftest.py`` (one
app per module) build their fixtures from these; test modules import the helpers as
``from tests.support import ...`` (pytest.ini puts the checkout on ``sys.path``).
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from tracker import create_app
from tracker.auth import service as auth_service
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.logbook.models import SessionEntry, StretchSession
from tracker.reminders.push import generate_keys

PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


class CsrfClient(FlaskClient):
    """A test client that sends the CSRF header once it has fetched a token, like the
    web app's JavaScript does. ``user`` is the account it was signed in as by
    ``Accounts.login`` (a dict, see ``Accounts.create``)."""

    csrf_token: str | None = None
    user: dict | None = None

    def fetch_csrf(self) -> str:
        self.csrf_token = self.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        return self.csrf_token

    def open(self, *args, **kwargs):
        if self.csrf_token:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRF-Token", self.csrf_token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


# One VAPID key pair per test run, so test apps never write one into instance/.
VAPID_TEST_KEY = generate_keys().private_key


def app_settings(url: str) -> dict:
    """The settings of every test app: testing mode on ``url``, no scheduler."""
    return {"ENV": "testing", "DATABASE_URL": url, "SCHEDULER": "off",
            "VAPID_PRIVATE_KEY": VAPID_TEST_KEY}


def build_app(url: str, **overrides) -> Flask:
    """A test app on the database at ``url`` whose test clients are ``CsrfClient``s."""
    app = create_app({**app_settings(url), **overrides})
    app.test_client_class = CsrfClient
    return app


def close_app(app: Flask) -> None:
    """Drop the app's session and close its database connections."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def database_url(template_db: str, folder: Path) -> str:
    """A database to test on: the PostgreSQL test database, or a fresh copy of the
    migrated SQLite template in ``folder``."""
    if PG_URL:
        return PG_URL
    target = folder / "tracker.db"
    shutil.copyfile(template_db, target)
    return f"sqlite:///{target}"


def empty_postgres(engine) -> None:  # noqa: ANN001
    """Delete every row the tests wrote, children before parents; the built-in
    stretches (``owner_id IS NULL``) stay."""
    with engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            where = " WHERE owner_id IS NOT NULL" if table.name == "stretch" else ""
            conn.execute(text(f'DELETE FROM "{table.name}"{where}'))


class Accounts:
    """Makes accounts directly through the service (no HTTP, so no rate limit) and
    signs clients in without the login form."""

    def __init__(self, app: Flask):
        self.app = app

    def create(self, email: str | None = None, password: str = PASSWORD,
               timezone: str = "Europe/Berlin", answered: bool = True,
               locale: str | None = None) -> dict:
        """``answered``: the warning-signs check answered "none of these" (the pages
        lead a new account to it first); ``locale``: the language chosen ("de"), or
        None for the browser's."""
        email = email or f"user-{uuid.uuid4().hex}@example.com"
        with self.app.app_context():
            user = auth_service.register(email, password, timezone, locale)
            if answered:
                user.red_flags_answered_at = utcnow()
            db.session.commit()
            return {"id": user.id, "email": user.email, "password": password,
                    "timezone": timezone, "login_id": user.get_id(), "locale": locale}

    def login(self, client: CsrfClient, user: dict) -> CsrfClient:
        """Sign ``client`` in as ``user`` (a fresh cookie session) and fetch its CSRF
        token, like the web app after the login form."""
        with client.session_transaction() as sess:
            sess["_user_id"] = user["login_id"]
            sess["_fresh"] = True
        client.fetch_csrf()
        client.user = user
        return client

    def signed_in(self, timezone: str = "Europe/Berlin", answered: bool = True,
                  locale: str | None = None) -> CsrfClient:
        """A new client, signed in as a new user living in ``timezone``."""
        return self.login(self.app.test_client(),
                          self.create(timezone=timezone, answered=answered, locale=locale))

    def token(self, user: dict, name: str = "test") -> str:
        """A new bearer token of ``user``'s (the raw value)."""
        from tracker.auth.models import User

        with self.app.app_context():
            _token, raw = auth_service.create_token(db.session.get(User, user["id"]), name)
            db.session.commit()
            return raw


def stored(client: CsrfClient, model=StretchSession) -> int:  # noqa: ANN001
    """Rows of ``model`` stored for the client's user (``client.user``); a session's
    entries count as their session's user's."""
    if model is SessionEntry:
        query = select(func.count()).select_from(SessionEntry).join(
            StretchSession, SessionEntry.session_id == StretchSession.id).where(
            StretchSession.user_id == client.user["id"])
    else:
        query = select(func.count()).select_from(model).where(
            model.user_id == client.user["id"])
    with client.application.app_context():
        return db.session.scalar(query)


def wait_until_serving(url: str, proc, timeout: float = 60, log=None) -> None:  # noqa: ANN001
    """Wait until ``url``/healthz answers (below 500) from the server process ``proc``;
    fail if it exits first (with ``log``'s text, a Path, when given) or takes longer."""
    import time

    import requests

    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url + "/healthz", timeout=2).status_code < 500:
                return
        except requests.ConnectionError:
            pass
        assert proc.poll() is None, "the server exited" + (f": {log.read_text()}" if log else "")
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


def redis_or_skip(url: str, what: str):  # noqa: ANN201 - a redis.Redis
    """A connection to the Redis at ``url``, or skip the test (naming ``what``) when
    none answers there."""
    import pytest

    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis not reachable at {url} ({exc}); start redis-server to run {what}")
    return conn
