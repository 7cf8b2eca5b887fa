"""Pain trends on the 0-10 scale: per-day figures, the 7-day rolling mean, the
baseline and current level, and whether a change is clinically meaningful.

The usual-pain scores of a day are the check-ins and each session's pain_before
(pain_after describes the session itself, so it belongs to relief, not to the trend).
The database adds them up per local day; these functions only combine the sums.

- baseline: the mean of the first 3 days with a score (each day weighs the same);
- current: the mean of the days with a score among the last 7 calendar days;
- a change is meaningful at a drop of at least 2 points or at least 30% of the
  baseline (the consensus figures for low back pain); a rise never is, and nothing
  is compared while the two periods overlap (too little data).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.domain.wording import Text, plural_text

BASELINE_DAYS = 3
CURRENT_DAYS = 7
ROLLING_DAYS = 7
MEANINGFUL_POINTS = 2
MEANINGFUL_FRACTION = 0.30
# Relief per stretch is shown only from this many sessions on.
RELIEF_MIN_SESSIONS = 3
# ... and compared only when the stretches' figures are this many points apart.
RELIEF_MIN_SPREAD = 1
_EPSILON = 1e-9  # 6 -> 4.2 is a drop of exactly 30%, whatever binary floats say


@dataclass(frozen=True)
class DaySums:
    """One source's scores of one day, as the database adds them up."""
    date: dt.date
    total: float
    low: int
    high: int
    count: int


@dataclass(frozen=True)
class DayStats:
    date: dt.date
    mean: float
    min: int
    max: int
    count: int


def daily_stats(sums: Iterable[DaySums]) -> list[DayStats]:
    """Merge per-source sums (check-ins, sessions) into one figure per day, by date."""
    merged: dict[dt.date, list] = {}
    for s in sums:
        if s.count <= 0:
            continue
        if s.date not in merged:
            merged[s.date] = [s.total, s.low, s.high, s.count]
            continue
        m = merged[s.date]
        m[0] += s.total
        m[1], m[2], m[3] = min(m[1], s.low), max(m[2], s.high), m[3] + s.count
    return [DayStats(day, round(t / n, 2), lo, hi, n)
            for day, (t, lo, hi, n) in sorted(merged.items())]


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def rolling_mean(days: Sequence[DayStats], window: int = ROLLING_DAYS) -> list[tuple[dt.date, float]]:
    """For each day with data, the mean of the daily means within the ``window``
    calendar days ending that day (days without data are skipped, not zero)."""
    out = []
    span = dt.timedelta(days=window - 1)
    ordered = sorted(days, key=lambda d: d.date)
    first = 0
    for i, day in enumerate(ordered):
        while ordered[first].date < day.date - span:
            first += 1
        out.append((day.date, _mean([d.mean for d in ordered[first:i + 1]])))
    return out


def baseline(first_days: Sequence[DayStats]) -> float | None:
    """Mean of the first ``BASELINE_DAYS`` days with data; None with fewer."""
    ordered = sorted(first_days, key=lambda d: d.date)[:BASELINE_DAYS]
    return _mean([d.mean for d in ordered]) if len(ordered) == BASELINE_DAYS else None


def current_window(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=CURRENT_DAYS - 1), today


def current(days: Sequence[DayStats], today: dt.date) -> float | None:
    """Mean of the days with data among the last ``CURRENT_DAYS`` calendar days."""
    start, end = current_window(today)
    return _mean([d.mean for d in days if start <= d.date <= end])


def meaningful(baseline_value: float | None, current_value: float | None) -> bool:
    """A drop of at least 2 points or at least 30% of the baseline; never a rise."""
    if baseline_value is None or current_value is None:
        return False
    drop = baseline_value - current_value
    if drop <= 0:
        return False
    return drop + _EPSILON >= MEANINGFUL_POINTS or \
        (baseline_value > 0 and drop / baseline_value + _EPSILON >= MEANINGFUL_FRACTION)


