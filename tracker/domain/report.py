"""The clinician report's arithmetic: the period a report covers, the best raise per
leg per day, and how much each stretch relieved pain (pain per day and its trend come
from tracker.domain.pain, as on the Progress page).

Pure: the caller passes plain values (dates, scores, slugs); nothing here reads a
clock or a database."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean

REPORT_DAYS_MIN = 7
REPORT_DAYS_MAX = 365
REPORT_DAYS_DEFAULT = 30


def period(today: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a report of ``days`` days ending ``today``."""
    if not REPORT_DAYS_MIN <= days <= REPORT_DAYS_MAX:
        raise ValueError(f"days must be {REPORT_DAYS_MIN}-{REPORT_DAYS_MAX}")
    return today - dt.timedelta(days=days - 1), today


def each_day(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class DayAngles:
    date: dt.date
    best_left: float | None
    best_right: float | None


def best_angles(measures: Iterable[tuple[dt.date, str, float]]) -> list[DayAngles]:
    """The highest raise per leg per day from (day, side, degrees); days without a
    left or right measure are left out, sides other than left/right ignored."""
    best: dict[dt.date, dict[str, float]] = defaultdict(dict)
    for day, side, angle in measures:
        if side in ("left", "right") and angle is not None:
            best[day][side] = max(angle, best[day].get(side, angle))
    return [DayAngles(day, legs.get("left"), legs.get("right"))
            for day, legs in sorted(best.items())]


@dataclass(frozen=True)
class Relief:
    stretch: str
    mean: float  # points of pain less after the session than before; one decimal
    count: int


def relief_by_stretch(sessions: Iterable[tuple[Iterable[str], int | None, int | None]]
                      ) -> list[Relief]:
    """For each stretch, the mean drop in pain (before minus after) over the sessions
    that included it and have both scores; a session counts once per stretch. Most
    relief first, then by name."""
    drops: dict[str, list[int]] = defaultdict(list)
    for stretches, before, after in sessions:
        if before is None or after is None:
            continue
        for stretch in set(stretches):
            drops[stretch].append(before - after)
    rows = [Relief(s, round(fmean(d), 1), len(d)) for s, d in drops.items()]
    return sorted(rows, key=lambda r: (-r.mean, r.stretch))
