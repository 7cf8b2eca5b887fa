"""``flask --app tracker backup PATH``: a consistent copy of the SQLite database,
taken with SQLite's online backup API while the server keeps running and writing.

The copy is written beside PATH under a temporary name and renamed into place only
when complete, so PATH never holds half a backup; like the database, it is readable
by its owner only. PostgreSQL is backed up with its own tool, pg_dump; this command
says so instead of copying."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from tracker.instance_files import create_private

PAGES_PER_STEP = 256  # copy in steps, so writers are not held up for the whole copy


def sqlite_backup(source: str, target: Path) -> None:
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)  # left by a crashed run with this process id
    create_private(partial)  # a copy of health data: owner-only, like the database
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()
    if ok != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"the copy failed its integrity check: {ok}")
    partial.replace(target)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, overwrite: bool) -> None:
    """Write a consistent copy of the SQLite database to PATH (safe while the app runs)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "This database is PostgreSQL: back it up with pg_dump, for example\n"
            "  pg_dump --format=custom --file=backstretch.dump \"$DATABASE_URL\"\n"
            "and restore with pg_restore --clean --dbname=\"$DATABASE_URL\" backstretch.dump")
    if not url.database or url.database == ":memory:":
        raise click.ClickException("This SQLite database is in memory; there is no file to back up.")
    if not Path(url.database).is_file():
        raise click.ClickException(f"There is no database at {url.database} to back up.")
    if path.exists() and not overwrite:
        raise click.ClickException(f"{path} exists; pass --overwrite to replace it.")
    if not path.parent.is_dir():
        raise click.ClickException(f"The folder {path.parent} does not exist.")
    sqlite_backup(url.database, path)
    click.echo(f"Backed up {url.database} to {path} ({path.stat().st_size} bytes).")
