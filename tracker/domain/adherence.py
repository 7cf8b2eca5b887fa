"""Adherence: streaks of days in a row with a session, and the calendar of which days
in a range were logged. Days are the person's local calendar days (see
``clock.local_date``), so a DST change never splits or merges a day.

Paused days (a flare-up) are transparent: a streak neither breaks nor grows on them,
so a person who logged, paused three days and logged again keeps their streak."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

ONE_DAY = dt.timedelta(days=1)


def streak_back(days: Iterable[dt.date], today: dt.date,
                paused: Collection[dt.date] = ()) -> tuple[int, dt.date]:
    """(the current streak, the day the count stopped at): consecutive logged days
    ending today, or ending yesterday when today has no log yet (the day is not over,
    so the streak is not broken), stepping over paused days. The stop day is the
    first day back that is neither logged nor paused."""
    logged = set(days)
    day = today if today in logged else today - ONE_DAY
    count = 0
    while day in logged or day in paused:
        if day not in paused:
            count += 1
        day -= ONE_DAY
    return count, day


def current_streak(days: Iterable[dt.date], today: dt.date,
                   paused: Collection[dt.date] = ()) -> int:
    return streak_back(days, today, paused)[0]


def longest_streak(days: Iterable[dt.date], paused: Collection[dt.date] = ()) -> int:
    """The longest run of logged days, stepping over paused days."""
    ordered = sorted(set(days) - set(paused))
    best = run = 0
    previous: dt.date | None = None
    for day in ordered:
        joined = previous is not None and all(
            previous + ONE_DAY * k in paused for k in range(1, (day - previous).days))
        run = run + 1 if joined else 1
        best = max(best, run)
        previous = day
    return best


def calendar(days: Iterable[dt.date], start: dt.date, end: dt.date) -> list[tuple[dt.date, bool]]:
    """Every day from ``start`` to ``end`` (inclusive) and whether it was logged."""
    logged = set(days)
    span = (end - start).days + 1
    return [(start + ONE_DAY * i, start + ONE_DAY * i in logged) for i in range(max(span, 0))]