@dataclass(frozen=True)
class Trend:
    baseline: float | None
    current: float | None
    change: float | None       # current - baseline: negative is a drop
    change_pct: float | None   # the change as a percentage of the baseline
    meaningful: bool


def trend(first_days: Sequence[DayStats], days: Sequence[DayStats], today: dt.date) -> Trend:
    """Baseline against current. While the baseline's days fall inside the current
    week the two overlap, so no change is reported yet."""
    base = baseline(first_days)
    now = current(days, today)
    overlapping = bool(first_days) and \
        sorted(d.date for d in first_days)[:BASELINE_DAYS][-1] >= current_window(today)[0]
    if base is None or now is None or overlapping:
        return Trend(base, now, None, None, False)
    change = round(now - base, 2)
    pct = round(100 * change / base, 1) if base else None
    return Trend(base, now, change, pct, meaningful(base, now))


def _one(value: float) -> float:
    """A pain figure as the sentence writes it: one decimal at most ("3.4" / "3,4";
    a whole figure without one: "3")."""
    return round(float(value), 1)


def trend_sentence(t: Trend) -> Text:
    """"Pain this week 3.4, down 2.9 from 6.3 at the start: a meaningful drop"."""
    if t.current is None:
        return Text("No pain scores in the last 7 days.")
    now = _one(t.current)
    if t.change is None:
        return plural_text(
            "Pain this week %(current)s. Keep logging: the comparison with your first "
            "%(num)s day starts once a week has passed since them.",
            "Pain this week %(current)s. Keep logging: the comparison with your first "
            "%(num)s days starts once a week has passed since them.",
            BASELINE_DAYS, current=now)
    if t.change < 0:
        if t.meaningful:
            return Text("Pain this week %(current)s, down %(change)s from %(baseline)s at the "
                        "start: a meaningful drop.", current=now,
                        change=_one(-t.change), baseline=_one(t.baseline))
        return plural_text(
            "Pain this week %(current)s, down %(change)s from %(baseline)s at the start: not "
            "yet a meaningful drop (that takes %(num)s point or 30%%).",
            "Pain this week %(current)s, down %(change)s from %(baseline)s at the start: not "
            "yet a meaningful drop (that takes %(num)s points or 30%%).",
            MEANINGFUL_POINTS, current=now, change=_one(-t.change),
            baseline=_one(t.baseline))
    if t.change > 0:
        return Text("Pain this week %(current)s, up %(change)s from %(baseline)s at the start. "
                    "If it keeps rising, talk to a clinician.", current=now,
                    change=_one(t.change), baseline=_one(t.baseline))
    return Text("Pain this week %(current)s, the same as at the start.", current=now)


@dataclass(frozen=True)
class Relief:
    stretch: str
    mean: float
    count: int


def relief(rows: Iterable[tuple[str, float, int]],
           min_sessions: int = RELIEF_MIN_SESSIONS) -> list[Relief]:
    """(stretch, mean of pain_before - pain_after, sessions) per stretch, shown only
    from ``min_sessions`` sessions on; largest relief first. The figure describes the
    sessions that included the stretch: it does not show the stretch caused it."""
    kept = [Relief(slug, round(float(mean), 2), int(n))
            for slug, mean, n in rows if n >= min_sessions]
    return sorted(kept, key=lambda r: (-r.mean, r.stretch))


def relief_differs(items: Iterable[Relief], min_spread: float = RELIEF_MIN_SPREAD,
                   min_sessions: int = RELIEF_MIN_SESSIONS) -> bool:
    """Whether relief per stretch is worth showing stretch by stretch: at least two
    stretches with ``min_sessions`` sessions each, whose means lie at least
    ``min_spread`` points apart. Closer figures mostly come from the same sessions
    (a session usually includes several stretches) and say nothing about one stretch
    against another."""
    means = [r.mean for r in items if r.count >= min_sessions]
    return len(means) >= 2 and max(means) - min(means) + _EPSILON >= min_spread
