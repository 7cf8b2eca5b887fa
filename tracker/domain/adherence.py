"""Adherence: streaks of days in a row with a session, and the calendar of which days
in a range were logged. Days are the person's local calendar days (see
``clock.local_date``), so a DST change never splits or merges a day."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

ONE_DAY = dt.timedelta(days=1)


def current_streak(days: Iterable[dt.date], today: dt.date) -> int:
    """Consecutive logged days ending today, or ending yesterday when today has no log
    yet (the day is not over, so the streak is not broken)."""
    logged = set(days)
    day = today if today in logged else today - ONE_DAY
    count = 0
    while day in logged:
        count += 1
        day -= ONE_DAY
    return count


def may_reach_past(streak: int, today: dt.date, window_start: dt.date) -> bool:
    """Whether a streak counted from the days ``window_start``..``today`` alone could
    go on before ``window_start``: it spans the window (counting back from today, or
    from yesterday when today is not logged yet)."""
    return streak > 0 and today - dt.timedelta(days=streak) <= window_start


def longest_streak(days: Iterable[dt.date]) -> int:
    ordered = sorted(set(days))
    best = run = 0
    previous: dt.date | None = None
    for day in ordered:
        run = run + 1 if previous is not None and day - previous == ONE_DAY else 1
        best = max(best, run)
        previous = day
    return best


def calendar(days: Iterable[dt.date], start: dt.date, end: dt.date) -> list[tuple[dt.date, bool]]:
    """Every day from ``start`` to ``end`` (inclusive) and whether it was logged."""
    logged = set(days)
    span = (end - start).days + 1
    return [(start + ONE_DAY * i, start + ONE_DAY * i in logged) for i in range(max(span, 0))]
