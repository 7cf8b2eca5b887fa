"""Adherence (tracker.domain.adherence): consecutive logged days, where today without
a log yet does not break the streak, and the calendar of a range."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain.adherence import calendar, current_streak, longest_streak, streak_back
from tracker.domain.clock import local_date

TODAY = dt.date(2027, 3, 10)


def days_ago(*offsets: int) -> list[dt.date]:
    return [TODAY - dt.timedelta(days=n) for n in offsets]


@pytest.mark.parametrize(("logged", "expected"), [
    ([], 0),
    (days_ago(0), 1),
    (days_ago(0, 1, 2), 3),
    (days_ago(1, 2, 3), 3),        # today not logged yet: the streak still stands
    (days_ago(2, 3, 4), 0),        # yesterday missed: broken
    (days_ago(0, 2, 3), 1),        # a gap stops the count
    (days_ago(0, 0, 1, 1), 2),     # several sessions a day count once
    (days_ago(-1, 0, 1), 2),       # a day in the future is not counted
    (days_ago(*range(30)), 30),
    (days_ago(*range(1, 366)), 365),
])
def test_current_streak(logged, expected):
    assert current_streak(logged, TODAY) == expected


@pytest.mark.parametrize("order", [list, lambda d: list(reversed(d)), set, iter])
def test_current_streak_takes_any_iterable_in_any_order(order):
    assert current_streak(order(days_ago(0, 1, 2, 5)), TODAY) == 3


@pytest.mark.parametrize(("today", "logged", "expected"), [
    # across a month end, a year end and a leap day
    (dt.date(2027, 3, 1), [dt.date(2027, 2, 27), dt.date(2027, 2, 28), dt.date(2027, 3, 1)], 3),
    (dt.date(2028, 3, 1), [dt.date(2028, 2, 28), dt.date(2028, 2, 29)], 2),
    (dt.date(2028, 3, 1), [dt.date(2028, 2, 28)], 0),
    (dt.date(2027, 1, 1), [dt.date(2026, 12, 31), dt.date(2027, 1, 1)], 2),
])
def test_current_streak_over_calendar_edges(today, logged, expected):
    assert current_streak(logged, today) == expected


@pytest.mark.parametrize(("logged", "expected"), [
    ([], 0),
    (days_ago(5), 1),
    (days_ago(0, 1, 2), 3),
    (days_ago(0, 1, 5, 6, 7, 8), 4),
    (days_ago(8, 7, 6, 5, 1, 0), 4),            # order does not matter
    (days_ago(0, 0, 0), 1),                     # duplicates count once
    (days_ago(0, 2, 4, 6), 1),
    (days_ago(*range(10), *range(20, 23)), 10),
])
def test_longest_streak(logged, expected):
    assert longest_streak(logged) == expected


def test_longest_streak_is_never_shorter_than_current():
    logged = days_ago(0, 1, 2, 10, 11)
    assert longest_streak(logged) >= current_streak(logged, TODAY)


@pytest.mark.parametrize(("logged", "stops_at"), [
    ([], 1),                # nothing logged: stops at yesterday (today may still come)
    (days_ago(0), 1),
    (days_ago(0, 1, 2), 3),
    (days_ago(1, 2), 3),    # today not logged: counted from yesterday
])
def test_streak_back_says_where_the_count_stopped(logged, stops_at):
    """The caller widens its window while the count stops before the window's start."""
    assert streak_back(logged, TODAY)[1] == TODAY - dt.timedelta(days=stops_at)


@pytest.mark.parametrize(("logged", "paused", "expected"), [
    # logged, paused three days, logged again: the streak goes on over the pause
    (days_ago(0, 4, 5), days_ago(1, 2, 3), 3),
    (days_ago(4, 5), days_ago(0, 1, 2, 3), 2),     # paused today: the streak stands
    (days_ago(0, 1, 2, 3), days_ago(1, 2), 2),     # a logged day in a pause does not count
    (days_ago(0, 5), days_ago(2, 3), 1),           # a missed day outside the pause breaks it
    (days_ago(4), days_ago(1, 2, 3), 1),           # today not logged yet, then the pause
    ([], days_ago(0, 1, 2), 0),
])
def test_a_pause_neither_breaks_nor_grows_the_streak(logged, paused, expected):
    assert current_streak(logged, TODAY, frozenset(paused)) == expected


def test_streak_back_stops_past_a_pause():
    assert streak_back(days_ago(0, 4), TODAY, frozenset(days_ago(1, 2, 3))) == (
        2, TODAY - dt.timedelta(days=5))


