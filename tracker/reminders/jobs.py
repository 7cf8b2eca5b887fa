"""APScheduler wiring: the machinery runs as a few jobs, not one job per reminder.

- ``reminders-dispatch`` every minute (at second 5, UTC): ``dispatch_due(now)``;
  coalesced, one instance at a time, a few minutes' misfire grace.
- ``reminders-maintenance`` daily: old delivery rows and dead devices.

Each job runs inside an app context and records its tick in ``scheduler_heartbeat``
(read by /healthz). ``add_jobs`` is idempotent; the scheduler object itself lives in
tracker.scheduler and is started only by a serving process with TRACKER_SCHEDULER=on,
or by ``flask scheduler run``.
"""
from __future__ import annotations

import datetime as dt

from typing import TYPE_CHECKING

from flask import Flask
from sqlalchemy import select

from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.reminders.models import SchedulerHeartbeat

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

DISPATCH = "reminders-dispatch"
MAINTENANCE = "reminders-maintenance"
MISFIRE_GRACE = 180


def _beat(name: str, now: dt.datetime) -> None:
    row = db.session.get(SchedulerHeartbeat, name)
    if row is None:
        db.session.add(SchedulerHeartbeat(name=name, last_tick_at=now))
    else:
        row.last_tick_at = now
    db.session.commit()


def run_dispatch(app: Flask) -> None:
    from tracker.reminders.dispatch import dispatch_due

    with app.app_context():
        now = utcnow()
        try:
            report = dispatch_due(now)
            if report.claimed:
                app.logger.info("reminders: %s", report)
        finally:
            db.session.rollback()
            _beat(DISPATCH, now)


def run_maintenance(app: Flask) -> None:
    from tracker.reminders.dispatch import prune
    from tracker.rate_limit_storage import prune_expired

    with app.app_context():
        deliveries, devices = prune(utcnow())
        prune_expired(utcnow())
        app.logger.info("reminders maintenance: %d old deliveries, %d dead devices removed",
                        deliveries, devices)


def add_jobs(scheduler: BaseScheduler, app: Flask) -> None:
    """Add (or replace) our jobs. A scheduler not started yet keeps jobs pending and
    would not replace them by id, so earlier copies are removed first."""
    # Imported here: only a process that runs the scheduler pays for APScheduler.
    from apscheduler.triggers.cron import CronTrigger

    for job_id in (DISPATCH, MAINTENANCE):
        if scheduler.get_job(job_id) is not None:
            scheduler.remove_job(job_id)
    common = {"args": [app], "replace_existing": True, "coalesce": True,
              "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE}
    scheduler.add_job(run_dispatch, CronTrigger(second=5, timezone=dt.timezone.utc),
                      id=DISPATCH, name="send due reminders", **common)
    scheduler.add_job(run_maintenance, CronTrigger(hour=3, minute=17, timezone=dt.timezone.utc),
                      id=MAINTENANCE, name="prune deliveries and dead devices", **common)


def init_app(app: Flask) -> None:
    """Give the process's scheduler our jobs when this process will run it."""
    from tracker import scheduler

    if scheduler.wanted(app):
        add_jobs(scheduler.get_scheduler(), app)


def last_tick() -> str | None:
    """When the dispatch job last ran (any process), ISO 8601, or None."""
    try:
        found = db.session.scalar(select(SchedulerHeartbeat.last_tick_at).where(
            SchedulerHeartbeat.name == DISPATCH))
    except Exception:  # noqa: BLE001 - health reporting must not fail on this
        db.session.rollback()
        return None
    return found.isoformat() if found else None
