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

A crash between claim and send leaves a ``pending`` row. Each claim carries a lease
(``claimed_at`` + REMINDER_LEASE_SECONDS, counted on the dispatcher's own ``now``, so
``flask reminders dispatch --now <later>`` sees it run out): once it has run out, the
next dispatcher claims the row again (a guarded UPDATE, locked like the due
reminders) and sends it with the same Topic header and notification tag, so a push
service and the phone show it once even if the first send got partly out. The skip
rules are asked again at that moment (the person may have logged meanwhile), and a
re-claim past the grace window is recorded as stale.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import bindparam, delete, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from tracker.domain import schedule
from tracker.domain.clock import local_date
from tracker.database import in_batches
from tracker.extensions import db
from tracker.flareups.service import paused_dates
from tracker.i18n import current as current_language, html_dir, speaking, translate
from tracker.logbook.models import StretchSession
from tracker.public_url import public_url
from tracker.reminders import email, payload, service
from tracker.reminders.models import PushSubscription, Reminder, ReminderDelivery
from tracker.reminders.push import Message, Sender
from tracker.reminders.reach import reach_changed

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
    occurrence_key: str
    channels: tuple[str, ...]
    address: str  # the person's e-mail address, for the e-mail channel
    locale: str | None = None  # the person's language (None: English)


