"""``flask --app tracker backup PATH``: a consistent SQLite copy taken while another
thread keeps writing, which opens, passes integrity_check, and restores; PostgreSQL
is pointed to pg_dump."""
from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import threading
import uuid

import pytest
from flask_migrate import upgrade

from tests.support import build_app, close_app
from tracker.auth import service as auth_service
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.logbook import checkins, sessions
from tracker.sharing import service as sharing


@pytest.fixture
def sqlite_app(tmp_path, instance_path):
    """An app on a SQLite file of its own (also when the suite runs on PostgreSQL)."""
    app = build_app(f"sqlite:///{tmp_path / 'live.db'}")
    with app.app_context():
        upgrade()
        user = auth_service.register("backup@example.com", "correct horse battery", "UTC")
        db.session.commit()
        app.config["BACKUP_USER_ID"] = user.id
    yield app
    close_app(app)


def _write_sessions(app, stop: threading.Event, written: list) -> None:  # noqa: ANN001
    """Sessions of two entries each, one transaction per session, until stopped."""
    with app.app_context():
        user = db.session.get(auth_service.User, app.config["BACKUP_USER_ID"])
        while not stop.is_set():
            sessions.create_session(user, {
                "client_id": str(uuid.uuid4()), "performed_at": utcnow() - dt.timedelta(minutes=1),
                "pain_before": 4, "notes": "x" * 500,
                "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": 50},
                            {"stretch": "slr-strap", "side": "right", "angle_deg": 70}]}, utcnow())
            db.session.commit()
            written.append(1)
        db.session.remove()


def _counts(path) -> tuple[int, int]:  # noqa: ANN001
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return (conn.execute("SELECT count(*) FROM stretch_session").fetchone()[0],
                conn.execute("SELECT count(*) FROM session_entry").fetchone()[0])
    finally:
        conn.close()


def test_backup_while_writing_then_restore(sqlite_app, tmp_path):
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_write_sessions, args=(sqlite_app, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        result = sqlite_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")])
        during = len(written)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    sessions, entries = _counts(tmp_path / "copy.db")
    assert 20 <= sessions <= during + 1
    assert entries == 2 * sessions  # no session caught half-written
    assert not list(tmp_path.glob(".copy.db.*"))  # no partial file left behind

    # Restore: put the copy where a database lives and use it.
    restored = tmp_path / "restored.db"
    shutil.copyfile(tmp_path / "copy.db", restored)
    app = build_app(f"sqlite:///{restored}")
    try:
        with app.app_context():
            user = db.session.get(auth_service.User, sqlite_app.config["BACKUP_USER_ID"])
            data = sharing.export_json(user, utcnow())
            assert len(data["sessions"]) == sessions
            assert checkins.create_checkin(user, {"client_id": str(uuid.uuid4()),
                                                 "recorded_at": utcnow(), "score": 2}, utcnow())[1]
            db.session.commit()
    finally:
        close_app(app)


def test_backup_refuses_to_overwrite(sqlite_app, tmp_path):
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    runner = sqlite_app.test_cli_runner()
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "--overwrite" in result.output
    assert target.read_text() == "keep me"
    result = runner.invoke(args=["backup", "--overwrite", str(target)])
    assert result.exit_code == 0, result.output
    assert _counts(target) == (0, 0)


def test_backup_into_a_missing_folder(sqlite_app, tmp_path):
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "no" / "x.db")])
    assert result.exit_code != 0 and "does not exist" in result.output


def test_backup_on_postgresql_points_to_pg_dump(instance_path):
    app = build_app("postgresql+psycopg://postgres@127.0.0.1:5432/not_used_here")
    try:
        result = app.test_cli_runner().invoke(args=["backup", "x.dump"])
    finally:
        close_app(app)
    assert result.exit_code != 0
    assert "pg_dump" in result.output and "pg_restore" in result.output
