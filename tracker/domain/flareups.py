"""Flare-ups: a pause of a few days when back pain suddenly gets worse (DOMAIN.md: a
reason to pause the programme, not to push on).

A flare-up covers its days from ``start_date`` to ``end_date`` (inclusive): the
programme skips them, a streak steps over them, and no reminder is sent on them. It
may start today or up to two weeks back (a person often says so a day or two late),
lasts 1-14 days (3 unless chosen), and one runs at a time. "I'm better" ends it
early: the day before, so today counts again, except on its first day, which stays
its one day."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.domain.wording import N_, Text, plural_text

DAYS_MIN, DAYS_MAX, DAYS_DEFAULT = 1, 14, 3
START_BACK_MAX = 14  # days before today a flare-up may be said to have started
NOTE_MAX = 500
ONE_DAY = dt.timedelta(days=1)

# What Today says during a flare-up, in our own words (DOMAIN.md's safety facts).
GUIDANCE = (
    Text("Stop anything that makes the pain worse; there is no target to reach for now."),
    Text("Keep gently moving: short walks, changing position often."),
    Text("The knee-to-chest stretches can ease stiffness if they feel right. Stop if they "
         "hurt more."),
    Text("If pain spreads down both legs, or you notice numbness or weakness, go through the "
         "warning signs."),
)


@dataclass(frozen=True)
class Span:
    """The days of one flare-up."""
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[dt.date]:
        return [self.start + ONE_DAY * i for i in range(self.days)]

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: "Span") -> bool:
        return self.start <= other.end and other.start <= self.end

    def days_left(self, today: dt.date) -> int:
        """Days from today to the end, today included (0 once it is over)."""
        return max((self.end - today).days + 1, 0)


def span(start: dt.date, days: int) -> Span:
    return Span(start, start + ONE_DAY * (days - 1))


def start_problem(start: dt.date, today: dt.date) -> str | None:
    if start > today:
        return N_("A flare-up starts today or on a day that has been.")
    if (today - start).days > START_BACK_MAX:
        return plural_text("Choose a start within the last %(num)s day.",
                           "Choose a start within the last %(num)s days.", START_BACK_MAX)
    return None


def ended_early(s: Span, today: dt.date) -> Span:
    """The span of a flare-up ended ("I'm better") on ``today``: up to yesterday, or
    its first day alone when it started today."""
    return Span(s.start, min(s.end, max(s.start, today - ONE_DAY)))


def running(s: Span, today: dt.date, ended: bool) -> bool:
    return not ended and s.covers(today)


def paused_dates(spans: Iterable[Span]) -> frozenset[dt.date]:
    return frozenset(day for s in spans for day in s.dates())
