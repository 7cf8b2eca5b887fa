"""Reminder use cases: VAPID keys of this instance, push subscriptions, reminders and
snoozes, test pushes, and the delivery history of one user.

Every query is scoped to the user (another user's reminder is simply not found).
Services raise DomainErrors and leave the commit to the caller.
"""
from __future__ import annotations

import datetime as dt
import hmac
from zoneinfo import ZoneInfo
from pathlib import Path

from flask import Flask, current_app
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import undefer
from sqlalchemy.exc import IntegrityError

from tracker.public_url import public_url
from tracker.auth.models import User
from tracker.domain import push_endpoints, schedule
from tracker.domain.wording import N_, Text, plural_text
from tracker.errors import Conflict, Invalid, NotFound, Unauthorized
from tracker.extensions import db
from tracker.flareups.service import paused_for
from tracker.i18n import current as current_language, html_dir, person_locale, speaking, translate
from tracker.programs.service import DayTarget, day_targets
from tracker.instance_files import instance_secret
from tracker.reminders import email, payload
from tracker.reminders.reach import reach_changed
from tracker.reminders.models import PushSubscription, Reminder, ReminderDelivery
from tracker.reminders.push import (JwtCache, Message, Policy, Sender, Target, VapidKeys,
                                    generate_keys, load_keys)

SNOOZE_TOKEN_MAX_AGE = 24 * 3600

# ---------------------------------------------------------------- keys and sender


def vapid_keys(app: Flask | None = None) -> VapidKeys:
    """The configured key pair, else the instance folder's (made on first use)."""
    app = app or current_app
    keys = app.extensions.get("reminders.vapid")
    if keys is None:
        private = app.config.get("VAPID_PRIVATE_KEY")
        if private:
            keys = load_keys(private, app.config.get("VAPID_PUBLIC_KEY"))
        else:
            raw = instance_secret(Path(app.instance_path) / "vapid_private_key",
                                  lambda: generate_keys().private_key)
            keys = load_keys(raw)
        app.extensions["reminders.vapid"] = keys
    return keys


def policy(app: Flask) -> Policy:
    c = app.config
    return Policy(timeout=float(c["PUSH_TIMEOUT"]), ttl=int(c["PUSH_TTL"]),
                  max_attempts=int(c["PUSH_MAX_ATTEMPTS"]), backoff=float(c["PUSH_BACKOFF"]),
                  retry_after_max=float(c["PUSH_RETRY_AFTER_MAX"]),
                  concurrency=int(c["PUSH_CONCURRENCY"]),
                  endpoint_hosts=push_endpoints.parse_hosts(c.get("PUSH_ENDPOINT_HOSTS")))


def sender(app: Flask | None = None) -> Sender:
    """The app's sender: its JWT cache lives as long as the app."""
    app = app or current_app
    found = app.extensions.get("reminders.sender")
    if found is None:
        found = Sender(JwtCache(vapid_keys(app), app.config["VAPID_SUBJECT"]), policy(app))
        app.extensions["reminders.sender"] = found
    return found


def extra_hosts() -> tuple[str, ...]:
    return push_endpoints.parse_hosts(current_app.config.get("PUSH_ENDPOINT_HOSTS"))


# ---------------------------------------------------------------- subscriptions


def _check_subscription(data: dict) -> None:
    problems: dict[str, list[str]] = {}
    why = push_endpoints.endpoint_problem(data["endpoint"], extra_hosts())
    if why:
        problems["endpoint"] = [why]
    keys = data["keys"]
    raw = push_endpoints.p256dh_bytes(keys["p256dh"])
    if raw is None:
        problems["keys.p256dh"] = ["Must be an uncompressed P-256 public key (65 bytes) in URL-safe base64."]
    else:
        from cryptography.hazmat.primitives.asymmetric import ec

        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            problems["keys.p256dh"] = ["Is not a point on the P-256 curve."]
    why = push_endpoints.auth_problem(keys["auth"])
    if why:
        problems["keys.auth"] = [why]
    if problems:
        raise Invalid("This push subscription cannot be used: " + ", ".join(sorted(problems)),
                      problems)


