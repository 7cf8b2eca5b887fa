"""Today's page for one person: today's sessions and check-ins, the usual plan, the
streak, stretches to be careful with, a session of today or yesterday that made pain
worse, the running flare-up, whether anything was ever logged, and whether the PSFS
is due.

The figures come from the person's log and are cached per worker under their data
version (tracker.person_caches); the warning-signs answer is read from their row on
every request."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from tracker.auth.models import User
from tracker.catalog import DEFAULT_PLAN, in_sentence
from tracker.domain import adherence, plan, safety
from tracker.domain.clock import local_date
from tracker.extensions import db
from tracker.flareups import service as flareups
from tracker.flareups.service import FlareUpView, paused_for
from tracker.logbook.models import Checkin, SessionEntry, Stretch, StretchSession
from tracker.logbook.stretches import StretchCard, caution_slugs, visible
from tracker.logbook.warning_signs import red_flags, red_flags_answered
from tracker.person_caches import cached_for
from tracker.psfs.service import Prompt as PsfsPrompt, prompt as psfs_prompt
from tracker.reminders.reach import unreachable_times


@dataclass(frozen=True)
class SessionLine:
    id: int
    performed_at: dt.datetime
    stretch_count: int  # distinct stretches: both legs of one stretch count once
    pain_before: int | None
    pain_after: int | None


@dataclass(frozen=True)
class CheckinLine:
    recorded_at: dt.datetime
    score: int
    context: str


@dataclass(frozen=True)
class BadSession:
    """The latest session of today or yesterday that made pain worse."""
    id: int
    yesterday: bool
    happened: str  # what Today says happened, then what to do (Text)
    todo: str


@dataclass(frozen=True)
class TodayFigures:
    """Everything Today shows that comes from the person's log, as plain values that a
    worker can keep."""
    date: dt.date
    plan: tuple[StretchCard, ...]
    sessions: tuple[SessionLine, ...]
    checkins: tuple[CheckinLine, ...]
    streak: int
    caution: frozenset[str]
    first_run: bool  # nothing logged yet
    bad_session: BadSession | None
    flare_up: FlareUpView | None
    unreachable: tuple[str, ...]  # times of switched-on reminders no device receives
    psfs: PsfsPrompt | None  # the PSFS asked for today (a week after the last rating)


@dataclass(frozen=True)
class Today(TodayFigures):
    """Today's figures and the person's warning-signs answers (read from their row,
    never cached)."""
    red_flags: safety.RedFlagOutcome
    answered: bool  # the warning-signs check


def today(user: User, now: dt.datetime) -> Today:
    return Today(**vars(today_figures(user, now)), red_flags=red_flags(user),
                 answered=red_flags_answered(user))


def today_figures(user: User, now: dt.datetime) -> TodayFigures:
    """Today's figures, from the per-worker cache when the person's data has not
    changed since they were made (a hit costs no query)."""
    day = local_date(now, user.timezone)
    return cached_for(user, "today", (day, user.timezone), "TODAY_CACHE_SIZE",
                      lambda: compute_figures(user, day))


def compute_figures(user: User, day: dt.date) -> TodayFigures:
    # Entries are per side; a stretch done on both legs is still one stretch.
    stretch_count = (select(func.count(SessionEntry.stretch_id.distinct()))
                     .where(SessionEntry.session_id == StretchSession.id).scalar_subquery())
    sessions = tuple(SessionLine(*row) for row in db.session.execute(
        select(StretchSession.id, StretchSession.performed_at, stretch_count,
               StretchSession.pain_before, StretchSession.pain_after)
        .where(StretchSession.user_id == user.id, StretchSession.local_date == day)
        .order_by(StretchSession.performed_at)))
    checkins = tuple(CheckinLine(*row) for row in db.session.execute(
        select(Checkin.recorded_at, Checkin.score, Checkin.context)
        .where(Checkin.user_id == user.id, Checkin.local_date == day)
        .order_by(Checkin.recorded_at)))
    streak = current_streak(user, day)
    first_run = not streak and db.session.scalar(select(StretchSession.id).where(
        StretchSession.user_id == user.id, StretchSession.local_date <= day).limit(1)) is None
    usual = tuple(map(StretchCard.of, plan_for(user, day)))
    return TodayFigures(day, usual, sessions, checkins, streak, caution_slugs(user), first_run,
                        bad_session(user, day), flareups.current_on(user, day),
                        unreachable_times(user.id), psfs_prompt(user, day))


def bad_session(user: User, day: dt.date) -> BadSession | None:
    """The latest session of ``day`` or the day before that made pain worse (the
    rule of safety.session_flags), with what Today says about it."""
    worse = select(SessionEntry.session_id).where(SessionEntry.worse.is_(True))
    found = db.session.execute(
        select(StretchSession.id, StretchSession.local_date,
               StretchSession.pain_after - StretchSession.pain_before)
        .where(StretchSession.user_id == user.id,
               StretchSession.local_date.between(day - dt.timedelta(days=1), day),
               (StretchSession.pain_after - StretchSession.pain_before
                >= safety.PAIN_RISE_THRESHOLD) | StretchSession.id.in_(worse))
        .order_by(StretchSession.performed_at.desc()).limit(1)).first()
    if found is None:
        return None
    session_id, date, rise = found
    names = list(dict.fromkeys(in_sentence(slug, name, owner is None) for slug, name, owner in
                               db.session.execute(
        select(Stretch.slug, Stretch.name, Stretch.owner_id)
        .join(SessionEntry, SessionEntry.stretch_id == Stretch.id)
        .where(SessionEntry.session_id == session_id, SessionEntry.worse.is_(True))
        .order_by(SessionEntry.position))))
    happened, todo = safety.bad_session_caution(rise, names, date < day)
    return BadSession(session_id, date < day, happened, todo)


def plan_for(user: User, day: dt.date) -> list[Stretch]:
    """The stretches this person usually does (last 14 days), or the default plan."""
    recent = db.session.scalars(
        select(Stretch.slug)
        .join(SessionEntry, SessionEntry.stretch_id == Stretch.id)
        .join(StretchSession, StretchSession.id == SessionEntry.session_id)
        .where(StretchSession.user_id == user.id,
               StretchSession.local_date >= day - dt.timedelta(days=14))
        .order_by(StretchSession.performed_at.desc(), SessionEntry.position)).all()
    slugs = plan.usual_plan(recent, DEFAULT_PLAN, size=4)
    stretches = {s.slug: s for s in db.session.scalars(visible(user).where(Stretch.slug.in_(slugs)))}
    return [stretches[s] for s in slugs if s in stretches]


STREAK_WINDOW_DAYS = 64


def current_streak(user: User, day: dt.date) -> int:
    """The person's streak of days with a session, ending on ``day`` (or the day before,
    while ``day`` has none yet), stepping over flare-up days: the one count of it that
    Today, progress and the report show. It reads a window of recent days that widens
    only while the streak reaches its far end, so the cost follows the streak, not the
    history."""
    window = STREAK_WINDOW_DAYS
    while True:
        start = day - dt.timedelta(days=window)
        days = db.session.scalars(select(StretchSession.local_date).distinct().where(
            StretchSession.user_id == user.id, StretchSession.local_date >= start,
            StretchSession.local_date <= day)).all()
        streak, stopped = adherence.streak_back(days, day, paused_for(user, start))
        if stopped >= start:
            return streak
        window *= 4
