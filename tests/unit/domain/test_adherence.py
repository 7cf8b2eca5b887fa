"""Streaks (tracker.domain.adherence): consecutive logged days, where today without a
log yet does not break the streak."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain.adherence import current_streak, longest_streak, may_reach_past

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


@pytest.mark.parametrize(("streak", "window_days", "reaches"), [
    (0, 64, False),     # nothing logged: nothing to extend
    (10, 64, False),    # ends well inside the window
    (63, 64, False),    # today back to window start + 1: the start itself was missed
    (64, 64, True),     # reaches the window's first day: may go on before it
    (65, 64, True),
])
def test_may_reach_past_the_window(streak, window_days, reaches):
    assert may_reach_past(streak, TODAY, TODAY - dt.timedelta(days=window_days)) is reaches
