"""Send the reminders that are due: claim → skip rules → send → record.

``dispatch_due(now)`` is what the scheduler's minute job and ``flask reminders
dispatch`` run. Correctness across several dispatchers rests on the ledger: each
occurrence is a ``reminder_delivery`` row with a UNIQUE (reminder, occurrence key),
inserted and committed before anything is sent, so a second claim of the same
occurrence fails and is dropped. Due reminders are moved on with an UPDATE guarded by
the values read, and are locked while claimed: on PostgreSQL by ``FOR UPDATE SKIP
LOCKED`` (dispatchers split the work instead of queueing), on SQLite by the write
lock, which a transaction outside a reading request takes at its BEGIN IMMEDIATE
(see tracker/database.py).

A crash between claim and send leaves a ``pending`` row: that occurrence is lost
rather than sent twice (at most once, by design).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import bindparam, delete, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from tracker.domain import schedule
from tracker.domain.clock import local_date
from tracker.database import in_batches
from tracker.extensions import db
from tracker.flareups.service import paused_dates
from tracker.logbook.models import StretchSession
from tracker.reminders import payload, service
from tracker.reminders.models import PushSubscription, Reminder, ReminderDelivery
from tracker.reminders.push import Message, Sender

BATCH = 1000
MAX_BATCHES = 100


@dataclass
class Report:
    claimed: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        return f"{self.claimed} occurrence(s) claimed" + (f": {parts}" if parts else "")


@dataclass(frozen=True)
class _Claim:
    """A claimed occurrence that needs a push. Plain values, not the rows: ``_send``
    reads them after rolling the session back, which expires every loaded row, and
    reading a row's attribute then would start a new transaction to reload it."""

    delivery_id: int
    reminder_id: int
    user_id: int
    message: str
    day: dt.date


def dispatch_due(now: dt.datetime, sender: Sender | None = None, batch: int = BATCH) -> Report:
    """Deliver the occurrences due at ``now`` (aware), each at most once, ``batch``
    reminders at a time and at most MAX_BATCHES batches (the next run takes the
    rest); commits."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    sender = sender or service.sender()
    report = Report()
    for _ in range(MAX_BATCHES):
        claims, seen = _claim(now, batch, report)
        if claims:
            _send(claims, now, sender, report)
        if seen < batch:
            break
    return report


def _due(now: dt.datetime, batch: int) -> list[Reminder]:
    query = (select(Reminder)
             .where(or_(Reminder.next_fire_at <= now, Reminder.snoozed_until <= now))
             .order_by(Reminder.id).limit(batch))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def _occurrences(reminder: Reminder, now: dt.datetime) -> list[tuple[dt.datetime, str, dt.date]]:
    """(fire time, delivery key, local day) of everything due on ``reminder``."""
    rule = reminder.rule
    due = []
    if reminder.snoozed_until is not None and reminder.snoozed_until <= now:
        until = reminder.snoozed_until
        due.append((until, schedule.snooze_key(until), local_date(until, rule.timezone)))
    if reminder.next_fire_at is not None and reminder.next_fire_at <= now:
        for fire_at in schedule.missed(reminder.next_fire_at, now, rule):
            day = schedule.occurrence_day(fire_at, rule)
            due.append((fire_at, schedule.day_key(day), day))
    return due


def _moved_on(reminder: Reminder, now: dt.datetime) -> dict:
    """The guarded UPDATE's parameters that move ``reminder`` past ``now``."""
    old_next, old_snooze = reminder.next_fire_at, reminder.snoozed_until
    new_next = old_next
    if old_next is not None and old_next <= now:
        new_next = schedule.next_fire(now, reminder.rule) if reminder.enabled else None
    new_snooze = None if old_snooze is not None and old_snooze <= now else old_snooze
    return {"rid": reminder.id, "old_next": old_next, "old_snooze": old_snooze,
            "new_next": new_next, "new_snooze": new_snooze}


def _advance(moves: list[dict]) -> None:
    """One executemany: each row moves on only if nobody changed it since we read it.
    Rows are locked (FOR UPDATE / SQLite's write lock) so a miss cannot happen in
    practice; if one did, the UNIQUE delivery key still drops its duplicate."""
    table = Reminder.__table__
    stmt = (table.update()
            .where(table.c.id == bindparam("rid"),
                   table.c.next_fire_at.is_not_distinct_from(bindparam("old_next")),
                   table.c.snoozed_until.is_not_distinct_from(bindparam("old_snooze")))
            .values(next_fire_at=bindparam("new_next"), snoozed_until=bindparam("new_snooze")))
    db.session.execute(stmt, moves)


def _claim(now: dt.datetime, batch: int, report: Report) -> tuple[list[_Claim], int]:
    """Advance each due reminder and insert its delivery rows, then commit:
    (the claims that need a push, how many reminders were due)."""
    grace = dt.timedelta(minutes=float(current_app.config["REMINDER_GRACE_MINUTES"]))
    rows = _due(now, batch)
    planned = [(reminder, *occurrence) for reminder in rows
               for occurrence in _occurrences(reminder, now)]
    if rows:
        _advance([_moved_on(reminder, now) for reminder in rows])
    logged = _logged_days({(r.user_id, day) for r, _f, _k, day in planned if r.skip_if_logged})
    paused = _paused_days({(r.user_id, day) for r, _f, _k, day in planned})
    made: list[tuple[ReminderDelivery, Reminder, dt.date]] = []
    for reminder, fire_at, key, day in planned:
        status, reason = "pending", ""
        if not reminder.enabled:
            status, reason = "skipped", "disabled"
        elif schedule.is_stale(fire_at, now, grace):
            status, reason = "skipped", "stale"
        elif (reminder.user_id, day) in paused:
            status, reason = "skipped", "flare_up"
        elif reminder.skip_if_logged and (reminder.user_id, day) in logged:
            status, reason = "skipped", "logged"
        made.append((ReminderDelivery(
            reminder_id=reminder.id, user_id=reminder.user_id, occurrence_key=key,
            fire_at=fire_at, status=status, reason=reason, created_at=now), reminder, day))
    kept = _insert(made)
    claims = [_Claim(d.id, r.id, r.user_id, r.message, day)
              for d, r, day in kept if d.status == "pending"]
    for delivery, _r, _day in kept:
        if delivery.status == "skipped":
            report.counts["skipped"] += 1
    report.claimed += len(kept)
    db.session.commit()
    return claims, len(rows)


