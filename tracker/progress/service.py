"""Progress figures of one person over the last N local days: the pain trend, relief
per stretch, the best straight-leg raise per day, adherence and safety flags.

Every figure is aggregated by the database (GROUP BY local day or stretch), so the
cost grows with the number of days, not of rows (PSFS ratings, weekly at most, are read
whole: the change is from the first rating ever); ``tracker.domain`` (pain, adherence,
progression) combines the aggregates. Read-only: nothing to commit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, func, literal, select, union

from tracker.auth.models import User
from tracker.catalog import shown
from tracker.domain import adherence, pain, safety
from tracker.domain.clock import local_date
from tracker.domain.wording import Text
from tracker.extensions import db
from tracker.flareups import service as flareups
from tracker.flareups.service import FlareUpView, paused_for
from tracker.logbook.daily import current_streak
from tracker.logbook.models import Checkin, SessionEntry, Stretch, StretchSession
from tracker.programs import service as programs
from tracker.psfs import service as psfs
from tracker.person_caches import cached_for

DAYS_MIN, DAYS_MAX, DAYS_DEFAULT = 7, 730, 30


@dataclass
class Adherence:
    current_streak: int
    longest_streak: int
    days_logged: int
    sessions_7d: int
    calendar: list[dict]


@dataclass
class Progress:
    days: int
    date_from: dt.date
    date_to: dt.date
    daily: list[pain.DayStats]
    rolling_7d: list[dict]
    trend: pain.Trend
    relief: list[pain.Relief]
    slr_daily: list[dict]
    adherence: Adherence
    flags: list[dict]
    program: programs.ProgramView | None
    stretch_names: dict[str, str] = field(default_factory=dict)
    flare_ups: list[FlareUpView] = field(default_factory=list)
    # all of the person's PSFS ratings (weekly at most: few), None before a first one
    psfs: psfs.Summary | None = None

    @property
    def pain(self) -> dict:
        t = self.trend
        return {"daily": self.daily, "rolling_7d": self.rolling_7d, "baseline": t.baseline,
                "current": t.current, "change": t.change, "change_pct": t.change_pct,
                "meaningful": t.meaningful, "summary": pain.trend_sentence(t)}

    @property
    def slr(self) -> dict:
        return {"daily": self.slr_daily,
                "program": self.program}


def _pain_sums(user: User, date_from: dt.date, date_to: dt.date | None = None,
               only: list[dt.date] | None = None) -> list[pain.DaySums]:
    """Per-day sums of the usual-pain scores: check-ins and sessions' pain_before."""
    sums: list[pain.DaySums] = []
    for day_col, score, owner, extra in (
            (Checkin.local_date, Checkin.score, Checkin.user_id, None),
            (StretchSession.local_date, StretchSession.pain_before, StretchSession.user_id,
             StretchSession.pain_before.is_not(None))):
        query = select(day_col, func.sum(score), func.min(score), func.max(score),
                       func.count(score)).where(owner == user.id)
        if extra is not None:
            query = query.where(extra)
        if only is not None:
            query = query.where(day_col.in_(only))
        else:
            query = query.where(day_col.between(date_from, date_to))
        for day, total, low, high, count in db.session.execute(query.group_by(day_col)):
            sums.append(pain.DaySums(day, float(total), low, high, count))
    return sums


def _first_pain_days(user: User) -> list[dt.date]:
    """The first days (up to the baseline's number) with a usual-pain score. Each
    kind of row gives its own first days (read in (user, day) index order, so a long
    history is not scanned), and the earliest of both are kept."""
    firsts = [
        select(day.label("day")).where(*where).distinct().order_by(day)
        .limit(pain.BASELINE_DAYS).subquery()
        for day, where in (
            (Checkin.local_date, [Checkin.user_id == user.id]),
            (StretchSession.local_date, [StretchSession.user_id == user.id,
                                         StretchSession.pain_before.is_not(None)]))]
    days = union(*(select(first.c.day) for first in firsts)).subquery()
    return list(db.session.scalars(
        select(days.c.day).order_by(days.c.day).limit(pain.BASELINE_DAYS)))


def _relief(user: User, date_from: dt.date, date_to: dt.date) -> list[tuple[str, str, float, int]]:
    """(stretch slug, name as pages show it, mean of pain_before - pain_after, sessions)
    over the sessions in range that included the stretch; a stretch done on both legs
    counts its session once. A built-in's name is a ``Text`` (said in the page's
    language; English to the API)."""
    included = (select(SessionEntry.session_id, SessionEntry.stretch_id).distinct()
                .join(StretchSession, StretchSession.id == SessionEntry.session_id)
                .where(StretchSession.user_id == user.id,
                       StretchSession.local_date.between(date_from, date_to),
                       StretchSession.pain_before.is_not(None),
                       StretchSession.pain_after.is_not(None))).subquery()
    drop = StretchSession.pain_before - StretchSession.pain_after
    rows = db.session.execute(
        select(Stretch.slug, Stretch.name, Stretch.owner_id, func.avg(drop * literal(1.0)),
               func.count())
        .select_from(included)
        .join(StretchSession, StretchSession.id == included.c.session_id)
        .join(Stretch, Stretch.id == included.c.stretch_id)
        .group_by(Stretch.slug, Stretch.name, Stretch.owner_id))
    return [(slug, shown(name, owner is None), float(mean), int(n))
            for slug, name, owner, mean, n in rows]


