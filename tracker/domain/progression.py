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

The programme waits for the body, not the calendar (DOMAIN.md). A programme day whose
sessions made pain worse (pain after minus pain before up by 2 points or more, or any
stretch marked "made it worse") is a *hold day*: the next programme day keeps its
target band instead of moving up. Each programme day has a ``step``: 1 on the first
day, one more after a normal day, the same after a hold day; its band is the band of
its step, and the programme ends on the day its step reaches the planned length, so
every hold day moves the end one day later. A flare-up pauses the programme: its
days are not programme days (no target) and every later day moves back by them. At
the third hold day the programme suggests pausing and asking a clinician.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from tracker.domain.safety import PAIN_RISE_THRESHOLD
from tracker.domain.wording import N_, Text, plural_text

SLR_STRETCHES = ("slr-assisted", "slr-strap")
LEGS = ("left", "right")
LENGTH_MIN, LENGTH_MAX, LENGTH_DEFAULT = 7, 10, 10
# A programme may start at most this far before or after today.
START_MAX_DISTANCE = dt.timedelta(days=365)

_FIRST_BAND = (30, 45)   # days 1 .. _RAMP_FROM
_FINAL_BAND = (60, 75)   # days _RAMP_TO ..
_RAMP_FROM, _RAMP_TO = 3, 7
# At this many hold days the programme suggests pausing and asking a clinician.
HOLDS_BEFORE_PAUSE = 3

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
    def label(self) -> Text:
        """"37.5–52.5°" ("37,5–52,5°" in German)."""
        # TRANSLATORS: a target band of angles, e.g. "30–45°".
        return Text("%(low)s–%(high)s°", low=_num(self.low), high=_num(self.high))


def _num(value: float) -> float | int:
    """A whole angle as an int ("45"), else a float ("37.5" / "37,5")."""
    whole = _whole(value)
    return whole if isinstance(whole, int) else float(whole)


def target_band(step: int, length_days: int = LENGTH_DEFAULT) -> Band:
    """The target band of programme step ``step`` (1-based; the programme day when no
    day was held) of a ``length_days`` programme. Raises ValueError for a step outside
    the programme."""
    if not LENGTH_MIN <= length_days <= LENGTH_MAX:
        raise ValueError(f"length_days must be {LENGTH_MIN}-{LENGTH_MAX}")
    if not 1 <= step <= length_days:
        raise ValueError(f"step must be 1-{length_days}")
    ramp = min(max(step - _RAMP_FROM, 0), _RAMP_TO - _RAMP_FROM)
    fraction = ramp / (_RAMP_TO - _RAMP_FROM)
    low = _FIRST_BAND[0] + (_FINAL_BAND[0] - _FIRST_BAND[0]) * fraction
    high = _FIRST_BAND[1] + (_FINAL_BAND[1] - _FIRST_BAND[1]) * fraction
    return Band(_whole(low), _whole(high))


def is_hold(pain_rises: Iterable[int | None], any_worse: bool) -> bool:
    """Whether a day with these sessions is a hold day: one session's pain rose by
    the threshold or more (after minus before; None where a score is missing), or a
    stretch was marked "made it worse"."""
    return any_worse or any(r is not None and r >= PAIN_RISE_THRESHOLD for r in pain_rises)


def day_number(start: dt.date, on: dt.date) -> int:
    """Programme day of the calendar day ``on``: 1 on the start date, 0 or less before."""
    return (on - start).days + 1


def planned_end(start: dt.date, length_days: int) -> dt.date:
    """The last day of a programme with no hold day and no pause."""
    return start + dt.timedelta(days=length_days - 1)


def start_problem(start: dt.date, today: dt.date) -> str | None:
    if abs(start - today) > START_MAX_DISTANCE:
        return Text("Choose a start date within a year of today.")
    return None


@dataclass(frozen=True)
class ProgramDay:
    day: int          # 1, 2, ...: the programme days in order (paused days are not counted)
    date: dt.date
    step: int         # whose band this day has (see the module docstring)
    hold: bool        # the day's sessions made pain worse: the next day keeps this band
    band: Band
    best_left: float | None
    best_right: float | None
    affected_leg: str
    paused_before: int = 0  # flare-up days between the day before and this one

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
                 best: Mapping[dt.date, tuple[float | None, float | None]],
                 holds: Collection[dt.date] = (), paused: Collection[dt.date] = ()
                 ) -> list[ProgramDay]:
    """Every day of the programme, from ``start`` to the day its step reaches
    ``length_days``: its step, band, whether it is a hold day (``holds``: the dates
    whose sessions made pain worse) and the best (left, right) angles logged that day
    (``best`` maps a date to them; missing dates were not logged). Dates in
    ``paused`` (a flare-up) are skipped: they are no programme day."""
    days: list[ProgramDay] = []
    date, step, skipped = start, 1, 0
    while True:
        if date in paused:
            date += dt.timedelta(days=1)
            skipped += 1
            continue
        hold = date in holds
        left, right = best.get(date, (None, None))
        days.append(ProgramDay(len(days) + 1, date, step, hold, target_band(step, length_days),
                               left, right, affected_leg, skipped if days else 0))
        skipped = 0
        if step == length_days:
            return days
        step += 0 if hold else 1
        date += dt.timedelta(days=1)


def day_of(days: list[ProgramDay], on: dt.date) -> ProgramDay | None:
    """The programme day falling on ``on``; None before, after, or on a paused day."""
    for d in days:
        if d.date == on:
            return d
    return None


