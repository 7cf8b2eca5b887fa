"""Pain trends (tracker.domain.pain): merging the database's per-day sums, the 7-day
rolling mean, baseline, current, change and whether it is meaningful; relief."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain import pain

TODAY = dt.date(2027, 3, 31)


def d(offset: int) -> dt.date:
    return TODAY - dt.timedelta(days=offset)


def stats(*pairs: tuple[int, float]) -> list[pain.DayStats]:
    """DayStats from (days ago, mean) pairs, one score each."""
    return [pain.DayStats(d(o), m, int(m), int(m), 1) for o, m in pairs]


def test_daily_stats_merge_checkins_and_sessions_by_day():
    merged = pain.daily_stats([
        pain.DaySums(d(1), total=12, low=5, high=7, count=2),   # check-ins 5, 7
        pain.DaySums(d(1), total=3, low=3, high=3, count=1),    # a session's pain_before 3
        pain.DaySums(d(0), total=4, low=4, high=4, count=1),
        pain.DaySums(d(2), total=0, low=0, high=0, count=0),    # nothing: dropped
    ])
    assert merged == [pain.DayStats(d(1), 5.0, 3, 7, 3), pain.DayStats(d(0), 4.0, 4, 4, 1)]


def test_daily_mean_is_rounded():
    (day,) = pain.daily_stats([pain.DaySums(d(0), 10, 3, 4, 3)])
    assert day.mean == 3.33


@pytest.mark.parametrize(("days", "expected"), [
    ([], []),
    ([(0, 4)], [(0, 4)]),
    ([(2, 6), (1, 4), (0, 2)], [(2, 6), (1, 5), (0, 4)]),
    # a gap: days without data are skipped, not counted as zero
    ([(10, 8), (3, 2)], [(10, 8), (3, 2)]),
    # the window is 7 calendar days: day 7 ago falls out on day 0
    ([(7, 9), (6, 3), (0, 5)], [(7, 9), (6, 6), (0, 4)]),
    ([(o, 7) for o in range(20, -1, -1)], [(o, 7) for o in range(20, -1, -1)]),
])
def test_rolling_mean(days, expected):
    result = pain.rolling_mean(stats(*days))
    assert result == [(d(o), v) for o, v in expected]


@pytest.mark.parametrize(("days", "expected"), [
    ([], None),
    ([(20, 6)], None),
    ([(20, 6), (19, 7)], None),              # fewer than 3 logged days
    ([(20, 6), (19, 7), (15, 8)], 7.0),      # logged days, not calendar days
    ([(15, 8), (20, 6), (19, 7), (1, 0)], 7.0),  # order does not matter; later days ignored
    ([(20, 6), (19, 6), (18, 7)], 6.33),
])
def test_baseline(days, expected):
    assert pain.baseline(stats(*days)) == expected


@pytest.mark.parametrize(("days", "expected"), [
    ([], None),
    ([(7, 9)], None),              # 7 days ago is outside the last 7 days
    ([(6, 4), (0, 2)], 3.0),
    ([(6, 4), (3, 5), (0, 6), (10, 9)], 5.0),
])
def test_current(days, expected):
    assert pain.current(stats(*days), TODAY) == expected


@pytest.mark.parametrize(("baseline", "current", "expected"), [
    (6, 5, False),      # a drop of 1 point (17%)
    (6, 4, True),       # 2 points
    (6, 4.2, True),     # 1.8 points = exactly 30%
    (6, 4.3, False),    # 1.7 points, 28%
    (3, 2.1, True),     # 0.9 points = 30% of a low baseline
    (3, 2.2, False),
    (8, 6.1, False),    # 1.9 points, 24%
    (4, 6, False),      # a rise is never meaningful
    (5, 5, False),
    (0, 0, False),
    (None, 3, False),   # too little data
    (6, None, False),
])
def test_meaningful(baseline, current, expected):
    assert pain.meaningful(baseline, current) is expected


def test_trend_of_a_falling_month():
    first = stats((29, 7), (28, 6), (27, 6.5))
    recent = stats((6, 4), (5, 3.5), (3, 3), (0, 3.5))
    t = pain.trend(first, recent, TODAY)
    assert (t.baseline, t.current, t.change, t.change_pct, t.meaningful) == (6.5, 3.5, -3.0, -46.2, True)
    # figures with at most one decimal, a whole one without (as German writes "3,5" / "3")
    assert pain.trend_sentence(t) == \
        "Pain this week 3.5, down 3 from 6.5 at the start: a meaningful drop."


def test_trend_rise_is_reported_but_not_meaningful():
    t = pain.trend(stats((29, 3), (28, 3), (27, 3)), stats((1, 5)), TODAY)
    assert (t.change, t.change_pct, t.meaningful) == (2.0, 66.7, False)
    assert "up 2 from 3 at the start" in pain.trend_sentence(t)


def test_small_drop_is_named_as_not_yet_meaningful():
    t = pain.trend(stats((29, 6), (28, 6), (27, 6)), stats((1, 5)), TODAY)
    assert t.change == -1.0 and not t.meaningful
    assert "not yet a meaningful drop" in pain.trend_sentence(t)


@pytest.mark.parametrize("first, recent", [
    ([], []),
    ([(2, 6), (1, 6)], [(2, 6), (1, 6)]),              # fewer than 3 days
    ([(5, 8), (4, 8), (3, 8)], [(1, 2)]),              # the baseline days are in this week
    ([(20, 8), (19, 8), (18, 8)], []),                 # nothing this week
])
def test_too_little_data_means_no_change(first, recent):
    t = pain.trend(stats(*first), stats(*recent), TODAY)
    assert (t.change, t.change_pct, t.meaningful) == (None, None, False)
    assert pain.trend_sentence(t)


@pytest.mark.parametrize(("rows", "expected"), [
    ([], []),
    ([("a", 2.0, 2)], []),                                 # too few sessions
    ([("a", 2.0, 3)], [pain.Relief("a", 2.0, 3)]),
    ([("a", 1.0, 5), ("b", 2.5, 3), ("c", 9, 1)],
     [pain.Relief("b", 2.5, 3), pain.Relief("a", 1.0, 5)]),  # biggest relief first
    ([("a", -1.0, 4)], [pain.Relief("a", -1.0, 4)]),       # pain rising is shown too
])
def test_relief_needs_three_sessions(rows, expected):
    assert pain.relief(rows) == expected


@pytest.mark.parametrize(("rows", "expected"), [
    ([], False),
    ([("a", 2.0, 9)], False),                              # one stretch: nothing to compare
    ([("a", 1.0, 28), ("b", 1.0, 28), ("c", 1.0, 28)], False),  # the same sessions
    ([("a", 1.4, 5), ("b", 0.5, 5)], False),               # 0.9 points apart
    ([("a", 1.5, 5), ("b", 0.5, 5)], True),                # 1 point apart
    ([("a", 0.3, 5), ("b", -0.7, 4)], True),               # pain rising counts too
    ([("a", 3.0, 5), ("b", 0.5, 2)], False),               # b has too few sessions
    ([("a", 1.1, 3), ("b", 1.0, 3), ("c", 2.1, 3)], True),  # the spread of all of them
])
def test_relief_differs(rows, expected):
    items = [pain.Relief(slug, mean, n) for slug, mean, n in rows]
    assert pain.relief_differs(items) is expected


def test_relief_differs_at_exactly_the_spread_whatever_floats_say():
    # 0.3 - (-0.7) is 0.9999999999999999 in binary floats
    assert pain.relief_differs([pain.Relief("a", 0.3, 3), pain.Relief("b", -0.7, 3)])


def test_trend_sentence_keeps_its_message_for_other_languages():
    t = pain.trend(stats((29, 7), (28, 6), (27, 6.5)), stats((6, 4), (5, 3.5)), TODAY)
    said = pain.trend_sentence(t)
    assert said.msgid.startswith("Pain this week %(current)s, down %(change)s")
    assert said.params == {"current": 3.8, "change": 2.8, "baseline": 6.5}
    waiting = pain.trend_sentence(pain.trend(stats((2, 5), (1, 5), (0, 5)), stats((0, 5)), TODAY))
    assert waiting == ("Pain this week 5. Keep logging: the comparison with your first 3 days "
                       "starts once a week has passed since them.")
    assert waiting.plural is not None and waiting.count == pain.BASELINE_DAYS
