"""``flask --app tracker backup PATH``: a consistent SQLite copy taken while another
thread keeps writing, which opens, passes integrity_check, and restores; PostgreSQL
is pointed to pg_dump. And the files ``make run`` leaves (the database, its WAL, the
keys, a backup) are readable by their owner only, in an instance folder that
TRACKER_INSTANCE_PATH can put outside the code (issue 20, finding 11)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade

from tests.support import VAPID_TEST_KEY, build_app, close_app
from tracker.auth import service as auth_service
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.logbook import checkins, sessions
from tracker import create_app
from tracker.reminders.service import vapid_keys
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


# --- file modes and the instance folder (issue 20, finding 11) -----------------------

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022(monkeypatch):
    """The usual umask, under which files are made 0644 unless the code says otherwise;
    and none of the calling shell's TRACKER_* settings."""
    for name in list(os.environ):
        if name.startswith("TRACKER_"):
            monkeypatch.delenv(name)
    old = os.umask(0o022)
    yield
    os.umask(old)


def _first_run(app, backup: Path) -> None:  # noqa: ANN001
    """What ``make run`` and a first day of use do: migrate, register, log a session,
    make the VAPID key; then a backup."""
    with app.app_context():
        upgrade()
        user = auth_service.register("modes@example.com", "correct horse battery", "UTC")
        sessions.create_session(user, {
            "client_id": str(uuid.uuid4()), "performed_at": utcnow() - dt.timedelta(minutes=1),
            "pain_before": 4, "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": 50}]},
            utcnow())
        db.session.commit()
        vapid_keys(app)
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output


def test_instance_files_and_backups_are_owner_only(instance_path, umask_022, tmp_path):
    app = create_app({"ENV": "development", "SCHEDULER": "off"})
    backups = tmp_path / "backups"
    backups.mkdir()
    try:
        _first_run(app, backups / "tracker-today.db")
        made = {p.name: _mode(p) for p in instance_path.iterdir()}
    finally:
        close_app(app)
    assert {"tracker.db", "tracker.db-wal", "tracker.db-shm", "secret_key",
            "vapid_private_key"} <= set(made)
    assert made == dict.fromkeys(made, 0o600)
    assert _mode(instance_path) == 0o700
    assert [(p.name, _mode(p)) for p in backups.iterdir()] == [("tracker-today.db", 0o600)]


@pytest.mark.parametrize("name", ["tracker.db", "secret_key", "vapid_private_key"])
def test_a_file_left_readable_by_an_older_version_becomes_owner_only(instance_path, umask_022,
                                                                    name):
    instance_path.mkdir()
    old = instance_path / name
    old.write_text({"tracker.db": "", "secret_key": "old-key",
                    "vapid_private_key": VAPID_TEST_KEY}[name])
    old.chmod(0o644)
    app = create_app({"ENV": "development", "SCHEDULER": "off"})
    try:
        with app.app_context():
            upgrade()
            vapid_keys(app)
        assert _mode(old) == 0o600
        assert app.config["SECRET_KEY"] == "old-key" or name != "secret_key"
    finally:
        close_app(app)


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*")}


def test_an_instance_path_outside_the_code_leaves_the_code_untouched(tmp_path, umask_022):
    """A copy of the code runs in a fresh process with TRACKER_INSTANCE_PATH elsewhere:
    migrate, first writes, keys and a backup change nothing in the copy, so the code
    may be read-only. (Bytecode is left out: a deployment compiles it beforehand.)"""
    code, data, work = tmp_path / "code", tmp_path / "data", tmp_path / "work"
    code.mkdir()
    work.mkdir()
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("tracker", "templates", "static", "migrations"):
        shutil.copytree(ROOT / name, code / name, ignore=ignore)
    shutil.copy2(ROOT / "config.py", code / "config.py")
    before = _snapshot(code)
    script = textwrap.dedent(f"""
        import datetime as dt, sys, uuid
        from pathlib import Path
        from flask_migrate import upgrade
        from tracker import create_app
        from tracker.auth import service as auth_service
        from tracker.db_types import utcnow
        from tracker.extensions import db
        from tracker.logbook import sessions
        from tracker.reminders.service import vapid_keys

        app = create_app()
        assert app.instance_path == {str(data)!r}, app.instance_path
        with app.app_context():
            upgrade()
            user = auth_service.register("elsewhere@example.com", "correct horse battery", "UTC")
            sessions.create_session(user, {{
                "client_id": str(uuid.uuid4()), "performed_at": utcnow() - dt.timedelta(minutes=1),
                "pain_before": 3, "entries": [{{"stretch": "slr-strap", "side": "left", "angle_deg": 40}}]}},
                utcnow())
            db.session.commit()
            vapid_keys(app)
        assert app.test_client().get("/healthz").status_code == 200
        result = app.test_cli_runner().invoke(args=["backup", {str(data / "backup.db")!r}])
        assert result.exit_code == 0, result.output
        with app.app_context():
            db.engine.dispose()
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(PYTHONPATH=str(code), PYTHONDONTWRITEBYTECODE="1", TRACKER_ENV="development",
               TRACKER_SCHEDULER="off", TRACKER_INSTANCE_PATH=str(data))
    done = subprocess.run([sys.executable, "-c", script], cwd=work, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert _snapshot(code) == before
    assert not list(work.iterdir())
    assert {"tracker.db", "secret_key", "vapid_private_key", "backup.db"} <= {
        p.name for p in data.iterdir()}
