"""Reminders' part of an export and import (tracker/sharing/sections.py lists it).

A reminder goes out as ``{time, weekdays, timezone, enabled, skip_if_logged,
message, channels}``: its schedule and settings, not its state (next fire time, snoozes,
deliveries) and not the devices (a push subscription belongs to one browser and
server). On import a reminder is the same one when (time, weekdays, timezone)
match, so a second import adds nothing; an existing reminder is never changed. Its
next fire time is computed from the moment of the import. Reminders beyond the
per-person limit are skipped with the reason. E-mail is kept as a channel only where
this server can send mail (else the reminder comes by push)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from tracker.auth.models import User
from tracker.domain.wording import Text
from tracker.extensions import db
from tracker.reminders import email, service
from tracker.reminders.models import Reminder
from tracker.reminders.schemas import ReminderCreateSchema

KEY = "reminders"
FIELDS = ("time", "weekdays", "timezone", "enabled", "skip_if_logged", "message", "channels")


class ReminderImportSchema(ReminderCreateSchema):
    """The API's own create rules (HH:MM, weekdays 0-6 without repeats, IANA zone)."""


def natural_key(time: str, weekdays: list[int], timezone: str) -> tuple:
    return (time, tuple(sorted(weekdays)), timezone)


def _reminders(user: User) -> list[Reminder]:
    return list(db.session.scalars(select(Reminder).where(Reminder.user_id == user.id)
                                   .order_by(Reminder.time, Reminder.id)))


def export(user: User) -> list[dict]:
    return [{f: getattr(r, f) for f in FIELDS} for r in _reminders(user)]


def import_(run, items: list[dict]) -> None:  # noqa: ANN001 - sharing.importer.ImportRun
    user = run.user
    keys = {natural_key(r.time, r.weekdays, r.timezone) for r in _reminders(user)}
    count = db.session.scalar(select(func.count()).where(Reminder.user_id == user.id))
    limit = current_app.config["REMINDERS_MAX"]
    for item in items:
        item = {**item, "timezone": item.get("timezone") or user.timezone}
        if "email" in item.get("channels", ()) and not email.available():
            item["channels"] = ["push"]
        key = natural_key(item["time"], item["weekdays"], item["timezone"])
        if key in keys:
            run.count(KEY, False)
            continue
        if count >= limit:
            run.skip(KEY, f"{item['time']} {item['timezone']}",
                     Text("This account already has the most reminders allowed (%(limit)s).",
                          limit=limit))
            continue
        service.create_reminder(user, item, run.now)
        keys.add(key)
        count += 1
        run.count(KEY, True)
