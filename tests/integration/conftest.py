"""Fixtures for the log book's integration tests: one app per test module.

Building an app costs about a tenth of a second, far more than one request, so the
many small parametrized cases (validation, time zones, flags, pages) share one app
and one database per module (``shared_app``), each test running as a brand-new user
(``member``, ``shared_users``). Every log book query is scoped to its user, so a test
that looks only at its own user's data never sees another test's rows. Tests that
need an empty database, other settings or real HTTP keep the per-test ``app``.

On PostgreSQL the module's rows are deleted when the module ends (the built-in
stretches stay), like the per-test fixture does after each test.
"""
from __future__ import annotations

import os
import shutil
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from tracker import create_app
from tracker.auth import service as auth_service
from tracker.extensions import db

PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


class CsrfClient(FlaskClient):
    """Sends the CSRF header once it has fetched a token, like the web app's script.
    ``user`` is the account it is signed in as (a dict, see ``SharedUsers.create``)."""

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


class SharedUsers:
    """Accounts on the shared app, made through the service (no rate limit)."""

    def __init__(self, app):
        self.app = app

    def create(self, timezone: str = "Europe/Berlin") -> dict:
        email = f"member-{uuid.uuid4().hex}@example.com"
        with self.app.app_context():
            user = auth_service.register(email, PASSWORD, timezone)
            db.session.commit()
            return {"id": user.id, "email": user.email, "password": PASSWORD,
                    "timezone": timezone, "login_id": user.get_id()}

    def login(self, user: dict) -> CsrfClient:
        client = self.app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = user["login_id"]
            sess["_fresh"] = True
        client.fetch_csrf()
        client.user = user
        return client

    def signed_in(self, timezone: str = "Europe/Berlin") -> CsrfClient:
        return self.login(self.create(timezone))

    def token(self, user: dict) -> str:
        from tracker.auth.models import User

        with self.app.app_context():
            _token, raw = auth_service.create_token(db.session.get(User, user["id"]), "test")
            db.session.commit()
            return raw


@pytest.fixture(scope="module")
def shared_app(template_db, tmp_path_factory):
    if PG_URL:
        url = PG_URL
    else:
        target = tmp_path_factory.mktemp("shared") / "tracker.db"
        shutil.copyfile(template_db, target)
        url = f"sqlite:///{target}"
    app = create_app({"ENV": "testing", "DATABASE_URL": url, "SCHEDULER": "off"})
    app.test_client_class = CsrfClient
    yield app
    with app.app_context():
        db.session.remove()
        if PG_URL:
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    where = " WHERE owner_id IS NOT NULL" if table.name == "stretch" else ""
                    conn.execute(text(f'DELETE FROM "{table.name}"{where}'))
        db.engine.dispose()


@pytest.fixture
def shared_users(shared_app) -> SharedUsers:
    return SharedUsers(shared_app)


@pytest.fixture
def member(shared_users) -> CsrfClient:
    """A new user on the module's shared app, signed in with a CSRF token."""
    return shared_users.signed_in()
