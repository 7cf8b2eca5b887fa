"""Dispatch against a real local push receiver (tests/push_receiver.py): every push is
decrypted with the device's private key and its VAPID JWT verified against the
published key and the receiver's own origin.

Covers: local time across DST changes (Europe/Berlin, America/New_York), exactly once
(also with several dispatchers at once, threads and processes, on SQLite and
PostgreSQL), 404/410 pruning while the other device still gets its push, 429/503
retried then given up, 4xx recorded and not retried, a receiver that never answers,
skip_if_logged, stale occurrences after downtime, snoozes, the CLI, and a claim whose
dispatcher died (killed with -9 mid-send) re-sent after its lease with the same Topic
and tag, on the dispatcher's clock. From the
security audit (issue 20, finding 9): a redirect is a failed delivery and never
followed, an endless answer is cut off, and a stored endpoint the allow-list now
refuses is not sent to.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.push_receiver import STREAM_MAX, Device, PushReceiver
from tests.support import Accounts
from tracker.auth.models import User
from tracker.domain import progression
from tracker.extensions import db
from tracker.programs.service import start_program
from tracker.reminders import payload, service
from tracker.reminders.dispatch import dispatch_due
from tracker.reminders.models import PushSubscription, Reminder, ReminderDelivery

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.timezone.utc
# A generous timeout: the machine may be busy; the stalled-receiver test sets its own.
PUBLIC_URL = "https://stretch.example.org"
SETTINGS = {"PUSH_ENDPOINT_HOSTS": "127.0.0.1", "PUSH_TIMEOUT": 8.0, "PUSH_BACKOFF": 0.05,
            "PUSH_RETRY_AFTER_MAX": 5, "PUBLIC_URL": PUBLIC_URL}


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def papp(make_app):
    """An app that may push to loopback receivers, with short timeouts."""
    return make_app(**SETTINGS)


@pytest.fixture
def receiver(papp):
    with papp.app_context():
        public_key = service.vapid_keys().public_key
    found = PushReceiver(public_key).start()
    yield found
    found.stop()


class World:
    """Users, devices and reminders made directly through the services."""

    def __init__(self, app, receiver):  # noqa: ANN001
        self.app, self.receiver = app, receiver
        self.accounts = Accounts(app)

    def person(self, timezone: str = "Europe/Berlin", devices: tuple = ((201,),)) -> tuple[int, list[Device]]:
        user = self.accounts.create(timezone=timezone)
        made = []
        with self.app.app_context():
            row = db.session.get(User, user["id"])
            for answers in devices:
                device = Device()
                service.subscribe(row, device.subscription(self.receiver.add(device, *answers)))
                made.append(device)
            db.session.commit()
        return user["id"], made

    def reminder(self, user_id: int, now: dt.datetime, **fields) -> int:
        with self.app.app_context():
            row = db.session.get(User, user_id)
            reminder = service.create_reminder(row, {"time": "08:00", "weekdays": list(range(7)),
                                                     **fields}, now)
            db.session.commit()
            return reminder.id

    def dispatch(self, now: dt.datetime):  # noqa: ANN201
        with self.app.app_context():
            return dispatch_due(now)

    def get(self, reminder_id: int) -> Reminder:
        with self.app.app_context():
            found = db.session.get(Reminder, reminder_id)
            db.session.expunge(found)
            return found

    def deliveries(self, reminder_id: int) -> list[ReminderDelivery]:
        with self.app.app_context():
            rows = list(db.session.scalars(select(ReminderDelivery).where(
                ReminderDelivery.reminder_id == reminder_id).order_by(ReminderDelivery.id)))
            for row in rows:
                db.session.expunge(row)
            return rows

    def devices_of(self, user_id: int) -> int:
        with self.app.app_context():
            return len(db.session.scalars(select(PushSubscription).where(
                PushSubscription.user_id == user_id)).all())


@pytest.fixture
def world(papp, receiver) -> World:
    return World(papp, receiver)


# --- local time, DST, exactly once ----------------------------------------------------------


@pytest.mark.parametrize("zone, hhmm, created, fire_at, following", [
    # Berlin spring forward: 02:30 does not exist on 28 March 2027 -> 03:30 CEST (01:30 UTC).
    ("Europe/Berlin", "02:30", utc(2027, 3, 27, 12), utc(2027, 3, 28, 1, 30), utc(2027, 3, 29, 0, 30)),
    # Berlin fall back: 02:30 happens twice on 31 October 2027 -> once, at the first (00:30 UTC).
    ("Europe/Berlin", "02:30", utc(2027, 10, 30, 12), utc(2027, 10, 31, 0, 30), utc(2027, 11, 1, 1, 30)),
    # New York spring forward: 02:30 on 14 March 2027 -> 03:30 EDT (07:30 UTC).
    ("America/New_York", "02:30", utc(2027, 3, 13, 12), utc(2027, 3, 14, 7, 30), utc(2027, 3, 15, 6, 30)),
    # New York fall back: 01:30 twice on 7 November 2027 -> the first, 05:30 UTC (EDT).
    ("America/New_York", "01:30", utc(2027, 11, 6, 12), utc(2027, 11, 7, 5, 30), utc(2027, 11, 8, 6, 30)),
])
def test_fires_once_at_local_time_across_dst(world, receiver, zone, hhmm, created, fire_at, following):
    user_id, (phone,) = world.person(zone)
    rid = world.reminder(user_id, created, time=hhmm)
    assert world.get(rid).next_fire_at == fire_at

    assert world.dispatch(fire_at - dt.timedelta(seconds=1)).claimed == 0
    assert receiver.for_device(phone) == []

    report = world.dispatch(fire_at + dt.timedelta(seconds=5))
    assert report.counts == {"sent": 1}
    # Every minute for the next two hours (the repeated hour of a fall-back day included).
    for minute in range(1, 120):
        world.dispatch(fire_at + dt.timedelta(minutes=minute, seconds=5))
    got = receiver.for_device(phone)
    assert len(got) == 1 and got[0].problem is None
    assert world.get(rid).next_fire_at == following
    (delivery,) = world.deliveries(rid)
    local_day = fire_at.astimezone(__import__("zoneinfo").ZoneInfo(zone)).date()
    assert (delivery.status, delivery.occurrence_key, delivery.fire_at) == ("sent", local_day.isoformat(), fire_at)


def test_payload_is_declarative_web_push(world, receiver, papp):
    """WebKit's declarative format: Safari shows it without the service worker, which
    shows the same fields everywhere else. ``navigate`` is absolute, on the app's
    public address; the tag names the occurrence; our fields sit beside it."""
    user_id, (phone,) = world.person()
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00", message="Knees to chest first")
    world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    (push,) = receiver.for_device(phone)
    assert push.problem is None
    data = push.payload
    assert set(data) == {"web_push", "notification", "reminder_id", "snooze", "occurrence"}
    assert data["web_push"] == 8030 and data["reminder_id"] == rid
    assert data["occurrence"] == "2027-05-01"
    note = data["notification"]
    assert set(note) == {"title", "body", "navigate", "tag", "lang", "dir", "actions"}
    assert (note["title"], note["body"]) == (payload.TITLE, "Knees to chest first")
    assert note["navigate"] == f"{PUBLIC_URL}/guide"
    assert note["tag"] == f"reminder-{rid}@2027-05-01"
    assert (note["lang"], note["dir"]) == ("en", "ltr")
    assert note["actions"] == [
        {"action": "log", "title": "Log now", "navigate": f"{PUBLIC_URL}/log"},
        {"action": "snooze", "title": "Snooze 30 min",
         "navigate": f"{PUBLIC_URL}/reminders/snooze/{data['snooze']}"}]
    assert int(push.headers["ttl"]) >= 3600
    assert push.headers["topic"] == f"reminder-{rid}"
    assert push.headers["urgency"] == "normal"
    assert push.claims["aud"] == receiver.origin
    assert push.claims["sub"] == papp.config["VAPID_SUBJECT"]


@pytest.mark.parametrize("start, length, sent_on, day", [
    (dt.date(2027, 4, 28), 10, dt.date(2027, 5, 1), 4),   # "Day 4 of 10: aim for 38–53°"
    (dt.date(2027, 5, 1), 7, dt.date(2027, 5, 1), 1),
    (dt.date(2027, 4, 22), 10, dt.date(2027, 5, 1), 10),  # the last day
])
def test_a_reminder_during_a_programme_says_todays_target(world, receiver, start, length, sent_on, day):
    user_id, (phone,) = world.person()
    with world.app.app_context():
        start_program(db.session.get(User, user_id), {"affected_leg": "left", "start_date": start,
                                                      "length_days": length}, utc(2027, 4, 30))
        db.session.commit()
    world.reminder(user_id, utc(2027, 4, 30), time="08:00", message="Strap by the bed")
    world.dispatch(dt.datetime.combine(sent_on, dt.time(6, 0, 5), UTC))  # 08:00 in Berlin
    (push,) = receiver.for_device(phone)
    band = progression.target_band(day, length)  # no hold day, no pause: step = day
    low, high = (int(v + 0.5) for v in (band.low, band.high))
    assert push.payload["notification"]["body"] == f"Day {day} of {length}: aim for {low}–{high}°. Strap by the bed"
    if day == 4:
        assert push.payload["notification"]["body"].startswith("Day 4 of 10: aim for 38–53°")
    with world.app.app_context():
        assert service.programme_target(user_id, sent_on) == payload.Target(
            day, length, band.low, band.high)
        assert service.programme_targets([(user_id, sent_on), (user_id, start - dt.timedelta(days=1))]) \
            == {(user_id, sent_on): payload.Target(day, length, band.low, band.high),
                (user_id, start - dt.timedelta(days=1)): None}


@pytest.mark.parametrize("offset", [-1, 10])  # the day before it starts, the day after it ends
def test_no_target_outside_the_programme(world, receiver, offset):
    user_id, (phone,) = world.person()
    start = dt.date(2027, 5, 1) - dt.timedelta(days=offset)
    with world.app.app_context():
        start_program(db.session.get(User, user_id), {"affected_leg": "right", "start_date": start,
                                                      "length_days": 10}, utc(2027, 4, 30))
        db.session.commit()
    world.reminder(user_id, utc(2027, 4, 30), time="08:00", message="Strap by the bed")
    world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    (push,) = receiver.for_device(phone)
    assert push.payload["notification"]["body"] == "Strap by the bed"



def test_jwt_is_signed_once_per_origin_and_reused(world, receiver, papp):
    people = [world.person() for _ in range(3)]
    for user_id, _devices in people:
        world.reminder(user_id, utc(2027, 5, 1, 0))
    world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    tokens = {r.headers["authorization"] for r in receiver.received}
    assert len(receiver.received) == 3 and len(tokens) == 1
    with papp.app_context():
        assert service.sender().jwt.signed == 1


def test_several_devices_and_410_prunes_while_the_other_still_gets_it(world, receiver):
    user_id, (old, phone) = world.person(devices=((410,), (201,)))
    rid = world.reminder(user_id, utc(2027, 5, 1, 0))
    report = world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    assert report.counts == {"sent": 1}
    assert len(receiver.for_device(old)) == 1 and len(receiver.for_device(phone)) == 1
    assert world.devices_of(user_id) == 1  # the gone one was deleted
    (delivery,) = world.deliveries(rid)
    assert sorted(o["outcome"] for o in delivery.outcomes) == ["gone", "sent"]


@pytest.mark.parametrize("answers, outcome, attempts, status", [
    ([(429, {"Retry-After": "0"}), 201], "sent", 2, "sent"),
    ([503, 502, 201], "sent", 3, "sent"),
    ([503], "failed", 3, "failed"),                               # bounded: given up after 3
    ([(429, {"Retry-After": "1"})], "failed", 3, "failed"),
    ([(429, {"Retry-After": "3600"})], "failed", 1, "failed"),    # too long to wait: given up
    ([400], "rejected", 1, "failed"), ([401], "rejected", 1, "failed"),
    ([403], "rejected", 1, "failed"), ([413], "rejected", 1, "failed"),
    ([404], "gone", 1, "failed"),
])
def test_retries_and_give_ups(world, receiver, answers, outcome, attempts, status):
    user_id, (phone,) = world.person(devices=(tuple(answers),))
    rid = world.reminder(user_id, utc(2027, 5, 1, 0))
    world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    assert len(receiver.for_device(phone)) == attempts
    (delivery,) = world.deliveries(rid)
    assert delivery.status == status
    assert delivery.outcomes[0]["outcome"] == outcome and delivery.outcomes[0]["attempts"] == attempts
    assert world.devices_of(user_id) == (0 if outcome == "gone" else 1)


def test_a_stalled_push_service_delays_nobody_beyond_its_timeout(make_app, receiver):
    world = World(make_app(**{**SETTINGS, "PUSH_TIMEOUT": 1.0}), receiver)
    user_id, (stalled, phone) = world.person(devices=(("hang",), (201,)))
    others = [world.person() for _ in range(3)]
    rid = world.reminder(user_id, utc(2027, 5, 1, 0))
    for other_id, _ in others:
        world.reminder(other_id, utc(2027, 5, 1, 0))
    started = time.monotonic()
    report = world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    took = time.monotonic() - started
    assert took < 1.0 + 2.5, f"dispatch took {took:.1f}s with a 1 s push timeout"
    assert report.counts == {"sent": 4}
    (delivery,) = world.deliveries(rid)
    assert sorted(o["outcome"] for o in delivery.outcomes) == ["sent", "timeout"]
    assert all(len(receiver.for_device(d)) == 1 for _, (d,) in others)


# --- the push service's answer cannot widen the allow-list (audit #20, finding 9) ------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_audit_9_a_redirect_is_a_failed_delivery_and_never_followed(world, receiver, status):
    elsewhere = Device()
    # "localhost" is not in PUSH_ENDPOINT_HOSTS: following would post past the allow-list.
    target = receiver.add(elsewhere).replace("127.0.0.1", "localhost")
    user_id, (phone,) = world.person(devices=(((status, {"Location": target}),),))
    rid = world.reminder(user_id, utc(2027, 5, 1, 0))
    report = world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    assert [r.device for r in receiver.received] == [phone.name]
    assert report.counts == {"failed": 1}
    (delivery,) = world.deliveries(rid)
    assert (delivery.status, delivery.reason) == ("failed", "redirect")
    assert delivery.outcomes == [{"subscription_id": delivery.outcomes[0]["subscription_id"],
                                  "host": "127.0.0.1", "outcome": "failed", "status": status,
                                  "attempts": 1, "reason": "redirect"}]
    assert world.devices_of(user_id) == 1


@pytest.mark.parametrize("status, outcome, delivered", [
    (201, "sent", "sent"), (400, "rejected", "failed"), (503, "failed", "failed"),
])
def test_audit_9_an_endless_answer_is_cut_off(world, receiver, status, outcome, delivered):
    user_id, (phone,) = world.person(devices=((("stream", status),),))
    rid = world.reminder(user_id, utc(2027, 5, 1, 0))
    started = time.monotonic()
    world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    took = time.monotonic() - started
    assert took < SETTINGS["PUSH_TIMEOUT"], f"dispatch took {took:.1f}s"
    (delivery,) = world.deliveries(rid)
    assert delivery.status == delivered and delivery.outcomes[0]["outcome"] == outcome
    # The sender hung up after its cap; the socket buffers hold a few MB at most.
    assert receiver.streamed(phone) < STREAM_MAX


@pytest.mark.parametrize("hosts", ["", "localhost", "127.0.0.2"])
def test_audit_9_a_stored_endpoint_the_allow_list_now_refuses_is_not_sent_to(
        world, receiver, make_app, hosts):
    user_id, (phone,) = world.person()
    rid = world.reminder(user_id, utc(2027, 5, 1, 0))
    later = World(make_app(**{**SETTINGS, "PUSH_ENDPOINT_HOSTS": hosts}), receiver)
    report = later.dispatch(utc(2027, 5, 1, 6, 0, 5))
    assert receiver.received == []
    assert report.counts == {"failed": 1}
    (delivery,) = world.deliveries(rid)
    assert (delivery.status, delivery.reason) == ("failed", "endpoint_not_allowed")
    assert delivery.outcomes[0]["outcome"] == "rejected" and delivery.outcomes[0]["attempts"] == 0
    assert world.devices_of(user_id) == 1  # kept: the setting may come back


# --- skip rules -------------------------------------------------------------------------------


def _log_session(app, user_id: int, at: dt.datetime, **fields) -> None:  # noqa: ANN001
    from tracker.logbook import sessions as logbook

    with app.app_context():
        logbook.create_session(db.session.get(User, user_id), {
            "client_id": str(uuid.uuid4()), "performed_at": at,
            "entries": [{"stretch": "double-knee-to-chest"}], **fields}, at)
        db.session.commit()


def _flare_up(app, user_id: int, start: dt.date, days: int, now: dt.datetime) -> None:  # noqa: ANN001
    from tracker.flareups import service as flareups

    with app.app_context():
        flareups.start(db.session.get(User, user_id), {"start_date": start, "days": days}, now)
        db.session.commit()


def test_no_reminder_during_a_flare_up(world, receiver, papp):
    """Each day of the pause is recorded as skipped (flare_up); the day after, it is sent."""
    user_id, (phone,) = world.person("Europe/Berlin")
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00", skip_if_logged=False)
    _flare_up(papp, user_id, dt.date(2027, 5, 1), 2, utc(2027, 5, 1, 5))
    for day in (1, 2, 3):
        world.dispatch(utc(2027, 5, day, 6, 0, 5))
    assert [(d.occurrence_key, d.status, d.reason) for d in world.deliveries(rid)] == [
        ("2027-05-01", "skipped", "flare_up"), ("2027-05-02", "skipped", "flare_up"),
        ("2027-05-03", "sent", "")]
    assert len(receiver.for_device(phone)) == 1


def test_a_held_day_keeps_yesterdays_target_in_the_reminder(world, receiver, papp):
    user_id, (phone,) = world.person()
    with world.app.app_context():
        start_program(db.session.get(User, user_id), {"affected_leg": "left",
                      "start_date": dt.date(2027, 4, 28), "length_days": 10}, utc(2027, 4, 28))
        db.session.commit()
    # Day 4 (1 May): pain went from 3 to 6 during the session, a hold day.
    _log_session(papp, user_id, utc(2027, 5, 1, 17), pain_before=3, pain_after=6)
    world.reminder(user_id, utc(2027, 5, 1, 20), time="08:00", message="Strap by the bed")
    world.dispatch(utc(2027, 5, 2, 6, 0, 5))
    (push,) = receiver.for_device(phone)
    # Day 5 of an 11-day programme now, still at day 4's 37.5-52.5 (38-53 as read).
    assert push.payload["notification"]["body"] == "Day 5 of 11: aim for 38–53°. Strap by the bed"


@pytest.mark.parametrize("skip_if_logged, sent", [(True, 0), (False, 1)])
def test_skip_if_logged(world, receiver, papp, skip_if_logged, sent):
    user_id, (phone,) = world.person("Europe/Berlin")
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="20:00", skip_if_logged=skip_if_logged)
    _log_session(papp, user_id, utc(2027, 5, 1, 6))  # 08:00 Berlin, same local day
    world.dispatch(utc(2027, 5, 1, 18, 0, 5))
    assert len(receiver.for_device(phone)) == sent
    (delivery,) = world.deliveries(rid)
    assert (delivery.status, delivery.reason) == (("skipped", "logged") if skip_if_logged else ("sent", ""))


def test_a_session_on_another_local_day_does_not_skip(world, receiver, papp):
    user_id, (phone,) = world.person("America/New_York")
    world.reminder(user_id, utc(2027, 5, 1, 0), time="20:00")
    _log_session(papp, user_id, utc(2027, 5, 1, 2))  # 22:00 on 30 April in New York
    world.dispatch(utc(2027, 5, 2, 0, 0, 5))         # 20:00 on 1 May in New York
    assert len(receiver.for_device(phone)) == 1


def test_stale_after_downtime_is_skipped_not_sent_in_a_burst(world, receiver):
    user_id, (phone,) = world.person("UTC")
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00")
    # The dispatcher was down from before 1 May 08:00 until 3 May 09:00.
    report = world.dispatch(utc(2027, 5, 3, 9, 0))
    assert report.counts == {"skipped": 3}
    assert receiver.for_device(phone) == []
    assert [(d.occurrence_key, d.status, d.reason) for d in world.deliveries(rid)] == [
        ("2027-05-01", "skipped", "stale"), ("2027-05-02", "skipped", "stale"),
        ("2027-05-03", "skipped", "stale")]
    assert world.get(rid).next_fire_at == utc(2027, 5, 4, 8)


def test_late_within_the_grace_window_is_still_sent(world, receiver):
    user_id, (phone,) = world.person("UTC")
    world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00")
    world.dispatch(utc(2027, 5, 1, 8, 14))
    assert len(receiver.for_device(phone)) == 1


def test_no_device_is_recorded(world, receiver):
    user_id, _ = world.person(devices=())
    rid = world.reminder(user_id, utc(2027, 5, 1, 0))
    assert world.dispatch(utc(2027, 5, 1, 6, 0, 5)).counts == {"no_subscription": 1}
    assert world.deliveries(rid)[0].status == "no_subscription"


def test_switched_off_reminders_do_not_fire(world, receiver):
    user_id, (phone,) = world.person("UTC")
    world.reminder(user_id, utc(2027, 5, 1, 0), enabled=False)
    assert world.dispatch(utc(2027, 5, 1, 8, 0, 5)).claimed == 0
    assert receiver.for_device(phone) == []


# --- snooze -----------------------------------------------------------------------------------


def test_snooze_fires_once_with_its_own_key(world, receiver, papp):
    user_id, (phone,) = world.person("UTC")
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00")
    world.dispatch(utc(2027, 5, 1, 8, 0, 5))
    with papp.app_context():
        service.snooze(db.session.get(User, user_id), rid, 30, utc(2027, 5, 1, 8, 1, 10))
        db.session.commit()
    assert world.get(rid).snoozed_until == utc(2027, 5, 1, 8, 31)
    for minute in range(20, 40):
        world.dispatch(utc(2027, 5, 1, 8, minute, 5))
    assert len(receiver.for_device(phone)) == 2
    keys = [d.occurrence_key for d in world.deliveries(rid)]
    assert keys == ["2027-05-01", "snooze@2027-05-01T08:31Z"]
    assert world.get(rid).snoozed_until is None
    assert world.get(rid).next_fire_at == utc(2027, 5, 2, 8)


# --- several dispatchers at once ------------------------------------------------------------------


def test_parallel_dispatchers_in_threads_send_each_once(world, receiver, make_app):
    people = [world.person() for _ in range(12)]
    for user_id, _ in people:
        world.reminder(user_id, utc(2027, 5, 1, 0))
    apps = [make_app(**SETTINGS) for _ in range(4)]
    barrier = threading.Barrier(len(apps))
    errors: list[BaseException] = []

    def run(app):  # noqa: ANN001
        try:
            with app.app_context():
                barrier.wait()
                dispatch_due(utc(2027, 5, 1, 6, 0, 5))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with world.app.app_context():
        rows = db.session.scalars(select(ReminderDelivery)).all()
        assert sorted((d.status, [o["outcome"] for o in d.outcomes]) for d in rows) == \
            [("sent", ["sent"])] * len(people)
    assert sorted(r.device for r in receiver.received) == sorted(d.name for _, (d,) in people)
    assert all(r.problem is None for r in receiver.received)


def test_parallel_dispatch_processes_send_each_once(world, receiver, papp):
    people = [world.person() for _ in range(8)]
    for user_id, _ in people:
        world.reminder(user_id, utc(2027, 5, 1, 0))
    env = {**os.environ, "TRACKER_ENV": "testing", "TRACKER_SCHEDULER": "off",
           "TRACKER_DATABASE_URL": papp.config["SQLALCHEMY_DATABASE_URI"],
           "TRACKER_PUSH_ENDPOINT_HOSTS": "127.0.0.1",
           "TRACKER_VAPID_PRIVATE_KEY": service.vapid_keys(papp).private_key}
    command = [sys.executable, "-m", "flask", "--app", "tracker", "reminders", "dispatch",
               "--now", "2027-05-01T06:00:05Z"]
    procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert sorted(r.device for r in receiver.received) == sorted(d.name for _, (d,) in people)
    assert sum(int(out.split()[0]) for out, _err in outputs) == len(people)


# --- a claim whose sender died: the lease -------------------------------------------------------


class DiesMidSend:
    """A sender whose process dies after the claims are committed, before any push
    goes out (what kill -9 does between claim and send)."""

    def send(self, messages):  # noqa: ANN001, ANN201
        raise SystemExit("killed")


def _die_mid_send(world, at: dt.datetime) -> None:  # noqa: ANN001
    with world.app.app_context(), pytest.raises(SystemExit):
        dispatch_due(at, sender=DiesMidSend())


@pytest.mark.parametrize("later, status, reason, claims, pushes", [
    (utc(2027, 5, 1, 6, 5, 4), "pending", "", 1, 0),     # 4 min 59 s: the lease holds
    (utc(2027, 5, 1, 6, 5, 5), "sent", "", 2, 1),        # 5 min: claimed again and sent
    (utc(2027, 5, 1, 6, 14, 0), "sent", "", 2, 1),       # still inside the 15 min grace
    (utc(2027, 5, 1, 6, 16, 0), "skipped", "stale", 2, 0),  # too late to be useful
])
def test_a_claim_whose_sender_died_is_sent_once_its_lease_runs_out(
        world, receiver, later, status, reason, claims, pushes):
    user_id, (phone,) = world.person("Europe/Berlin")
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00")
    _die_mid_send(world, utc(2027, 5, 1, 6, 0, 5))
    (claimed,) = world.deliveries(rid)
    assert (claimed.status, claimed.claims, claimed.claimed_at) == (
        "pending", 1, utc(2027, 5, 1, 6, 0, 5))
    world.dispatch(later)
    (delivery,) = world.deliveries(rid)
    assert (delivery.status, delivery.reason, delivery.claims) == (status, reason, claims)
    assert len(receiver.for_device(phone)) == pushes
    if status != "pending":  # a settled claim is never claimed a third time
        world.dispatch(later + dt.timedelta(hours=1))
        assert world.deliveries(rid)[0].claims == claims


def test_a_reclaim_asks_the_skip_rules_again(world, receiver, papp):
    user_id, (phone,) = world.person("Europe/Berlin")
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00", skip_if_logged=True)
    _die_mid_send(world, utc(2027, 5, 1, 6, 0, 5))
    _log_session(papp, user_id, utc(2027, 5, 1, 6, 2))  # logged while the claim was stuck
    world.dispatch(utc(2027, 5, 1, 6, 6))
    (delivery,) = world.deliveries(rid)
    assert (delivery.status, delivery.reason, delivery.claims) == ("skipped", "logged", 2)
    assert receiver.for_device(phone) == []


def test_the_lease_is_a_setting(make_app, receiver):
    app = make_app(**SETTINGS, REMINDER_LEASE_SECONDS=60)
    world = World(app, receiver)
    user_id, (phone,) = world.person("UTC")
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00")
    _die_mid_send(world, utc(2027, 5, 1, 8, 0, 5))
    world.dispatch(utc(2027, 5, 1, 8, 1, 5))
    assert world.deliveries(rid)[0].status == "sent"
    assert len(receiver.for_device(phone)) == 1


def test_a_dispatcher_killed_mid_send_is_resent_with_the_same_topic_and_tag(world, receiver, papp):
    """A real process, killed with -9 while its push is in flight (the receiver holds
    the answer). The CLI's --now past the lease re-sends it: same Topic, same tag, one
    delivery row that counts two claims."""
    user_id, (phone,) = world.person("Europe/Berlin", devices=(("hang", 201),))
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00")
    env = {**os.environ, "TRACKER_ENV": "testing", "TRACKER_SCHEDULER": "off",
           "TRACKER_DATABASE_URL": papp.config["SQLALCHEMY_DATABASE_URI"],
           "TRACKER_PUSH_ENDPOINT_HOSTS": "127.0.0.1",
           "TRACKER_VAPID_PRIVATE_KEY": service.vapid_keys(papp).private_key}

    def dispatch(now: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "tracker", "reminders", "dispatch",
             "--now", now], cwd=ROOT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)

    first = dispatch("2027-05-01T06:00:05Z")
    deadline = time.monotonic() + 60
    while not receiver.for_device(phone):  # the push is in flight, its answer held
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)
    first.kill()  # SIGKILL
    first.wait(timeout=30)
    assert [(d.status, d.claims) for d in world.deliveries(rid)] == [("pending", 1)]

    early, _ = dispatch("2027-05-01T06:04:00Z").communicate(timeout=120)
    assert early.startswith("0 occurrence(s) claimed")
    out, err = dispatch("2027-05-01T06:05:10Z").communicate(timeout=120)
    assert "reclaimed 1" in out and "sent 1" in out, (out, err)

    lost, resent = receiver.for_device(phone)
    assert lost.problem is None and resent.problem is None
    assert resent.headers["topic"] == lost.headers["topic"]
    assert resent.payload["notification"]["tag"] == lost.payload["notification"]["tag"] \
        == f"reminder-{rid}@2027-05-01"
    # The same notification; only the snooze token is signed afresh.
    assert resent.payload["notification"]["body"] == lost.payload["notification"]["body"]
    (delivery,) = world.deliveries(rid)
    assert (delivery.status, delivery.claims, delivery.claimed_at) == (
        "sent", 2, utc(2027, 5, 1, 6, 5, 10))


# --- CLI --------------------------------------------------------------------------------------------


def test_cli_dispatch_at_a_given_instant(world, receiver, papp):
    user_id, (phone,) = world.person("Europe/Berlin")
    world.reminder(user_id, utc(2027, 3, 27, 12), time="02:30")
    runner = papp.test_cli_runner()
    result = runner.invoke(args=["reminders", "dispatch", "--now", "2027-03-28T01:30:00Z"])
    assert result.exit_code == 0, result.output
    assert "1 occurrence(s) claimed: sent 1" in result.output
    assert len(receiver.for_device(phone)) == 1


@pytest.mark.parametrize("value", ["tomorrow", "2027-03-28T01:30:00", "2027-13-01T00:00:00Z"])
def test_cli_dispatch_refuses_bad_instants(papp, value):
    result = papp.test_cli_runner().invoke(args=["reminders", "dispatch", "--now", value])
    assert result.exit_code == 2 and "--now" in result.output


def test_dispatch_called_inside_a_running_event_loop(world, receiver):
    """An async server or a browser driver may already run a loop in this thread."""
    import asyncio

    user_id, (phone,) = world.person()
    world.reminder(user_id, utc(2027, 5, 1, 0))

    async def inside():
        return world.dispatch(utc(2027, 5, 1, 6, 0, 5))

    reports = []
    # A thread of its own, so this test's loop is the only one there.
    runner = threading.Thread(target=lambda: reports.append(asyncio.run(inside())))
    runner.start()
    runner.join(timeout=30)
    assert reports[0].counts == {"sent": 1}
    assert len(receiver.for_device(phone)) == 1


# --- POST /push/test ----------------------------------------------------------------------------


def test_test_push_answers_each_devices_outcome(world, receiver, papp):
    user_id, (phone, old) = world.person(devices=((201,), (410,)))
    client = world.accounts.login(papp.test_client(), {"login_id": _login_id(papp, user_id),
                                                       "id": user_id})
    response = client.post("/api/v1/push/test")
    assert response.status_code == 200, response.get_data(as_text=True)
    outcomes = sorted((d["outcome"], d["status"]) for d in response.get_json()["devices"])
    assert outcomes == [("gone", 410), ("sent", 201)]
    (push,) = receiver.for_device(phone)
    assert push.problem is None and push.payload["reminder_id"] is None
    assert push.payload["notification"]["tag"] == "test"
    assert push.payload["notification"]["navigate"] == f"{PUBLIC_URL}/reminders"
    assert world.devices_of(user_id) == 1


def _login_id(app, user_id: int) -> str:  # noqa: ANN001
    with app.app_context():
        return db.session.get(User, user_id).get_id()


def test_devices_per_person_are_limited(make_app, receiver):
    app = make_app(**SETTINGS, PUSH_SUBSCRIPTIONS_MAX=2)
    client = Accounts(app).signed_in()
    for n in range(2):
        sub = Device().subscription(f"{receiver.origin}/limit-{n}")
        assert client.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    third = client.post("/api/v1/push/subscriptions", json=Device().subscription(f"{receiver.origin}/x"))
    assert third.status_code == 409 and "endpoint" in third.get_json()["fields"]


# --- reach: Today's warning follows a device the push service says is gone -----------------------


def test_todays_warning_appears_when_the_last_device_is_gone(world, receiver, papp):
    user_id, _ = world.person("UTC", devices=((410,),))
    world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00")
    client = world.accounts.login(papp.test_client(), {"login_id": _login_id(papp, user_id),
                                                       "id": user_id})
    assert 'id="unreachable"' not in client.get("/").get_data(as_text=True)  # cached now
    world.dispatch(utc(2027, 5, 1, 8, 0, 5))  # 410: the device is deleted
    assert world.devices_of(user_id) == 0
    page = client.get("/").get_data(as_text=True)
    assert 'id="unreachable"' in page and "Your 08:00 reminder can't reach you" in page


# --- quiet hours ----------------------------------------------------------------------------------


def _quiet(world, user_id: int, quiet, now: dt.datetime) -> None:  # noqa: ANN001
    with world.app.app_context():
        service.set_quiet_hours(db.session.get(User, user_id), quiet, now)
        db.session.commit()


@pytest.mark.parametrize("hhmm, fires_at, key", [
    ("06:30", utc(2027, 5, 1, 5), "2027-05-01"),    # held to 07:00 Berlin the same morning
    ("23:15", utc(2027, 5, 1, 5), "2027-04-30"),    # 30 April's, held to 07:00 on 1 May
    ("08:00", utc(2027, 5, 1, 6), "2027-05-01"),    # outside: on time
])
def test_quiet_hours_hold_a_reminder_to_their_end_once(world, receiver, hhmm, fires_at, key):
    user_id, (phone,) = world.person("Europe/Berlin")
    rid = world.reminder(user_id, utc(2027, 4, 30, 12), time=hhmm)
    _quiet(world, user_id, {"start": "22:00", "end": "07:00"}, utc(2027, 4, 30, 12))
    assert world.get(rid).next_fire_at == fires_at
    world.dispatch(fires_at - dt.timedelta(minutes=1))
    assert receiver.for_device(phone) == []  # nothing at the reminder's own time
    world.dispatch(fires_at + dt.timedelta(seconds=5))
    world.dispatch(fires_at + dt.timedelta(minutes=1))
    assert len(receiver.for_device(phone)) == 1
    assert [(d.occurrence_key, d.status) for d in world.deliveries(rid)] == [(key, "sent")]


def test_clearing_quiet_hours_puts_reminders_back_on_time(world, receiver):
    user_id, _ = world.person("Europe/Berlin")
    rid = world.reminder(user_id, utc(2027, 4, 30, 12), time="06:30")
    _quiet(world, user_id, {"start": "22:00", "end": "07:00"}, utc(2027, 4, 30, 12))
    _quiet(world, user_id, None, utc(2027, 4, 30, 12))
    assert world.get(rid).next_fire_at == utc(2027, 5, 1, 4, 30)


@pytest.mark.parametrize("created, hhmm, quiet, fires_at, key", [
    # Spring forward, Berlin, 28 March 2027: quiet until 02:30, which does not exist that
    # night: the 01:00 reminder comes after the gap, 03:30 CEST (01:30 UTC), once.
    (utc(2027, 3, 27, 12), "01:00", ("00:30", "02:30"), utc(2027, 3, 28, 1, 30), "2027-03-28"),
    # Fall back, Berlin, 31 October 2027: quiet until 02:30, which happens twice: the
    # 23:00 reminder of the 30th comes at the first 02:30 (00:30 UTC), once.
    (utc(2027, 10, 30, 12), "23:00", ("22:00", "02:30"), utc(2027, 10, 31, 0, 30), "2027-10-30"),
])
def test_quiet_hours_on_a_dst_night(world, receiver, created, hhmm, quiet, fires_at, key):
    user_id, (phone,) = world.person("Europe/Berlin")
    rid = world.reminder(user_id, created, time=hhmm)
    _quiet(world, user_id, {"start": quiet[0], "end": quiet[1]}, created)
    assert world.get(rid).next_fire_at == fires_at
    for minutes in (0, 30, 60, 90):  # a dispatcher every half hour through the night
        world.dispatch(fires_at + dt.timedelta(minutes=minutes, seconds=5))
    assert len(receiver.for_device(phone)) == 1
    assert [(d.occurrence_key, d.status) for d in world.deliveries(rid)] == [(key, "sent")]
