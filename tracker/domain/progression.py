"""The straight-leg-raise (SLR) programme: the target band for each programme day,
how a day's best angle sits against it, the programme's status, the gap between the
legs, and the one-sentence summary.

The band (a design decision built from the clinical figures in DOMAIN.md): days 1-3
aim for 30-45 degrees, day 7 onwards for 60-75 degrees, and days 4-6 climb in a
straight line between the two (day 4: 37.5-52.5, day 5: 45-60, day 6: 52.5-67.5).
The band does not depend on the programme's length (7-10 days): a shorter programme
simply has fewer days at the final band.

Only the two SLR stretches count (``SLR_STRETCHES``): the passive raise with a helper
and the self-assisted raise with a strap. ``supine-hamstring`` also records an angle,
but it is an active raise with the other knee bent, a different movement, so mixing
its angles in would blur the programme's line.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

SLR_STRETCHES = ("slr-assisted", "slr-strap")
LEGS = ("left", "right")
LENGTH_MIN, LENGTH_MAX, LENGTH_DEFAULT = 7, 10, 10
# A programme may start at most this far before or after today.
START_MAX_DISTANCE = dt.timedelta(days=365)

_FIRST_BAND = (30, 45)   # days 1 .. _RAMP_FROM
_FINAL_BAND = (60, 75)   # days _RAMP_TO ..
_RAMP_FROM, _RAMP_TO = 3, 7

UNDER, IN, OVER = "under", "in", "over"
AHEAD, ON_TRACK, BEHIND = "ahead", "on_track", "behind"
_STATUS = {UNDER: BEHIND, IN: ON_TRACK, OVER: AHEAD}


def _whole(value: float) -> float | int:
    """45.0 -> 45 (whole bands read as whole numbers), 37.5 stays."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class Band:
    low: float
    high: float

    def place(self, angle: float) -> str:
        """Where ``angle`` sits: under, in (edges included) or over the band."""
        if angle < self.low:
            return UNDER
        return OVER if angle > self.high else IN

    @property
    def label(self) -> str:
        return f"{_whole(self.low):g}–{_whole(self.high):g}°"


def target_band(day: int, length_days: int = LENGTH_DEFAULT) -> Band:
    """The target band of programme day ``day`` (1-based) of a ``length_days``
    programme. Raises ValueError for a day outside the programme."""
    if not LENGTH_MIN <= length_days <= LENGTH_MAX:
        raise ValueError(f"length_days must be {LENGTH_MIN}-{LENGTH_MAX}")
    if not 1 <= day <= length_days:
        raise ValueError(f"day must be 1-{length_days}")
    step = min(max(day - _RAMP_FROM, 0), _RAMP_TO - _RAMP_FROM)
    fraction = step / (_RAMP_TO - _RAMP_FROM)
    low = _FIRST_BAND[0] + (_FINAL_BAND[0] - _FIRST_BAND[0]) * fraction
    high = _FIRST_BAND[1] + (_FINAL_BAND[1] - _FIRST_BAND[1]) * fraction
    return Band(_whole(low), _whole(high))


def day_number(start: dt.date, on: dt.date) -> int:
    """Programme day of the calendar day ``on``: 1 on the start date, 0 or less before."""
    return (on - start).days + 1


def band_on(start: dt.date, length_days: int, on: dt.date) -> Band | None:
    """The target band of the calendar day ``on`` for a programme starting on
    ``start``; None before it starts or after its last day. (Reminders use this for
    "today's target".)"""
    day = day_number(start, on)
    return target_band(day, length_days) if 1 <= day <= length_days else None


def end_date(start: dt.date, length_days: int) -> dt.date:
    return start + dt.timedelta(days=length_days - 1)


def start_problem(start: dt.date, today: dt.date) -> str | None:
    if abs(start - today) > START_MAX_DISTANCE:
        return "Choose a start date within a year of today."
    return None


@dataclass(frozen=True)
class ProgramDay:
    day: int
    date: dt.date
    band: Band
    best_left: float | None
    best_right: float | None
    affected_leg: str

    @property
    def affected(self) -> float | None:
        return self.best_left if self.affected_leg == "left" else self.best_right

    @property
    def other(self) -> float | None:
        return self.best_right if self.affected_leg == "left" else self.best_left

    @property
    def result(self) -> str | None:
        """under / in / over for the affected leg's best angle; None if not logged."""
        return None if self.affected is None else self.band.place(self.affected)


def program_days(start: dt.date, length_days: int, affected_leg: str,
                 best: Mapping[dt.date, tuple[float | None, float | None]]) -> list[ProgramDay]:
    """Every day of the programme with its band and the best (left, right) angles
    logged that day (``best`` maps a date to them; missing dates were not logged)."""
    days = []
    for n in range(1, length_days + 1):
        date = start + dt.timedelta(days=n - 1)
        left, right = best.get(date, (None, None))
        days.append(ProgramDay(n, date, target_band(n, length_days), left, right, affected_leg))
    return days


def latest_logged(days: list[ProgramDay], today: dt.date) -> ProgramDay | None:
    """The last programme day up to ``today`` with an angle for the affected leg."""
    logged = [d for d in days if d.date <= today and d.affected is not None]
    return logged[-1] if logged else None


def status(days: list[ProgramDay], today: dt.date) -> str | None:
    """ahead / on_track / behind from the latest logged day against its own band;
    None while nothing is logged for the affected leg."""
    latest = latest_logged(days, today)
    return None if latest is None else _STATUS[latest.result]


def leg_gap(days: list[ProgramDay], today: dt.date) -> float | None:
    """Other leg minus affected leg, in degrees, on the latest day up to ``today``
    where both legs were measured (positive: the affected leg is behind)."""
    both = [d for d in days if d.date <= today and d.affected is not None and d.other is not None]
    return None if not both else round(both[-1].other - both[-1].affected, 1)


_PLACE_WORDS = {UNDER: "under", IN: "inside", OVER: "above"}


def sentence(days: list[ProgramDay], today: dt.date) -> str:
    """One plain sentence: "Day 5 of 10: 50°, inside today's 45–60°"."""
    length = len(days)
    start, end = days[0].date, days[-1].date
    if today < start:
        return f"Starts on {start.isoformat()}: {length} days, first target {days[0].band.label}."
    latest = latest_logged(days, today)
    if latest is None:
        current = days[min(day_number(start, today), length) - 1]
        return (f"Day {current.day} of {length}: no angle logged yet; "
                f"the target is {current.band.label}.")
    whose = "today's" if latest.date == today else f"day {latest.day}'s"
    text = (f"Day {latest.day} of {length}: {latest.affected:g}°, "
            f"{_PLACE_WORDS[latest.result]} {whose} {latest.band.label}")
    if today > end:
        text += " (the programme has finished)"
    return text + "."
