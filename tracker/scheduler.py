"""The process's APScheduler scheduler: made on first use (a web worker that never runs
it never imports APScheduler), started only by a process that serves requests with
TRACKER_SCHEDULER=on, or by ``flask scheduler run``. The jobs are the reminders'
(tracker.reminders.jobs)."""
from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

import click
from flask import Flask

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

_scheduler: BackgroundScheduler | None = None


def get_scheduler() -> BackgroundScheduler:
    """This process's one scheduler (UTC; jobs coalesced, one instance at a time)."""
    global _scheduler
    if _scheduler is None:
        from apscheduler.schedulers.background import BackgroundScheduler

        _scheduler = BackgroundScheduler(
            timezone=dt.timezone.utc,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300})
    return _scheduler


def is_running() -> bool:
    """Whether this process runs the scheduler (asking makes none)."""
    return _scheduler is not None and _scheduler.running


def wanted(app: Flask) -> bool:
    """Whether this process should run the in-process scheduler: it is configured on,
    and the process serves requests (a WSGI server, or ``flask run``), not a one-off
    CLI command such as ``flask db upgrade``, nor the reloader's watcher process."""
    if str(app.config.get("SCHEDULER", "off")).lower() not in {"on", "true", "1"}:
        return False
    command = click.get_current_context(silent=True)
    if command is not None and command.info_name != "run":
        return False
    reloader_parent = app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true" \
        and command is not None
    return not reloader_parent


def start_if_wanted(app: Flask) -> None:
    """Start the in-process scheduler when wanted; the features add its jobs."""
    if wanted(app) and not is_running():
        get_scheduler().start()