def dispatch_due(now: dt.datetime, sender: Sender | None = None,
                 batch: int | None = None) -> Report:
    """Deliver the occurrences due at ``now`` (aware), each once, ``batch`` at a time
    (default REMINDER_BATCH) and at most MAX_BATCHES batches of each kind (the next run
    takes the rest): first the claims whose lease ran out, then the due reminders;
    commits."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    sender = sender or service.sender()
    batch = batch or int(current_app.config["REMINDER_BATCH"])
    report = Report()
    for claim_some in (_reclaim, _claim):
        for _ in range(MAX_BATCHES):
            claims, seen = claim_some(now, batch, report)
            if claims:
                _send(claims, now, sender, report)
            if seen < batch:
                break
    return report


def _due(now: dt.datetime, batch: int) -> list[Reminder]:
    query = (select(Reminder)
             .where(or_(Reminder.next_fire_at <= now, Reminder.snoozed_until <= now))
             .options(selectinload(Reminder.user))  # their quiet hours, in one query
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


class _Verdicts:
    """Whether each planned occurrence is sent or skipped, and why: the rules every
    claim and re-claim ask, with the logged and paused days of a batch looked up once."""

    def __init__(self, planned: list[tuple[Reminder, dt.datetime, dt.date]],
                 now: dt.datetime) -> None:
        self.now = now
        self.grace = dt.timedelta(minutes=float(current_app.config["REMINDER_GRACE_MINUTES"]))
        self.logged = _logged_days({(r.user_id, day) for r, _f, day in planned
                                    if r.skip_if_logged})
        self.paused = _paused_days({(r.user_id, day) for r, _f, day in planned})

    def __call__(self, reminder: Reminder, fire_at: dt.datetime,
                 day: dt.date) -> tuple[str, str]:
        """(status, reason): ("pending", "") to send, or ("skipped", why)."""
        if not reminder.enabled:
            return "skipped", "disabled"
        if schedule.is_stale(fire_at, self.now, self.grace):
            return "skipped", "stale"
        if (reminder.user_id, day) in self.paused:
            return "skipped", "flare_up"
        if reminder.skip_if_logged and (reminder.user_id, day) in self.logged:
            return "skipped", "logged"
        return "pending", ""


def _claim(now: dt.datetime, batch: int, report: Report) -> tuple[list[_Claim], int]:
    """Advance each due reminder and insert its delivery rows, then commit:
    (the claims that need a push, how many reminders were due)."""
    rows = _due(now, batch)
    planned = [(reminder, *occurrence) for reminder in rows
               for occurrence in _occurrences(reminder, now)]
    if rows:
        _advance([_moved_on(reminder, now) for reminder in rows])
    verdict = _Verdicts([(r, fire_at, day) for r, fire_at, _k, day in planned], now)
    made: list[tuple[ReminderDelivery, Reminder, dt.date]] = []
    for reminder, fire_at, key, day in planned:
        status, reason = verdict(reminder, fire_at, day)
        made.append((ReminderDelivery(
            reminder_id=reminder.id, user_id=reminder.user_id, occurrence_key=key,
            fire_at=fire_at, status=status, reason=reason, created_at=now, claimed_at=now,
            claims=1), reminder, day))
    kept = _insert(made)
    claims = [_Claim(d.id, r.id, r.user_id, r.message, day, d.occurrence_key,
                     tuple(r.channels), r.user.email, r.user.locale)
              for d, r, day in kept if d.status == "pending"]
    for delivery, _r, _day in kept:
        if delivery.status == "skipped":
            report.counts["skipped"] += 1
    report.claimed += len(kept)
    db.session.commit()
    return claims, len(rows)


def _reclaim(now: dt.datetime, batch: int, report: Report) -> tuple[list[_Claim], int]:
    """Claim again the ``pending`` rows whose lease ran out by ``now`` (their sender
    died between claim and send), ask the skip rules again, then commit: (the claims
    that need a push, how many leases had run out)."""
    lease = dt.timedelta(seconds=float(current_app.config["REMINDER_LEASE_SECONDS"]))
    query = (select(ReminderDelivery)
             .where(ReminderDelivery.status == "pending",
                    ReminderDelivery.claimed_at <= now - lease)
             .order_by(ReminderDelivery.id).limit(batch))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    expired = list(db.session.scalars(query))
    if not expired:
        db.session.rollback()
        return [], 0
    reminders = {r.id: r for chunk in in_batches(sorted({d.reminder_id for d in expired}))
                 for r in db.session.scalars(select(Reminder).where(Reminder.id.in_(chunk))
                                             .options(selectinload(Reminder.user)))}
    planned = [(d, reminders[d.reminder_id]) for d in expired]
    days = {d.id: schedule.key_day(d.occurrence_key, d.fire_at, r.rule) for d, r in planned}
    verdict = _Verdicts([(r, d.fire_at, days[d.id]) for d, r in planned], now)
    changes, claims = [], []
    for delivery, reminder in planned:
        status, reason = verdict(reminder, delivery.fire_at, days[delivery.id])
        changes.append({"rid": delivery.id, "old_claimed": delivery.claimed_at,
                        "claimed": now, "new_status": status, "new_reason": reason})
        if status == "pending":
            claims.append(_Claim(delivery.id, reminder.id, reminder.user_id, reminder.message,
                                 days[delivery.id], delivery.occurrence_key,
                                 tuple(reminder.channels), reminder.user.email,
                                 reminder.user.locale))
        else:
            report.counts["skipped"] += 1
    table = ReminderDelivery.__table__
    # Guarded like _advance: rows are locked, so the guard only documents the claim.
    db.session.execute(
        table.update()
        .where(table.c.id == bindparam("rid"), table.c.status == "pending",
               table.c.claimed_at == bindparam("old_claimed"))
        .values(claimed_at=bindparam("claimed"), claims=table.c.claims + 1,
                status=bindparam("new_status"), reason=bindparam("new_reason")),
        changes)
    report.claimed += len(expired)
    report.counts["reclaimed"] += len(expired)
    db.session.commit()
    return claims, len(expired)


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
            "created_at", "claimed_at", "claims")})
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
    letters: list[email.Letter] = []
    targets = service.programme_targets([(c.user_id, c.day) for c in claims])
    base_url = public_url()
    for n, claim in enumerate(claims):
        body = payload.body_text(claim.message, targets[(claim.user_id, claim.day)])
        if "push" in claim.channels:
            with speaking(claim.locale):  # no request: the person's own language
                data = payload.payload(
                    reminder_id=claim.reminder_id, body=body, base_url=base_url,
                    tag=payload.tag(claim.reminder_id, claim.occurrence_key),
                    occurrence=claim.occurrence_key,
                    snooze=service.snooze_token(claim.user_id, claim.reminder_id),
                    say=translate, lang=current_language(), direction=html_dir())
            for device in service.targets_of(devices.get(claim.user_id, [])):
                messages.append(Message(device, data, topic=f"reminder-{claim.reminder_id}"))
                owners.append(n)
        if "email" in claim.channels and email.available():
            # email.message_of writes it in claim.locale
            letters.append(email.Letter(
                n, claim.address, body, f"{base_url}/guide", f"{base_url}/reminders/unsubscribe/"
                + service.unsubscribe_token(claim.user_id, claim.reminder_id), claim.locale))
    db.session.rollback()  # no transaction held open while pushes and mail are in flight

    results = sender.send(messages)
    mailed = email.send_all(letters)

    per_claim: dict[int, list[dict]] = defaultdict(list)
    attempts: dict[int, int] = defaultdict(int)
    for n, result in zip(owners, results):
        per_claim[n].append(result.as_dict())
        attempts[n] += result.attempts
    for letter, outcome in zip(letters, mailed):
        per_claim[letter.owner].append(outcome)
        attempts[letter.owner] += 1
    changes = []
    for n, claim in enumerate(claims):
        mine = per_claim.get(n, [])
        change = {"id": claim.delivery_id, "outcomes": mine, "attempts": attempts[n],
                  "reason": "", "sent_at": None}
        if not mine:
            change["status"] = "no_subscription"
        elif any(o["outcome"] == "sent" for o in mine):
            change["status"], change["sent_at"] = "sent", now
        else:
            change["status"] = "failed"
            change["reason"] = ",".join(sorted({o.get("reason") or o["outcome"]
                                                for o in mine}))[:32]
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
    dead = list(db.session.scalars(delete(PushSubscription).where(
        PushSubscription.consecutive_failures >= 10,
        or_(PushSubscription.last_success_at.is_(None),
            PushSubscription.last_success_at < month_ago),
        PushSubscription.created_at < month_ago).returning(PushSubscription.user_id)))
    reach_changed(dead)
    db.session.commit()
    return old.rowcount, len(dead)
