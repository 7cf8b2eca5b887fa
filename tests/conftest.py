"""Shared fixtures, in the style of Flask's tutorial: ``app``, ``client``, ``runner``,
plus ``users`` (make accounts), ``auth`` (a signed-in client) and ``live_server``
(the app on a real port, for browser and concurrency tests). ``make_app(**settings)``
builds further apps on the same test database with settings overridden, and
``instance_path`` points new apps' instance folder at a temporary directory.

Database: a real SQLite file per test (copied from a template migrated once per run),
or, when TRACKER_TEST_DATABASE_URL is set, that PostgreSQL database, migrated once per
run and emptied after each test.

The pieces these fixtures are made of (the CSRF-sending client, ``Accounts``, emptying
PostgreSQL) live in ``tests/support.py``, shared with ``tests/integration/conftest.py``.
"""
from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from tests import support
from tests.support import PG_URL, Accounts, CsrfClient, build_app, close_app
from tracker import create_app
from tracker.extensions import db


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> str:
    """The migrated database every test starts from."""
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        app = create_app(support.app_settings(PG_URL))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app(support.app_settings(f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()  # closing the last connection checkpoints the WAL
    return str(path)


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
    yield support.database_url(template_db, tmp_path)
    if PG_URL:
        support.empty_postgres(_cleanup_engine)


@pytest.fixture
def make_app(database_url):
    """``make_app(MAX_CONTENT_LENGTH=1000)``: a test app on this test's database with
    some settings overridden. Add test-only routes right after making it."""
    apps = []

    def make(**settings):
        app = build_app(database_url, **settings)
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)


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
def client(app) -> CsrfClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(app) -> Accounts:
    return Accounts(app)


@pytest.fixture
def user(users) -> dict:
    return users.create()


@pytest.fixture
def auth(client, users, user) -> CsrfClient:
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
