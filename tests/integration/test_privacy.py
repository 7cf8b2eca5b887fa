"""Health data is not cached by others, and erasing an account leaves no readable
trace (issue 6, point 6): ``Cache-Control: private, no-store`` on signed-in pages and
API answers; SQLite's secure_delete plus a WAL checkpoint after the erase."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.support import PASSWORD
from tracker.extensions import db


@pytest.mark.parametrize("path", ["/", "/settings", "/history", "/log", "/api/v1/me",
                                  "/api/v1/sessions", "/api/v1/stretches"])
def test_signed_in_answers_are_private_no_store(auth, path):
    response = auth.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/auth/csrf", "/api/v1/nowhere"])
def test_api_answers_are_never_stored_even_signed_out(client, path):
    assert client.get(path).headers["Cache-Control"] == "private, no-store"


def test_error_answers_of_signed_in_pages_are_private(auth):
    response = auth.get("/api/v1/sessions/999999")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", ["/login", "/register", "/reset-password"])
def test_public_pages_keep_their_caching(client, path):
    assert "no-store" not in client.get(path).headers.get("Cache-Control", "")


def test_static_files_keep_their_caching(auth):
    response = auth.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_erased_email_is_not_left_in_the_database_files(app, users):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL files are the server's; vacuuming is its job")
        assert db.session.execute(text("PRAGMA secure_delete")).scalar() == 1
        db.session.remove()
        path = Path(db.engine.url.database)
    marker = "erase-me-7c1e5b@example.com"
    user = users.create(email=marker)
    client = users.login(app.test_client(), user)
    for i in range(3):
        client.post("/api/v1/checkins", json={
            "client_id": f"00000000-0000-4000-8000-00000000000{i}",
            "recorded_at": "2026-11-25T08:00:00+00:00", "score": 4,
            "note": f"private note of {marker}"})
    wal = path.with_name(path.name + "-wal")
    assert marker.encode() in path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    assert client.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    found = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert marker.encode() not in found
    assert b"private note of" not in found
