"""Shared fixtures, in the style of Flask's tutorial: ``app``, ``client``, ``runner``,
plus ``users`` (make accounts), ``auth`` (a signed-in client) and ``live_server``
(the app on a real port, for browser and concurrency tests). ``make_app(**settings)``
builds further apps on the same test database with settings overridden, and
``instance_path`` points new apps' instance folder at a temporary directory.

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


def _empty_postgres(engine=None) -> None:  # noqa: ANN001
    """Remove everything a test wrote; the built-in stretches stay."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with (engine or db.engine).begin() as conn:
        for name in tables:
            where = " WHERE owner_id IS NOT NULL" if name == "stretch" else ""
            conn.execute(text(f'DELETE FROM "{name}"{where}'))


@pytest.fixture(scope="session")
def _cleanup_engine(template_db):
    """One engine for emptying PostgreSQL after each test (no app needed)."""
    engine = create_engine(PG_URL) if PG_URL else None
    yield engine
    if engine is not None:
        engine.dispose()


@pytest.fixture
def database_url(template_db, tmp_path, _cleanup_engine):
    """This test's database: a fresh copy of the template SQLite file, or the
    PostgreSQL test database, emptied again afterwards."""
    if not PG_URL:
        target = tmp_path / "tracker.db"
        shutil.copyfile(template_db, target)
        yield f"sqlite:///{target}"
        return
    yield PG_URL
    _empty_postgres(_cleanup_engine)


@pytest.fixture
def make_app(database_url, tmp_path):
    """``make_app(MAX_CONTENT_LENGTH=1000)``: a test app on this test's database with
    some settings overridden. Add test-only routes right after making it."""
    apps = []

    def make(**settings):
        app = create_app({**_settings(database_url, tmp_path), **settings})
        app.test_client_class = Client
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def instance_path(tmp_path, monkeypatch) -> Path:
    """A temporary instance folder for every app created in this test (the
    secret key and other generated files land there, not in the checkout)."""
    from flask import Flask

    path = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(path))
    return path


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
    # A short poll interval: shutdown() waits for the loop's next poll.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join(timeout=5)


def new_client_id() -> str:
    return str(uuid.uuid4())