@pytest.mark.parametrize(("logged", "paused", "expected"), [
    (days_ago(0, 4, 5), days_ago(1, 2, 3), 3),
    (days_ago(0, 4, 5), days_ago(1, 2), 2),        # day 3 was neither: two runs of 1 and 2
    (days_ago(0, 1, 2, 3), days_ago(1, 2), 2),
    (days_ago(*range(10)), days_ago(30), 10),
])
def test_longest_streak_steps_over_pauses(logged, paused, expected):
    assert longest_streak(logged, frozenset(paused)) == expected


@pytest.mark.parametrize(("logged", "expected"), [
    # across month ends, a year end and a leap day
    ([dt.date(2027, 1, 30), dt.date(2027, 1, 31), dt.date(2027, 2, 1), dt.date(2027, 2, 2)], 4),
    ([dt.date(2028, 2, 28), dt.date(2028, 2, 29), dt.date(2028, 3, 1)], 3),
    ([dt.date(2027, 2, 28), dt.date(2027, 3, 1), dt.date(2027, 3, 3)], 2),
    ([dt.date(2026, 12, 30), dt.date(2026, 12, 31), dt.date(2027, 1, 1)], 3),
])
def test_longest_streak_over_calendar_edges(logged, expected):
    assert longest_streak(logged) == expected


UTC = dt.timezone.utc


@pytest.mark.parametrize(("zone", "instants", "today", "streak"), [
    # Berlin springs forward on 28 March 2027 (a 23-hour day): sessions late each
    # evening, local time, are still one a day.
    ("Europe/Berlin", [dt.datetime(2027, 3, 26, 22, 30, tzinfo=UTC),   # 23:30 CET, 26th
                       dt.datetime(2027, 3, 27, 22, 30, tzinfo=UTC),   # 23:30 CET, 27th
                       dt.datetime(2027, 3, 28, 21, 30, tzinfo=UTC),   # 23:30 CEST, 28th
                       dt.datetime(2027, 3, 29, 21, 30, tzinfo=UTC)],  # 23:30 CEST, 29th
     dt.date(2027, 3, 29), 4),
    # ... and falls back on 31 October 2027 (a 25-hour day): 00:30 local each night.
    ("Europe/Berlin", [dt.datetime(2027, 10, 29, 22, 30, tzinfo=UTC),  # 00:30 CEST, 30th
                       dt.datetime(2027, 10, 30, 22, 30, tzinfo=UTC),  # 00:30 CEST, 31st
                       dt.datetime(2027, 10, 31, 23, 30, tzinfo=UTC)],  # 00:30 CET, 1 Nov
     dt.date(2027, 11, 1), 3),
    # US spring-forward (14 March 2027), 00:15 local after the change.
    ("America/New_York", [dt.datetime(2027, 3, 13, 5, 15, tzinfo=UTC),   # 00:15 EST, 13th
                          dt.datetime(2027, 3, 14, 5, 15, tzinfo=UTC),   # 00:15 EST, 14th
                          dt.datetime(2027, 3, 15, 4, 15, tzinfo=UTC)],  # 00:15 EDT, 15th
     dt.date(2027, 3, 15), 3),
    # The same UTC instants seen from another zone fall on other days: a gap.
    ("Asia/Tokyo", [dt.datetime(2027, 3, 26, 14, 30, tzinfo=UTC),   # 23:30, 26th
                    dt.datetime(2027, 3, 27, 15, 30, tzinfo=UTC)],  # 00:30, 28th
     dt.date(2027, 3, 28), 1),
])
def test_streaks_across_dst_changes_in_the_persons_zone(zone, instants, today, streak):
    days = [local_date(instant, zone) for instant in instants]
    assert current_streak(days, today) == streak
    assert longest_streak(days) == streak


def test_calendar_marks_each_day_of_the_range():
    start, end = dt.date(2027, 2, 26), dt.date(2027, 3, 2)
    logged = [dt.date(2027, 2, 27), dt.date(2027, 3, 1), dt.date(2027, 3, 9)]
    assert calendar(logged, start, end) == [
        (dt.date(2027, 2, 26), False), (dt.date(2027, 2, 27), True), (dt.date(2027, 2, 28), False),
        (dt.date(2027, 3, 1), True), (dt.date(2027, 3, 2), False)]


@pytest.mark.parametrize(("start", "end", "length"), [
    (dt.date(2027, 1, 1), dt.date(2027, 12, 31), 365),
    (dt.date(2028, 1, 1), dt.date(2028, 12, 31), 366),
    (dt.date(2027, 1, 1), dt.date(2027, 1, 1), 1),
    (dt.date(2027, 1, 2), dt.date(2027, 1, 1), 0),
])
def test_calendar_length(start, end, length):
    assert len(calendar([], start, end)) == length
