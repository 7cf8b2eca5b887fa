"""Migrations: ``flask --app tracker db upgrade`` on an empty database creates every
table and the built-in stretches, ``downgrade`` to base removes them again, and the
models match the migrations exactly (autogenerate finds nothing to do).

Run against an empty SQLite file and against a throwaway PostgreSQL database created
for the test (on every run, not only when TRACKER_TEST_DATABASE_URL is set; skipped,
saying why, only when PostgreSQL is unreachable).
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import tracker.models  # noqa: F401 - every table in db.metadata
from tracker import create_app
from tracker.catalog import BUILTIN_STRETCHES
from tracker.extensions import db

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("TRACKER_TEST_DATABASE_URL") or \
    "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _app(url: str):
    return create_app({"ENV": "testing", "DATABASE_URL": url, "SCHEDULER": "off"})


def _tables(app) -> set[str]:  # noqa: ANN001
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def _check_upgrade_downgrade(app) -> None:  # noqa: ANN001
    """The whole cycle on an empty database: upgrade, compare, downgrade, upgrade."""
    model_tables = set(db.metadata.tables)
    with app.app_context():
        assert set(inspect(db.engine).get_table_names()) == set()
        upgrade()
        assert set(inspect(db.engine).get_table_names()) == model_tables | {"alembic_version"}

        rows = db.session.execute(text(
            "SELECT slug, owner_id FROM stretch ORDER BY slug")).all()
        assert sorted(slug for slug, _ in rows) == sorted(s.slug for s in BUILTIN_STRETCHES)
        assert len(rows) == 5 and all(owner is None for _, owner in rows)
        db.session.remove()

        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ: {differences}"

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() is None

        upgrade()  # and back up again: downgrade left nothing in the way
        assert set(inspect(db.engine).get_table_names()) == model_tables | {"alembic_version"}
        db.session.remove()
        db.engine.dispose()


# --- SQLite ------------------------------------------------------------------------------


def test_sqlite_upgrade_downgrade_and_models_match(tmp_path):
    _check_upgrade_downgrade(_app(f"sqlite:///{tmp_path / 'empty.db'}"))


def test_sqlite_upgrade_is_idempotent(tmp_path):
    app = _app(f"sqlite:///{tmp_path / 'twice.db'}")
    with app.app_context():
        upgrade()
        upgrade()
        assert db.session.scalar(text("SELECT count(*) FROM stretch")) == 5
        db.session.remove()
        db.engine.dispose()


def test_db_upgrade_cli_command(tmp_path):
    """The real command line, configured only through the environment."""
    path = tmp_path / "cli.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_DATABASE_URL=f"sqlite:///{path}", TRACKER_SCHEDULER="off",
               TRACKER_SECRET_KEY="cli-test", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "tracker", "db", "upgrade"],
                          cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    app = _app(f"sqlite:///{path}")
    assert _tables(app) == set(db.metadata.tables) | {"alembic_version"}
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM stretch")) == 5
        db.session.remove()
        db.engine.dispose()


def test_db_upgrade_through_the_runner(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'runner.db'}")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _tables(app) == set(db.metadata.tables) | {"alembic_version"}
    result = app.test_cli_runner().invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert _tables(app) <= {"alembic_version"}


def test_foreign_keys_enforced_after_migration(tmp_path):
    """The migrated schema really refuses orphans (SQLite needs foreign_keys=ON)."""
    from sqlalchemy.exc import IntegrityError

    app = _app(f"sqlite:///{tmp_path / 'fk.db'}")
    with app.app_context():
        upgrade()
        with pytest.raises(IntegrityError):
            db.session.execute(text(
                "INSERT INTO api_token (user_id, name, token_hash, created_at) "
                "VALUES (12345, 'x', 'h', '2027-01-01 00:00:00')"))
            db.session.flush()
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


# --- PostgreSQL --------------------------------------------------------------------------


@pytest.fixture
def empty_postgres():
    """A brand-new PostgreSQL database, dropped afterwards."""
    admin_url = make_url(PG_ADMIN_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "skip"
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {admin_url.render_as_string()} "
                    f"({type(exc).__name__}); start it to run the PostgreSQL migration test")
    name = f"tracker_mig_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgres_upgrade_downgrade_and_models_match(empty_postgres):
    _check_upgrade_downgrade(_app(empty_postgres))


def _migrate_with_data(app) -> None:  # noqa: ANN001
    """0003 with a person's data in it, then 0004: nothing is lost (the SQLite rebuild
    must not cascade-delete children when it drops the old tables), every user gets
    a distinct session secret, and on SQLite ids are AUTOINCREMENT from then on."""
    with app.app_context():
        upgrade(revision="0003")
        conn = db.session
        for n in (1, 2):
            conn.execute(text(
                'INSERT INTO "user" (id, email, password_hash, timezone, created_at, '
                "session_version, red_flags) VALUES (:id, :email, 'h', 'UTC', "
                "'2026-01-01 00:00:00+00:00', 1, '[]')"), {"id": n, "email": f"u{n}@example.com"})
            conn.execute(text(
                "INSERT INTO checkin (user_id, client_id, recorded_at, local_date, score, "
                "context, note, created_at) VALUES (:id, :cid, '2026-01-01 08:00:00+00:00', "
                "'2026-01-01', 3, 'other', '', '2026-01-01 08:00:00+00:00')"),
                {"id": n, "cid": str(uuid.uuid4())})
            conn.execute(text(
                "INSERT INTO api_token (user_id, name, token_hash, created_at) VALUES "
                "(:id, 't', :h, '2026-01-01 00:00:00+00:00')"), {"id": n, "h": f"hash{n}"})
        conn.commit()
        upgrade()
        assert conn.scalar(text('SELECT count(*) FROM "user"')) == 2
        assert conn.scalar(text("SELECT count(*) FROM checkin")) == 2
        assert conn.scalar(text("SELECT count(*) FROM api_token")) == 2
        tokens = conn.scalars(text('SELECT session_token FROM "user"')).all()
        assert len(set(tokens)) == 2 and all(len(t) >= 40 for t in tokens)
        if db.engine.dialect.name == "sqlite":
            sql = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'user'"))
            assert "AUTOINCREMENT" in sql.upper()
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            conn.execute(text('DELETE FROM "user" WHERE id = 2'))
            conn.commit()
            assert conn.scalar(text("SELECT count(*) FROM checkin")) == 1  # cascades again
            conn.execute(text(
                'INSERT INTO "user" (email, password_hash, timezone, created_at, '
                "session_token, red_flags) VALUES ('new@example.com', 'h', 'UTC', "
                "'2026-01-02 00:00:00+00:00', 'fresh-token', '[]')"))
            conn.commit()
            assert conn.scalar(text("SELECT id FROM \"user\" WHERE email = 'new@example.com'")) == 3
        db.session.remove()  # its read transaction would block the downgrade's DDL
        downgrade(revision="0003")
        assert conn.scalar(text('SELECT count(*) FROM "user"')) >= 1
        db.session.remove()
        db.engine.dispose()


def test_sqlite_0004_keeps_data_and_never_reuses_ids(tmp_path):
    _migrate_with_data(_app(f"sqlite:///{tmp_path / 'data.db'}"))


def test_postgres_0004_keeps_data(empty_postgres):
    _migrate_with_data(_app(empty_postgres))


def test_sqlite_later_migrations_keep_autoincrement(tmp_path):
    """0005 and later run after 0004's rebuild: every table that holds a person's data
    still says AUTOINCREMENT at head, and after stepping back to 0004 and up again."""
    app = _app(f"sqlite:///{tmp_path / 'later.db'}")

    def plain_tables() -> list[str]:
        rows = db.session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            # scheduler_heartbeat holds no one's data: one row per job, keyed by its name;
            # rate_limit_counter neither: windows keyed by digests.
            "AND name NOT IN ('alembic_version', 'sqlite_sequence', 'scheduler_heartbeat', "
            "'rate_limit_counter')"
        )).all()
        db.session.remove()
        return sorted(name for name, sql in rows if "AUTOINCREMENT" not in sql.upper())

    with app.app_context():
        upgrade()
        assert plain_tables() == []
        downgrade(revision="0004")
        assert plain_tables() == []
        upgrade()
        assert plain_tables() == []
        db.engine.dispose()