def subscribe(user: User, data: dict) -> tuple[PushSubscription, bool]:
    """Store (or take over) the subscription of ``data["endpoint"]``; (row, created)."""
    _check_subscription(data)
    keys = data["keys"]
    found = db.session.scalar(select(PushSubscription).where(
        PushSubscription.endpoint == data["endpoint"]).with_for_update())
    if found is None:
        count = db.session.scalar(select(func.count()).where(PushSubscription.user_id == user.id))
        if count >= current_app.config["PUSH_SUBSCRIPTIONS_MAX"]:
            raise Conflict(N_("Too many devices: remove one first."), {"endpoint": [plural_text(
                "At most %(num)s device.", "At most %(num)s devices.",
                current_app.config["PUSH_SUBSCRIPTIONS_MAX"])]})
        fresh = PushSubscription(user_id=user.id, endpoint=data["endpoint"],
                                 p256dh=keys["p256dh"], auth=keys["auth"])
        try:
            with db.session.begin_nested():
                db.session.add(fresh)
            reach_changed([user.id])
            return fresh, True
        except IntegrityError:
            # The same endpoint arrived twice at once (a double tap): take the other row.
            found = db.session.scalar(select(PushSubscription).where(
                PushSubscription.endpoint == data["endpoint"]))
            if found is None:
                raise
    if found.user_id != user.id and not (
            hmac.compare_digest(found.p256dh, keys["p256dh"])
            and hmac.compare_digest(found.auth, keys["auth"])):
        # Only the browser holding the keys may move its device to another account:
        # anyone else knowing the endpoint would have their reminders shown on it.
        raise Conflict(N_("This device is subscribed under another account."),
                       {"endpoint": [N_("Already in use by another account.")]})
    # The same person re-subscribing, or another person on the same browser profile
    # (matching keys: the subscription was handed to whoever is signed in now).
    if found.user_id != user.id:
        reach_changed([found.user_id, user.id])
    found.user_id, found.p256dh, found.auth = user.id, keys["p256dh"], keys["auth"]
    found.consecutive_failures = 0
    return found, False


def unsubscribe(user: User, endpoint: str) -> None:
    gone = db.session.execute(delete(PushSubscription).where(
        PushSubscription.user_id == user.id, PushSubscription.endpoint == endpoint))
    if gone.rowcount == 0:
        raise NotFound(N_("This device is not subscribed."))
    reach_changed([user.id])


def subscriptions(user: User) -> list[PushSubscription]:
    return list(db.session.scalars(select(PushSubscription).where(
        PushSubscription.user_id == user.id).order_by(PushSubscription.id)))


def targets_of(rows: list[PushSubscription]) -> list[Target]:
    return [Target(s.id, s.endpoint, s.p256dh, s.auth) for s in rows]


def record_results(results, now: dt.datetime) -> None:  # noqa: ANN001 - list[push.Result]
    """Keep each device's health: gone subscriptions are deleted, the others' success
    or failure counted (a few set-based statements, however many devices)."""
    groups: dict[str, list[int]] = {"gone": [], "sent": [], "failed": []}
    for r in results:
        groups["gone" if r.outcome == "gone" else "sent" if r.outcome == "sent" else "failed"] \
            .append(r.subscription_id)
    table = PushSubscription
    for start in range(0, len(results), 500):
        gone, sent, failed = (ids[start:start + 500] for ids in groups.values())
        if gone:
            reach_changed(db.session.scalars(
                delete(table).where(table.id.in_(gone)).returning(table.user_id)))
        if sent:
            db.session.execute(update(table).where(table.id.in_(sent))
                               .values(last_success_at=now, consecutive_failures=0))
        if failed:
            db.session.execute(update(table).where(table.id.in_(failed)).values(
                last_failure_at=now, consecutive_failures=table.consecutive_failures + 1))