def _insert(rows: list[tuple[ReminderDelivery, Reminder, dt.date]]) -> list:
    """Insert the delivery rows; one whose key exists already (claimed before) is
    dropped. All at once first; row by row only when that hits a duplicate."""
    try:
        with db.session.begin_nested():
            db.session.add_all([d for d, _r, _day in rows])
        return rows
    except IntegrityError:
        pass
    kept = []
    for delivery, reminder, day in rows:
        fresh = ReminderDelivery(**{c: getattr(delivery, c) for c in (
            "reminder_id", "user_id", "occurrence_key", "fire_at", "status", "reason",
            "created_at")})
        try:
            with db.session.begin_nested():
                db.session.add(fresh)
        except IntegrityError:
            continue
        kept.append((fresh, reminder, day))
    return kept


def _paused_days(wanted: set[tuple[int, dt.date]]) -> set[tuple[int, dt.date]]:
    """Which (user, local day) pairs fall in a flare-up: no reminder is sent then."""
    if not wanted:
        return set()
    paused = paused_dates(sorted({user_id for user_id, _day in wanted}),
                          min(day for _user, day in wanted))
    return {(user_id, day) for user_id, day in wanted if day in paused.get(user_id, ())}


def _logged_days(wanted: set[tuple[int, dt.date]]) -> set[tuple[int, dt.date]]:
    """Which (user, local day) pairs already have a session logged."""
    found: set[tuple[int, dt.date]] = set()
    pairs = list(wanted)
    for chunk in in_batches(pairs):
        found.update(tuple(row) for row in db.session.execute(
            select(StretchSession.user_id, StretchSession.local_date).distinct()
            .where(tuple_(StretchSession.user_id, StretchSession.local_date).in_(chunk))).all())
    return found


def _send(claims: list[_Claim], now: dt.datetime, sender: Sender, report: Report) -> None:
    devices: dict[int, list[PushSubscription]] = defaultdict(list)
    user_ids = list({c.user_id for c in claims})
    for batch in in_batches(user_ids):
        for sub in db.session.scalars(select(PushSubscription).where(
                PushSubscription.user_id.in_(batch))
                .order_by(PushSubscription.id)):
            devices[sub.user_id].append(sub)

    messages: list[Message] = []
    owners: list[int] = []
    targets = service.programme_targets([(c.user_id, c.day) for c in claims])
    for n, claim in enumerate(claims):
        target = targets[(claim.user_id, claim.day)]
        data = payload.payload(
            reminder_id=claim.reminder_id, body=payload.body_text(claim.message, target),
            tag=f"reminder-{claim.reminder_id}",
            snooze=service.snooze_token(claim.user_id, claim.reminder_id))
        for device in service.targets_of(devices.get(claim.user_id, [])):
            messages.append(Message(device, data, topic=f"reminder-{claim.reminder_id}"))
            owners.append(n)
    db.session.rollback()  # no transaction held open while the pushes are in flight

    results = sender.send(messages)

    per_claim: dict[int, list] = defaultdict(list)
    for n, result in zip(owners, results):
        per_claim[n].append(result)
    changes = []
    for n, claim in enumerate(claims):
        mine = per_claim.get(n, [])
        change = {"id": claim.delivery_id, "outcomes": [r.as_dict() for r in mine],
                  "attempts": sum(r.attempts for r in mine), "reason": "", "sent_at": None}
        if not mine:
            change["status"] = "no_subscription"
        elif any(r.outcome == "sent" for r in mine):
            change["status"], change["sent_at"] = "sent", now
        else:
            change["status"] = "failed"
            change["reason"] = ",".join(sorted({r.reason or r.outcome for r in mine}))[:32]
        changes.append(change)
        report.counts[change["status"]] += 1
    if changes:
        db.session.execute(update(ReminderDelivery), changes)
    service.record_results(results, now)
    db.session.commit()


def prune(now: dt.datetime) -> tuple[int, int]:
    """Maintenance: delete delivery rows older than DELIVERY_KEEP_DAYS (except those
    still ``pending``) and devices at least 30 days old that failed 10 times in a row
    with no success for 30 days; commits; (deliveries, devices) deleted."""
    keep = dt.timedelta(days=int(current_app.config["DELIVERY_KEEP_DAYS"]))
    old = db.session.execute(delete(ReminderDelivery).where(
        ReminderDelivery.created_at < now - keep, ReminderDelivery.status != "pending"))
    month_ago = now - dt.timedelta(days=30)
    dead = db.session.execute(delete(PushSubscription).where(
        PushSubscription.consecutive_failures >= 10,
        or_(PushSubscription.last_success_at.is_(None),
            PushSubscription.last_success_at < month_ago),
        PushSubscription.created_at < month_ago))
    db.session.commit()
    return old.rowcount, dead.rowcount