def _session_days(user: User, date_to: dt.date) -> dict[dt.date, int]:
    """Sessions per local day with any, up to ``date_to`` (one row a day: the streaks
    need the whole history, not only the window)."""
    return dict(db.session.execute(
        select(StretchSession.local_date, func.count()).where(
            StretchSession.user_id == user.id, StretchSession.local_date <= date_to)
        .group_by(StretchSession.local_date)).all())


def _flags(user: User, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """The safety flags of the sessions in range: loads only the flagged sessions."""
    worse = (select(SessionEntry.session_id).where(SessionEntry.worse.is_(True))
             .scalar_subquery())
    sessions = db.session.scalars(
        select(StretchSession).where(
            StretchSession.user_id == user.id,
            StretchSession.local_date.between(date_from, date_to),
            (and_(StretchSession.pain_before.is_not(None), StretchSession.pain_after.is_not(None),
                  StretchSession.pain_after - StretchSession.pain_before
                  >= safety.PAIN_RISE_THRESHOLD))
            | StretchSession.id.in_(worse))
        .order_by(StretchSession.performed_at.desc()))
    return [{"date": s.local_date, "session_id": s.id, **flag.as_dict()}
            for s in sessions for flag in s.flags]


def progress(user: User, days: int, now: dt.datetime) -> Progress:
    today = local_date(now, user.timezone)
    date_from = today - dt.timedelta(days=days - 1)
    daily = pain.daily_stats(_pain_sums(user, date_from, today))
    first_days = _first_pain_days(user)
    first = pain.daily_stats(_pain_sums(user, date_from, only=first_days)) if first_days else []
    trend = pain.trend(first, daily, today)  # the window (>= 7 days) holds the current week
    rolling = [{"date": d, "value": v} for d, v in pain.rolling_mean(daily)]

    best = programs.best_slr_angles(user, date_from, today)
    slr_daily = [{"date": d, "best_left": best[d][0], "best_right": best[d][1]}
                 for d in sorted(best)]

    per_day = _session_days(user, today)
    session_days = list(per_day)
    in_window = [d for d in session_days if d >= date_from]
    week_from = pain.current_window(today)[0]
    sessions_7d = sum(n for d, n in per_day.items() if d >= week_from)
    paused = paused_for(user, min(session_days, default=today))
    adh = Adherence(
        current_streak=current_streak(user, today),
        longest_streak=adherence.longest_streak(session_days, paused),
        days_logged=len(in_window), sessions_7d=sessions_7d or 0,
        calendar=[{"date": d, "logged": logged, "paused": d in paused}
                  for d, logged in adherence.calendar(in_window, date_from, today)])

    relief_rows = _relief(user, date_from, today)
    relief = pain.relief((slug, mean, n) for slug, _name, mean, n in relief_rows)
    names = {slug: name for slug, name, _mean, _n in relief_rows}
    current = programs.current_program(user)
    program = programs.view(user, current, today, best if current and
                            current.start_date >= date_from else None) if current else None
    return Progress(days, date_from, today, daily, rolling, trend, relief, slr_daily, adh,
                    _flags(user, date_from, today), program, names,
                    flareups.in_range(user, date_from, today, today), psfs.summary(user))


def _target_line(target: programs.DayTarget) -> Text:
    """"Programme day 3 of 10: today's target for the left leg is 30–45°." (one
    sentence per leg and held or not, so each language can say it whole)."""
    params = {"day": target.day, "length": target.length, "band": target.band.label}
    if target.leg == "left":
        if target.held:
            return Text("Programme day %(day)s of %(length)s: today's target for the left leg "
                        "is %(band)s, held after yesterday's pain.", **params)
        return Text("Programme day %(day)s of %(length)s: today's target for the left leg "
                    "is %(band)s.", **params)
    if target.held:
        return Text("Programme day %(day)s of %(length)s: today's target for the right leg "
                    "is %(band)s, held after yesterday's pain.", **params)
    return Text("Programme day %(day)s of %(length)s: today's target for the right leg "
                "is %(band)s.", **params)


@dataclass(frozen=True)
class TodaySummary:
    pain: str | None
    program: str | None


def today_summary(user: User, now: dt.datetime) -> TodaySummary:
    """Today's two lines: this week's pain against the baseline, and today's
    programme target when a programme is running. Cached per worker under the
    person's data version, like Today's other figures."""
    today = local_date(now, user.timezone)
    return cached_for(user, "today-progress", (today, user.timezone), "TODAY_CACHE_SIZE",
                      lambda: _today_summary(user, today))


def _today_summary(user: User, today: dt.date) -> TodaySummary:
    first_days = _first_pain_days(user)
    pain_line = None
    if first_days:
        first = pain.daily_stats(_pain_sums(user, today, only=first_days))
        week = pain.daily_stats(_pain_sums(user, *pain.current_window(today)))
        pain_line = pain.trend_sentence(pain.trend(first, week, today))
    program_line = None
    target = programs.day_target(user, today)
    if target is not None:
        program_line = _target_line(target)
    return TodaySummary(pain_line, program_line)