def send_test(user: User, now: dt.datetime) -> list[dict]:
    """Push one test notification to each of the user's devices now; their outcomes."""
    rows = subscriptions(user)
    if not rows:
        raise Conflict(N_("No device is subscribed yet: enable notifications first."))
    with speaking(person_locale(user)):  # the person asking, in their language
        data = payload.payload(reminder_id=None, title=N_("Backstretch test"),
                               body=Text("Notifications work on this device."), tag="test",
                               base_url=public_url(), path="/reminders", say=translate,
                               lang=current_language(), direction=html_dir())
    results = sender().send([Message(t, data, topic="test") for t in targets_of(rows)])
    record_results(results, now)
    return [r.as_dict() for r in results]


# ---------------------------------------------------------------- reminders


def get_reminder(user: User, reminder_id: int) -> Reminder:
    found = db.session.scalar(select(Reminder).where(
        Reminder.id == reminder_id, Reminder.user_id == user.id))
    if found is None:
        raise NotFound(N_("No such reminder."))
    return found


def reminders(user: User) -> list[Reminder]:
    return list(db.session.scalars(select(Reminder).where(Reminder.user_id == user.id)
                                   .options(undefer(Reminder.has_device))
                                   .order_by(Reminder.time, Reminder.id)))


def next_in_words(user: User, rows: list[Reminder], now: dt.datetime) -> dict[int, Text]:
    """When each switched-on reminder fires next, as the person would say it: "tomorrow
    08:00", "Mon 07:30, after your flare-up" when a pause holds it back, "tomorrow
    07:00, after your quiet hours" when they do."""
    paused = paused_for(user, now.astimezone(ZoneInfo(user.timezone)).date()
                        - dt.timedelta(days=1))
    words = {}
    for reminder in rows:
        if not reminder.enabled or reminder.next_fire_at is None:
            continue
        upcoming = schedule.next_outside(reminder.next_fire_at, reminder.rule, paused)
        if upcoming is None:
            continue
        rule = reminder.rule
        held = rule.quiet is not None and rule.quiet.holds(rule.hour * 60 + rule.minute)
        when = schedule.when_words(upcoming, now, reminder.timezone)
        if upcoming != reminder.next_fire_at:
            when = Text("%(when)s, after your flare-up", when=when)
        elif held:
            when = Text("%(when)s, after your quiet hours", when=when)
        words[reminder.id] = when
    return words


def reschedule(reminder: Reminder, now: dt.datetime) -> None:
    """next_fire_at from now: the next occurrence, or none when disabled."""
    reminder.next_fire_at = schedule.next_fire(now, reminder.rule) if reminder.enabled else None
    if not reminder.enabled:
        reminder.snoozed_until = None


def set_quiet_hours(user: User, quiet: dict | None, now: dt.datetime) -> None:
    """Set (``{"start": "22:00", "end": "07:00"}``) or clear (None) the person's quiet
    hours, and move each of their reminders to its next time under them."""
    user.quiet_start, user.quiet_end = (quiet["start"], quiet["end"]) if quiet else (None, None)
    for reminder in db.session.scalars(select(Reminder).where(Reminder.user_id == user.id)):
        reschedule(reminder, now)


def _check_channels(data: dict) -> None:
    if "email" in data.get("channels", ()) and not email.available():
        raise Invalid(email.unavailable_reason(), {"channels": [email.unavailable_reason()]})


def create_reminder(user: User, data: dict, now: dt.datetime) -> Reminder:
    _check_channels(data)
    count = db.session.scalar(select(func.count()).where(Reminder.user_id == user.id))
    limit = current_app.config["REMINDERS_MAX"]
    if count >= limit:
        said = plural_text("At most %(num)s reminder.", "At most %(num)s reminders.", limit)
        raise Conflict(said, {"_schema": [said]})
    fields = {"enabled": True, "skip_if_logged": True, "message": "",
              "weekdays": list(schedule.ALL_DAYS), "channels": ["push"], **data}
    fields["timezone"] = data.get("timezone") or user.timezone
    reminder = Reminder(user=user, **fields)
    reschedule(reminder, now)
    db.session.add(reminder)
    db.session.flush()
    reach_changed([user.id])
    return reminder


