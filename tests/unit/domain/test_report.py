"""The report's arithmetic: period bounds, pain per day, best leg raise, relief."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain import report

D = dt.date(2027, 3, 10)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


@pytest.mark.parametrize("days, first", [(7, day(-6)), (30, day(-29)), (365, day(-364))])
def test_period_ends_today(days, first):
    assert report.period(D, days) == (first, D)


@pytest.mark.parametrize("days", [0, 6, 366, -1])
def test_period_refuses_out_of_range(days):
    with pytest.raises(ValueError):
        report.period(D, days)


def test_each_day_is_inclusive():
    assert report.each_day(day(0), day(2)) == [day(0), day(1), day(2)]
    assert report.each_day(day(0), day(0)) == [day(0)]


def test_best_angles_per_leg_per_day():
    rows = report.best_angles([(day(0), "left", 40.0), (day(0), "left", 45.5),
                               (day(0), "right", 70.0), (day(1), "both", 80.0),
                               (day(1), "right", None), (day(2), "right", 72.0)])
    assert rows == [report.DayAngles(day(0), 45.5, 70.0), report.DayAngles(day(2), None, 72.0)]


def test_relief_by_stretch_counts_each_session_once_and_skips_missing_scores():
    rows = report.relief_by_stretch([
        (["a", "b", "b"], 6, 3),   # b twice (both legs): one session
        (["a"], 5, 5),
        (["b"], 4, None),          # no after-score: left out
        (["c"], 3, 4),             # worse afterwards: negative relief
    ])
    assert rows == [report.Relief("b", 3.0, 1), report.Relief("a", 1.5, 2),
                    report.Relief("c", -1.0, 1)]