def held(days: list[ProgramDay], day: ProgramDay) -> bool:
    """Whether ``day`` keeps the band of the day before it (that day was a hold day)."""
    return day.day > 1 and days[day.day - 2].hold


def hold_count(days: list[ProgramDay], today: dt.date) -> int:
    return sum(1 for d in days if d.hold and d.date <= today)


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


def _place(result: str, band: Band, whose: int | None) -> Text:
    """Where an angle sat against a band: "inside today's 45–60°" (``whose`` None),
    "above day 4's 37.5–52.5°" (``whose`` the programme day)."""
    if whose is None:
        if result == UNDER:
            return Text("under today's %(band)s", band=band.label)
        if result == OVER:
            return Text("above today's %(band)s", band=band.label)
        return Text("inside today's %(band)s", band=band.label)
    if result == UNDER:
        return Text("under day %(day)s's %(band)s", day=whose, band=band.label)
    if result == OVER:
        return Text("above day %(day)s's %(band)s", day=whose, band=band.label)
    return Text("inside day %(day)s's %(band)s", day=whose, band=band.label)


def _its_place(result: str, band: Band) -> Text:
    """"inside its 30–45°": where an angle sat against its day's band."""
    if result == UNDER:
        return Text("under its %(band)s", band=band.label)
    if result == OVER:
        return Text("above its %(band)s", band=band.label)
    return Text("inside its %(band)s", band=band.label)


def joined(parts: list[Text]) -> Text:
    """Sentences one after the other, as one Text (each said in the person's
    language)."""
    text = parts[0]
    for more in parts[1:]:
        # TRANSLATORS: two sentences one after the other; keep the space between them.
        text = Text("%(text)s %(more)s", text=text, more=more)
    return text


_PAUSED = N_("Paused for a flare-up: the programme goes on when it is over.")


def sentence(days: list[ProgramDay], today: dt.date) -> Text:
    """One plain sentence: "Day 5 of 10: 50°, inside today's 45–60°", then what a
    held target or a run of hold days means."""
    length = len(days)
    start, end = days[0].date, days[-1].date
    if today < start:
        return plural_text("Starts on %(date)s: %(num)s day, first target %(band)s.",
                           "Starts on %(date)s: %(num)s days, first target %(band)s.",
                           length, date=start, band=days[0].band.label)
    latest = latest_logged(days, today)
    current = day_of(days, today)
    parts: list[Text] = []
    if latest is None:
        if current is None and today <= end:
            parts.append(Text(_PAUSED))
        else:
            current = current or days[-1]
            parts.append(Text("Day %(day)s of %(length)s: no angle logged yet; "
                              "the target is %(band)s.",
                              day=current.day, length=length, band=current.band.label))
    else:
        place = _place(latest.result, latest.band, None if latest.date == today else latest.day)
        if today > end:
            parts.append(Text("Day %(day)s of %(length)s: %(angle)s°, %(place)s "
                              "(the programme has finished).", day=latest.day, length=length,
                              angle=_num(latest.affected), place=place))
        else:
            parts.append(Text("Day %(day)s of %(length)s: %(angle)s°, %(place)s.",
                              day=latest.day, length=length, angle=_num(latest.affected),
                              place=place))
    if current is None and latest is not None and today <= end:
        parts.append(Text(_PAUSED))
    if current is not None and held(days, current):
        parts.append(Text("Today's target stays at %(band)s: pain rose after yesterday's "
                          "session.", band=current.band.label))
    elif current is not None and current.hold and current.step < len(days) and today < end:
        parts.append(Text("Tomorrow's target stays at %(band)s: pain rose today.",
                          band=current.band.label))
    holds = hold_count(days, today)
    if holds >= HOLDS_BEFORE_PAUSE and today <= end:
        parts.append(plural_text(
            "Pain has risen on %(num)s programme day: pause the programme and ask a "
            "clinician before going on. You can end it here.",
            "Pain has risen on %(num)s programme days: pause the programme and ask a "
            "clinician before going on. You can end it here.", holds))
    return joined(parts)


@dataclass(frozen=True)
class Outcome:
    """How a finished programme went for the affected leg."""
    first: ProgramDay | None   # the first day with an angle for the affected leg
    last: ProgramDay | None    # the last one

    @property
    def sentence(self) -> Text:
        if self.first is None or self.last is None:
            return Text("No straight-leg-raise angle was logged for the affected leg.")
        first, last = self.first, self.last
        if first is last:
            return Text("One angle was logged: %(angle)s° on day %(day)s, %(place)s.",
                        angle=_num(first.affected), day=first.day,
                        place=_its_place(first.result, first.band))
        return Text("Your leg went from %(first)s° on day %(first_day)s (%(first_place)s) "
                    "to %(last)s° on day %(last_day)s (%(last_place)s).",
                    first=_num(first.affected), first_day=first.day,
                    first_place=_its_place(first.result, first.band),
                    last=_num(last.affected), last_day=last.day,
                    last_place=_its_place(last.result, last.band))

    @property
    def next_step(self) -> Text:
        final = target_band(LENGTH_MIN)
        if self.last is not None and self.last.affected is not None \
                and self.last.affected >= final.low:
            return Text("Keep it there: a few raises a week in the %(band)s band. "
                        "If it slips below, start the programme again.", band=final.label)
        return Text("Keep up a few raises a week, aiming for %(band)s; starting the "
                    "programme again gives you a day-by-day target.", band=final.label)


def outcome(days: list[ProgramDay]) -> Outcome:
    logged = [d for d in days if d.affected is not None]
    return Outcome(logged[0] if logged else None, logged[-1] if logged else None)
