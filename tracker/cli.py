"""``flask --app tracker ...`` commands: ``db`` (Flask-Migrate's), ``demo``, ``backup``,
``users``, ``vapid``, ``reminders``, ``scheduler``."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, ScriptInfo
from sqlalchemy import select

from tracker.auth import service as auth_service
from tracker.auth.models import User
from tracker.database import init_migrations
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
    user = auth_service.find_user(email)
    if user is None:
        if len(password) < 10:
            raise click.BadParameter("at least 10 characters", param_hint="--password")
        user = auth_service.register(email, password, tz)
        click.echo(f"Created {user.email} (password: {password})")
    sessions, checkins = seed(user, days, utcnow(), seed=seed_value)
    if user.red_flags_answered_at is None:
        # A demo is for looking around: answer the warning-signs check "none of these"
        # so the pages show the data instead of leading to the check first.
        from tracker.logbook.warning_signs import record_red_flags

        record_red_flags(user, [], utcnow(), none_apply=True)
    db.session.commit()
    click.echo(f"Seeded {sessions} sessions and {checkins} check-ins over {days} days for {user.email}.")
    from tracker.programs.service import current_program

    program = current_program(user)
    if program is not None:
        click.echo(f"Straight-leg-raise programme: {program.affected_leg} leg, "
                   f"{program.length_days} days from {program.start_date.isoformat()}.")


# --- reminders and Web Push (tracker/reminders) ---------------------------------------

vapid = AppGroup("vapid", help="VAPID keys for Web Push.")
reminders_cli = AppGroup("reminders", help="Reminder delivery.")
scheduler_cli = AppGroup("scheduler", help="The APScheduler process.")


@vapid.command("generate")
def vapid_generate() -> None:
    """Print a new VAPID key pair (set them as TRACKER_VAPID_PRIVATE_KEY / _PUBLIC_KEY)."""
    from tracker.reminders.push import generate_keys

    keys = generate_keys()
    click.echo(f"TRACKER_VAPID_PRIVATE_KEY={keys.private_key}")
    click.echo(f"TRACKER_VAPID_PUBLIC_KEY={keys.public_key}")


def _instant(_ctx, _param, value: str | None):  # noqa: ANN001, ANN202
    if value is None:
        return None
    import datetime as dt

    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2027-03-28T01:30:00Z") from None
    if parsed.tzinfo is None:
        raise click.BadParameter("give an offset or Z, e.g. 2027-03-28T01:30:00Z")
    return parsed


@reminders_cli.command("dispatch")
@click.option("--now", callback=_instant, help="Dispatch as of this instant (ISO 8601 with offset).")
def reminders_dispatch(now) -> None:  # noqa: ANN001
    """Send the reminders due now (or at --now), each occurrence at most once."""
    from tracker.reminders.dispatch import dispatch_due

    click.echo(str(dispatch_due(now or utcnow())))


@reminders_cli.command("prune")
def reminders_prune() -> None:
    """Delete old delivery rows and devices that keep failing."""
    from tracker.reminders.dispatch import prune

    deliveries, devices = prune(utcnow())
    click.echo(f"Removed {deliveries} old deliveries and {devices} dead devices.")


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Run the scheduler in this process until interrupted (production: one or more of
    these beside web workers running with TRACKER_SCHEDULER=off)."""
    import signal
    import threading

    from flask import current_app

    from tracker.scheduler import get_scheduler, is_running
    from tracker.reminders.jobs import add_jobs

    app = current_app._get_current_object()
    scheduler = get_scheduler()
    if not is_running():  # create_app may have started it (TRACKER_SCHEDULER=on)
        add_jobs(scheduler, app)
        scheduler.start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"Scheduler running: {', '.join(j.id for j in scheduler.get_jobs())}. Ctrl-C stops it.")
    while not stop.wait(1):
        pass
    scheduler.shutdown(wait=True)
    click.echo("Scheduler stopped.")


users = AppGroup("users", help="Accounts.")


@users.command("reset-password")
@click.argument("email")
def users_reset_password(email: str) -> None:
    """Print a one-hour, single-use link that sets a new password for EMAIL (for
    servers that cannot send mail; hand it to the person over a channel you trust)."""
    from flask import current_app

    from tracker.auth.mail import reset_link
    from tracker.public_url import public_url

    user = auth_service.find_user(email)
    if user is None:
        raise click.ClickException(f"No account with the address {email!r}.")
    with current_app.test_request_context(base_url=public_url()):
        click.echo(reset_link(user))


class MigrationCommands(click.Group):
    """``flask db ...``: hands over to Flask-Migrate's command group when a ``db``
    command runs, and only then sets Flask-Migrate up (tracker.database.init_migrations),
    so that building the app need not import Alembic."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:  # noqa: ANN001
        from flask_migrate.cli import db as group

        init_migrations(parent.ensure_object(ScriptInfo).load_app())
        return group.make_context(info_name, args, parent=parent, **extra)


def register_commands(app: Flask) -> None:
    from tracker.sharing.backup import backup_command

    if "db" not in app.cli.commands:  # Flask-Migrate adds its own where it is loaded
        app.cli.add_command(MigrationCommands("db", help="Perform database migrations."))
    app.cli.add_command(demo)
    app.cli.add_command(backup_command)
    app.cli.add_command(users)
    app.cli.add_command(vapid)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(scheduler_cli)
