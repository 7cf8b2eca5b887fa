"""Next fire times of reminders across time zones and DST changes (tracker/domain/schedule.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain import schedule
from tracker.domain.schedule import Rule

UTC = dt.timezone.utc


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


EVERY_DAY = schedule.ALL_DAYS


@pytest.mark.parametrize("zone, hhmm, after, expected", [
    # Ordinary days: winter and summer offsets.
    ("Europe/Berlin", "07:30", utc(2027, 1, 10, 0, 0), utc(2027, 1, 10, 6, 30)),
    ("Europe/Berlin", "07:30", utc(2027, 7, 10, 0, 0), utc(2027, 7, 10, 5, 30)),
    ("Europe/Berlin", "07:30", utc(2027, 7, 10, 5, 30), utc(2027, 7, 11, 5, 30)),  # strictly after
    # Spring forward, Berlin, 28 March 2027: 02:30 does not exist -> 03:30 CEST = 01:30 UTC.
    ("Europe/Berlin", "02:30", utc(2027, 3, 27, 12, 0), utc(2027, 3, 28, 1, 30)),
    # Fall back, Berlin, 31 October 2027: 02:30 happens twice -> the first, 00:30 UTC.
    ("Europe/Berlin", "02:30", utc(2027, 10, 30, 12, 0), utc(2027, 10, 31, 0, 30)),
    # ...and not again at the second 02:30 (01:30 UTC): the next is the day after.
    ("Europe/Berlin", "02:30", utc(2027, 10, 31, 0, 30), utc(2027, 11, 1, 1, 30)),
    # New York, 14 March 2027: 02:30 does not exist -> 03:30 EDT = 07:30 UTC.
    ("America/New_York", "02:30", utc(2027, 3, 13, 12, 0), utc(2027, 3, 14, 7, 30)),
    # New York, 7 November 2027: 01:30 twice -> first (EDT), 05:30 UTC; then next day EST.
    ("America/New_York", "01:30", utc(2027, 11, 6, 12, 0), utc(2027, 11, 7, 5, 30)),
    ("America/New_York", "01:30", utc(2027, 11, 7, 5, 30), utc(2027, 11, 8, 6, 30)),
    # A time near midnight in a zone east of UTC falls on the previous UTC day.
    ("Pacific/Auckland", "06:00", utc(2027, 1, 1, 0, 0), utc(2027, 1, 1, 17, 0)),
    ("Asia/Kathmandu", "20:15", utc(2027, 1, 1, 0, 0), utc(2027, 1, 1, 14, 30)),
])
def test_next_fire_every_day(zone, hhmm, after, expected):
    assert schedule.next_fire(after, Rule.of(hhmm, EVERY_DAY, zone)) == expected


def test_weekdays_only_monday_is_zero():
    rule = Rule.of("08:00", [0], "Europe/Berlin")  # Mondays
    # Wednesday 6 Jan 2027 -> Monday 11 Jan 2027, 08:00 CET.
    got = schedule.next_fire(utc(2027, 1, 6, 12), rule)
    assert got == utc(2027, 1, 11, 7, 0)
    assert got.astimezone(dt.timezone(dt.timedelta(hours=1))).weekday() == 0


def test_no_weekdays_never_fires():
    assert schedule.next_fire(utc(2027, 1, 1), Rule.of("08:00", [], "UTC")) is None


def test_naive_instant_is_refused():
    with pytest.raises(ValueError):
        schedule.next_fire(dt.datetime(2027, 1, 1), Rule.of("08:00", EVERY_DAY, "UTC"))


@pytest.mark.parametrize("text", ["7:30", "24:00", "12:60", "", "12:3", "ab:cd", "12:30:00", " 12:30"])
def test_bad_times(text):
    with pytest.raises(ValueError):
        schedule.parse_time(text)


@pytest.mark.parametrize("text, parsed", [("00:00", (0, 0)), ("23:59", (23, 59)), ("07:05", (7, 5))])
def test_good_times(text, parsed):
    assert schedule.parse_time(text) == parsed


@pytest.mark.parametrize("zone, hhmm, fire_at, day", [
    ("Europe/Berlin", "02:30", utc(2027, 3, 28, 1, 30), dt.date(2027, 3, 28)),
    ("Europe/Berlin", "02:30", utc(2027, 10, 31, 0, 30), dt.date(2027, 10, 31)),
    ("Pacific/Auckland", "06:00", utc(2027, 1, 1, 17, 0), dt.date(2027, 1, 2)),
    ("America/New_York", "23:45", utc(2027, 1, 2, 4, 45), dt.date(2027, 1, 1)),
])
def test_occurrence_day_is_the_local_day(zone, hhmm, fire_at, day):
    assert schedule.occurrence_day(fire_at, Rule.of(hhmm, EVERY_DAY, zone)) == day


def test_keys_of_days_and_snoozes_differ():
    assert schedule.day_key(dt.date(2027, 3, 28)) == "2027-03-28"
    assert schedule.snooze_key(utc(2027, 3, 28, 8, 5, 31)) == "snooze@2027-03-28T08:05Z"


@pytest.mark.parametrize("age_minutes, stale", [(0, False), (14, False), (15, False), (16, True), (600, True)])
def test_stale_after_the_grace_window(age_minutes, stale):
    now = utc(2027, 5, 1, 12)
    fire_at = now - dt.timedelta(minutes=age_minutes)
    assert schedule.is_stale(fire_at, now, dt.timedelta(minutes=15)) is stale


def test_missed_walks_each_occurrence_after_downtime():
    rule = Rule.of("08:00", EVERY_DAY, "UTC")
    got = schedule.missed(utc(2027, 5, 1, 8), utc(2027, 5, 3, 9), rule)
    assert got == [utc(2027, 5, 1, 8), utc(2027, 5, 2, 8), utc(2027, 5, 3, 8)]


def test_missed_after_a_long_outage_walks_only_the_last_days():
    rule = Rule.of("08:00", EVERY_DAY, "UTC")
    got = schedule.missed(utc(2026, 1, 1, 8), utc(2027, 5, 3, 9), rule, days=3)
    assert got == [utc(2027, 5, 1, 8), utc(2027, 5, 2, 8), utc(2027, 5, 3, 8)]


def test_missed_before_the_fire_time_is_empty():
    rule = Rule.of("08:00", EVERY_DAY, "UTC")
    assert schedule.missed(utc(2027, 5, 1, 8), utc(2027, 5, 1, 7, 59), rule) == []


# --- the next reminder in a person's words, and past a flare-up ---------------------------------


@pytest.mark.parametrize("fire_at, now, zone, words", [
    (utc(2027, 5, 3, 16), utc(2027, 5, 3, 9), "Europe/Berlin", "today 18:00"),
    (utc(2027, 5, 4, 6), utc(2027, 5, 3, 21), "Europe/Berlin", "tomorrow 08:00"),
    # 23:30 UTC on 3 May is already 4 May in Berlin: "tomorrow" is the person's day.
    (utc(2027, 5, 5, 6), utc(2027, 5, 3, 23, 30), "Europe/Berlin", "tomorrow 08:00"),
    (utc(2027, 5, 10, 5, 30), utc(2027, 5, 5, 9), "Europe/Berlin", "Mon 07:30"),
    (utc(2027, 5, 12, 5, 30), utc(2027, 5, 5, 9), "Europe/Berlin",
     "Wed 12 May 07:30" if dt.date.today().year == 2027 else "Wed 12 May 2027 07:30"),
    (utc(2027, 3, 28, 1, 30), utc(2027, 3, 27, 12), "Europe/Berlin", "tomorrow 03:30"),  # DST gap
    (utc(2027, 5, 4, 0, 30), utc(2027, 5, 3, 20), "America/New_York", "today 20:30"),
])
def test_when_words(fire_at, now, zone, words):
    assert schedule.when_words(fire_at, now, zone) == words


@pytest.mark.parametrize("weekdays, paused, expected", [
    (EVERY_DAY, set(), utc(2027, 5, 3, 6)),
    (EVERY_DAY, {dt.date(2027, 5, 3), dt.date(2027, 5, 4)}, utc(2027, 5, 5, 6)),
    ((0,), {dt.date(2027, 5, 3)}, utc(2027, 5, 10, 6)),           # Mondays only: a week on
    (EVERY_DAY, {dt.date(2027, 5, 2)}, utc(2027, 5, 3, 6)),        # a pause already over
])
def test_next_outside_a_flare_up(weekdays, paused, expected):
    rule = Rule.of("08:00", list(weekdays), "Europe/Berlin")
    assert schedule.next_outside(utc(2027, 5, 3, 6), rule, paused) == expected


def test_next_outside_gives_up_a_year_ahead_and_passes_none():
    rule = Rule.of("08:00", list(EVERY_DAY), "UTC")
    every_day = {dt.date(2027, 5, 3) + dt.timedelta(days=n) for n in range(400)}
    assert schedule.next_outside(utc(2027, 5, 3, 8), rule, every_day) is None
    assert schedule.next_outside(None, rule, set()) is None


# --- quiet hours: held to their end, once, with the day's own key -------------------------------

NIGHT = schedule.Quiet.of("22:00", "07:00")


@pytest.mark.parametrize("hhmm, quiet, day, fire_at", [
    ("08:00", NIGHT, dt.date(2027, 5, 3), utc(2027, 5, 3, 6)),        # outside: unchanged
    ("06:30", NIGHT, dt.date(2027, 5, 3), utc(2027, 5, 3, 5)),        # early: held to 07:00
    ("23:15", NIGHT, dt.date(2027, 5, 3), utc(2027, 5, 4, 5)),        # late: 07:00 next morning
    ("22:00", NIGHT, dt.date(2027, 5, 3), utc(2027, 5, 4, 5)),        # the start is quiet
    ("07:00", NIGHT, dt.date(2027, 5, 3), utc(2027, 5, 3, 5)),        # the end is not
    ("13:30", schedule.Quiet.of("13:00", "14:30"), dt.date(2027, 5, 3), utc(2027, 5, 3, 12, 30)),
    # Spring forward in Berlin (28 March 2027): the end 02:30 does not exist -> 03:30 CEST.
    ("01:00", schedule.Quiet.of("00:30", "02:30"), dt.date(2027, 3, 28), utc(2027, 3, 28, 1, 30)),
])
def test_quiet_hours_hold_a_reminder_to_their_end(hhmm, quiet, day, fire_at):
    rule = Rule.of(hhmm, EVERY_DAY, "Europe/Berlin", quiet)
    assert schedule.occurrence_on(day, rule) == fire_at
    assert schedule.occurrence_day(fire_at, rule) == day  # the day's own key: sent once


def test_a_held_reminder_fires_once_per_day():
    rule = Rule.of("23:15", EVERY_DAY, "Europe/Berlin", NIGHT)
    fired, at = [], utc(2027, 5, 3, 0)
    for _ in range(3):
        at = schedule.next_fire(at, rule)
        fired.append((at, schedule.occurrence_day(at, rule)))
    # 3 May's 23:15 was held to 07:00 on 4 May (05:00 UTC), and so on: one a day.
    assert fired == [(utc(2027, 5, 3, 5), dt.date(2027, 5, 2)), (utc(2027, 5, 4, 5), dt.date(2027, 5, 3)),
                     (utc(2027, 5, 5, 5), dt.date(2027, 5, 4))]


@pytest.mark.parametrize("start, end", [("22:00", "22:00"), ("25:00", "07:00"), ("22:00", "7")])
def test_bad_quiet_hours(start, end):
    with pytest.raises(ValueError):
        schedule.Quiet.of(start, end)