def update_reminder(user: User, reminder_id: int, data: dict, now: dt.datetime) -> Reminder:
    reminder = get_reminder(user, reminder_id)
    _check_channels(data)
    for key, value in data.items():
        setattr(reminder, key, value)
    if reminder.timezone is None:
        reminder.timezone = user.timezone
    reschedule(reminder, now)
    if {"enabled", "time", "channels"} & data.keys():
        reach_changed([user.id])  # Today names the times of those that cannot reach
    return reminder


def delete_reminder(user: User, reminder_id: int) -> None:
    db.session.delete(get_reminder(user, reminder_id))
    reach_changed([user.id])


def snooze(user: User, reminder_id: int, minutes: int, now: dt.datetime) -> Reminder:
    reminder = get_reminder(user, reminder_id)
    if not reminder.enabled:
        raise Conflict(N_("This reminder is switched off."), {"enabled": [N_("Switch it on to snooze it.")]})
    # Whole minutes, so the snooze's delivery key (to the minute) is unique.
    reminder.snoozed_until = (now + dt.timedelta(minutes=minutes)).replace(second=0, microsecond=0)
    return reminder


def deliveries(user: User, limit: int = 20) -> list[ReminderDelivery]:
    return list(db.session.scalars(
        select(ReminderDelivery).where(ReminderDelivery.user_id == user.id)
        .order_by(ReminderDelivery.created_at.desc(), ReminderDelivery.id.desc()).limit(limit)))


# ---------------------------------------------------------------- snooze from a notification


def _snooze_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="reminder-snooze")


def snooze_token(user_id: int, reminder_id: int) -> str:
    """A signed token in the push payload: the service worker cannot send the CSRF
    token, so the snooze action carries this instead (``Authorization: Snooze …``)."""
    return _snooze_serializer().dumps([user_id, reminder_id])


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="reminder-email-unsubscribe")


def unsubscribe_token(user_id: int, reminder_id: int) -> str:
    """The token in a reminder e-mail's unsubscribe link: it names that one reminder
    and lasts as long as the reminder (one-click unsubscribes must keep working)."""
    return _unsubscribe_serializer().dumps([user_id, reminder_id])


def reminder_by_unsubscribe_token(token: str) -> Reminder:
    try:
        user_id, reminder_id = _unsubscribe_serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFound(N_("This unsubscribe link is not valid.")) from None
    found = db.session.scalar(select(Reminder).where(
        Reminder.id == reminder_id, Reminder.user_id == user_id))
    if found is None:
        raise NotFound(N_("This reminder no longer exists, so it sends nothing."))
    return found


def stop_email(reminder: Reminder) -> None:
    """Unsubscribe one reminder from e-mail: it keeps its push; e-mail only, it stops."""
    if "email" not in reminder.channels:
        return
    rest = [c for c in reminder.channels if c != "email"]
    if rest:
        reminder.channels = rest
    else:
        reminder.enabled = False
        reminder.next_fire_at = reminder.snoozed_until = None
    reach_changed([reminder.user_id])


def snooze_by_token(token: str, minutes: int, now: dt.datetime) -> Reminder:
    try:
        user_id, reminder_id = _snooze_serializer().loads(token, max_age=SNOOZE_TOKEN_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        raise Unauthorized(N_("This snooze link is not valid any more.")) from None
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such reminder."))
    return snooze(user, reminder_id, minutes, now)


# ---------------------------------------------------------------- programme hook


def _target(target: DayTarget | None) -> payload.Target | None:
    if target is None:
        return None
    return payload.Target(day=target.day, length=target.length, low=target.band.low,
                          high=target.band.high)


def programme_target(user_id: int, day: dt.date) -> payload.Target | None:
    """The target of the person's running SLR programme on their local ``day``
    ("Day 4 of 10: aim for 38–53°" in the reminder), or None when no programme is
    running or ``day`` is not one of its days (hold and paused days counted)."""
    return _target(day_targets([(user_id, day)])[(user_id, day)])


def programme_targets(wanted: list[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], payload.Target | None]:
    """``programme_target`` for many (user_id, day) pairs with a few queries per 500
    people (the dispatcher's batch)."""
    return {pair: _target(target) for pair, target in day_targets(wanted).items()}
