"""``flask --app tracker ...`` commands beyond Flask-Migrate's ``db`` group."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from tracker.auth import service as auth_service
from tracker.auth.models import User
from tracker.db_types import utcnow
from tracker.domain.clock import is_valid_timezone
from tracker.extensions import db

demo = AppGroup("demo", help="Demo data for trying the app.")


@demo.command("seed")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650))
@click.option("--email", default="demo@example.com", show_default=True)
@click.option("--password", default="demo-password", show_default=True,
              help="Used only when the account does not exist yet.")
@click.option("--timezone", "tz", default="Europe/London", show_default=True)
@click.option("--seed", "seed_value", default=7, show_default=True, type=int)
def demo_seed(days: int, email: str, password: str, tz: str, seed_value: int) -> None:
    """Create (or extend) a demo account with DAYS days of sessions and check-ins."""
    from tracker.logbook.demo import seed

    if not is_valid_timezone(tz):
        raise click.BadParameter(f"unknown time zone {tz!r}", param_hint="--timezone")
    user = db.session.scalar(select(User).where(User.email == auth_service.normalize_email(email)))
    if user is None:
        if len(password) < 10:
            raise click.BadParameter("at least 10 characters", param_hint="--password")
        user = auth_service.register(email, password, tz)
        click.echo(f"Created {user.email} (password: {password})")
    sessions, checkins = seed(user, days, utcnow(), seed=seed_value)
    db.session.commit()
    click.echo(f"Seeded {sessions} sessions and {checkins} check-ins over {days} days for {user.email}.")
    from tracker.programs.service import current_program

    program = current_program(user)
    if program is not None:
        click.echo(f"Straight-leg-raise programme: {program.affected_leg} leg, "
                   f"{program.length_days} days from {program.start_date.isoformat()}.")


def register_commands(app: Flask) -> None:
    from tracker.sharing.backup import backup_command

    app.cli.add_command(demo)
    app.cli.add_command(backup_command)
