"""Fixtures for the log book's integration tests: one app per test module.

Building an app costs about a tenth of a second, far more than one request, so the
many small parametrized cases (validation, time zones, flags, pages) share one app
and one database per module (``shared_app``), each test running as a brand-new user
(``member`` or ``api``, and ``other`` for a second one; ``shared_users`` makes more).
Every log book query is scoped to its user, so a test that looks only at its own
user's data never sees another test's rows. Tests that need an empty database, other
settings or real HTTP keep the per-test ``app``.

On PostgreSQL the module's rows are deleted when the module ends (the built-in
stretches stay), like the per-test fixture does after each test.
"""
from __future__ import annotations

import pytest

from tests import support
from tests.support import PG_URL, Accounts, CsrfClient
from tracker.extensions import db


@pytest.fixture(scope="module")
def shared_app(template_db, tmp_path_factory):
    app = support.build_app(support.database_url(template_db, tmp_path_factory.mktemp("shared")))
    yield app
    with app.app_context():
        db.session.remove()
        if PG_URL:
            support.empty_postgres(db.engine)
    support.close_app(app)


@pytest.fixture
def shared_users(shared_app) -> Accounts:
    """Accounts on the module's shared app."""
    return Accounts(shared_app)


@pytest.fixture
def member(shared_users) -> CsrfClient:
    """A new user on the module's shared app, signed in with a CSRF token."""
    return shared_users.signed_in()


@pytest.fixture
def api(member) -> CsrfClient:
    """A signed-in client of a new user (on the module's shared app)."""
    return member


@pytest.fixture
def other(shared_users) -> CsrfClient:
    """A second user, signed in on a client of their own."""
    return shared_users.signed_in()
