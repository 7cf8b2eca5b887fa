"""Flare-up rules (tracker.domain.flareups): a span of days, when one may start, what
"I'm better" leaves of it, and the paused days."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain import flareups as f

TODAY = dt.date(2027, 3, 10)


def d(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.mark.parametrize(("days", "end"), [(1, d(0)), (3, d(2)), (14, d(13))])
def test_a_span_covers_its_days(days, end):
    s = f.span(TODAY, days)
    assert (s.end, s.days, len(s.dates())) == (end, days, days)
    assert s.covers(TODAY) and s.covers(end) and not s.covers(end + dt.timedelta(days=1))


@pytest.mark.parametrize(("start", "problem"), [
    (d(0), None), (d(-14), None),
    (d(-15), "Choose a start within the last 14 days."),
    (d(1), "A flare-up starts today or on a day that has been."),
])
def test_when_a_flare_up_may_start(start, problem):
    assert f.start_problem(start, TODAY) == problem


@pytest.mark.parametrize(("start", "days", "ended_on", "end"), [
    (d(-3), 7, d(0), d(-1)),   # ended today: up to yesterday, today counts again
    (d(0), 3, d(0), d(0)),     # ended on its first day: that day stays its one day
    (d(-1), 5, d(0), d(-1)),
    (d(-5), 3, d(0), d(-3)),   # already over: unchanged
])
def test_im_better_ends_it_the_day_before(start, days, ended_on, end):
    assert f.ended_early(f.span(start, days), ended_on).end == end


@pytest.mark.parametrize(("start", "days", "ended", "runs", "left"), [
    (d(0), 3, False, True, 3), (d(-2), 3, False, True, 1), (d(-3), 3, False, False, 0),
    (d(0), 3, True, False, 3),
])
def test_running_and_days_left(start, days, ended, runs, left):
    s = f.span(start, days)
    assert f.running(s, TODAY, ended) is runs and s.days_left(TODAY) == left


@pytest.mark.parametrize(("a", "b", "overlap"), [
    ((d(0), 3), (d(2), 2), True), ((d(0), 3), (d(3), 2), False), ((d(2), 1), (d(0), 5), True),
])
def test_overlaps(a, b, overlap):
    assert f.span(*a).overlaps(f.span(*b)) is overlap


def test_paused_dates_are_every_day_of_every_span():
    assert f.paused_dates([f.span(d(0), 2), f.span(d(5), 1)]) == {d(0), d(1), d(5)}
