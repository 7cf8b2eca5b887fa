"""Shared fixtures, in the style of Flask's tutorial: ``app``, ``client``, ``runner``,
plus ``users`` (make accounts), ``auth`` (a signed-in client) and ``live_server``
(the app on a real port, for browser and concurrency tests).

Database: a real SQLite file per test (copied from a template migrated once per run),
or, when TRACKER_TEST_DATABASE_URL is set, that PostgreSQL database, migrated once per
run and emptied after each test.
"""
from __future__ import annotations

import os
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from tracker import create_app
from tracker.auth import service as auth_service
from tracker.extensions import db

PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


class Client(FlaskClient):
    """A test client that sends the CSRF header once it has fetched a token, like
    the web app's JavaScript does."""

    csrf_token: str | None = None

    def fetch_csrf(self) -> str:
        self.csrf_token = self.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        return self.csrf_token

    def open(self, *args, **kwargs):
        if self.csrf_token:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRF-Token", self.csrf_token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


def _settings(url: str, instance: Path) -> dict:
    return {"ENV": "testing", "DATABASE_URL": url, "SCHEDULER": "off"}


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> str:
    """The migrated database every test starts from."""
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        app = create_app(_settings(PG_URL, tmp_path_factory.mktemp("instance")))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app(_settings(f"sqlite:///{path}", path.parent))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()  # closing the last connection checkpoints the WAL
    return str(path)


def _empty_postgres() -> None:
    """Remove everything a test wrote; the built-in stretches stay."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        for name in tables:
            where = " WHERE owner_id IS NOT NULL" if name == "stretch" else ""
            conn.execute(text(f'DELETE FROM "{name}"{where}'))


@pytest.fixture
def app(template_db, tmp_path):
    if PG_URL:
        url = PG_URL
    else:
        target = tmp_path / "tracker.db"
        shutil.copyfile(template_db, target)
        url = f"sqlite:///{target}"
    app = create_app(_settings(url, tmp_path))
    app.test_client_class = Client
    yield app
    with app.app_context():
        db.session.remove()
        if PG_URL:
            _empty_postgres()
        db.engine.dispose()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Users:
    """Makes accounts directly through the service (no HTTP, so no rate limit)."""

    def __init__(self, app):
        self.app = app

    def create(self, email: str | None = None, password: str = PASSWORD,
               timezone: str = "Europe/Berlin") -> dict:
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        with self.app.app_context():
            user = auth_service.register(email, password, timezone)
            db.session.commit()
            return {"id": user.id, "email": user.email, "password": password,
                    "timezone": timezone, "login_id": user.get_id()}

    def login(self, client: Client, user: dict) -> Client:
        with client.session_transaction() as sess:
            sess["_user_id"] = user["login_id"]
            sess["_fresh"] = True
        client.fetch_csrf()
        return client

    def token(self, user: dict, name: str = "test") -> str:
        with self.app.app_context():
            from tracker.auth.models import User
            _token, raw = auth_service.create_token(db.session.get(User, user["id"]), name)
            db.session.commit()
            return raw


@pytest.fixture
def users(app) -> Users:
    return Users(app)


@pytest.fixture
def user(users) -> dict:
    return users.create()


@pytest.fixture
def auth(client, users, user) -> Client:
    """A client signed in as ``user`` with a CSRF token, like the web app."""
    return users.login(client, user)


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free loopback port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join(timeout=5)


def new_client_id() -> str:
    return str(uuid.uuid4())
