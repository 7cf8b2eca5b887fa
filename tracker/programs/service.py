"""Programme use cases: start (ending the running one), end, list, and the view of a
programme: its days with their steps, target bands, hold days and the best angles
logged, its status, the gap between the legs and the summary sentence. Callers commit.

A programme's days depend on the person's log (hold days: ``hold_dates``) and their
flare-ups (paused days), not on its start and length alone, so every feature asks
here: ``view`` for the whole programme, ``day_target`` for one day (the log form, the
guided session, Today) and ``day_targets`` for many people at once (reminders).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.exc import IntegrityError

from tracker.auth.models import User
from tracker.domain import progression
from tracker.domain.clock import local_date
from tracker.domain.wording import N_
from tracker.errors import Conflict, Invalid, NotFound
from tracker.database import in_batches
from tracker.extensions import db
from tracker.flareups.service import paused_dates
from tracker.logbook.models import SessionEntry, Stretch, StretchSession
from tracker.person_caches import cached_for
from tracker.programs.models import Program

LIST_MAX = 100


def _slr_bests_by_day(user: User, date_from: dt.date, date_to: dt.date, *columns) -> Select:  # noqa: ANN002
    """(local day, leg, *columns) over the straight-leg-raise entries with an angle,
    one row per day and leg (the caller's aggregates in ``columns``)."""
    return (select(StretchSession.local_date, SessionEntry.side, *columns)
            .join(SessionEntry, SessionEntry.session_id == StretchSession.id)
            .join(Stretch, Stretch.id == SessionEntry.stretch_id)
            .where(StretchSession.user_id == user.id,
                   StretchSession.local_date.between(date_from, date_to),
                   Stretch.owner_id.is_(None), Stretch.slug.in_(progression.SLR_STRETCHES),
                   SessionEntry.side.in_(progression.LEGS), SessionEntry.angle_deg.is_not(None))
            .group_by(StretchSession.local_date, SessionEntry.side))


def best_slr_angles(user: User, date_from: dt.date, date_to: dt.date
                    ) -> dict[dt.date, tuple[float | None, float | None]]:
    """The best straight-leg-raise angle per local day and leg, as (left, right),
    computed by the database (GROUP BY day, side) over the SLR stretches only."""
    rows = db.session.execute(_slr_bests_by_day(user, date_from, date_to,
                                                func.max(SessionEntry.angle_deg)))
    best: dict[dt.date, list] = {}
    for day, side, angle in rows:
        best.setdefault(day, [None, None])[progression.LEGS.index(side)] = float(angle)
    return {day: (left, right) for day, (left, right) in best.items()}


def phone_measured_bests(user: User, date_from: dt.date, date_to: dt.date
                         ) -> frozenset[tuple[dt.date, str]]:
    """The (local day, leg) pairs whose best straight-leg-raise angle was measured
    with the phone (a phone reading at least as high as every other that day)."""
    best = func.max(SessionEntry.angle_deg)
    by_phone = func.max(case((SessionEntry.angle_method == "phone", SessionEntry.angle_deg)))
    rows = db.session.execute(
        _slr_bests_by_day(user, date_from, date_to).having(by_phone >= best))
    return frozenset((day, side) for day, side in rows)


def hold_dates(user_ids: list[int], date_from: dt.date, date_to: dt.date
               ) -> dict[int, frozenset[dt.date]]:
    """The hold days (``progression.is_hold``) of each of these people between the two
    dates: one row per session, with its pain rise and whether a stretch in it was
    marked "made it worse" (one query per 500 people)."""
    worse = (select(SessionEntry.id).where(SessionEntry.session_id == StretchSession.id,
                                           SessionEntry.worse.is_(True)).exists())
    by_day: dict[tuple[int, dt.date], list] = {}
    for batch in in_batches(user_ids):
        for user_id, day, rise, any_worse in db.session.execute(
                select(StretchSession.user_id, StretchSession.local_date,
                       StretchSession.pain_after - StretchSession.pain_before, worse)
                .where(StretchSession.user_id.in_(batch),
                       StretchSession.local_date.between(date_from, date_to))):
            rises, worse_seen = by_day.get((user_id, day), ([], False))
            by_day[(user_id, day)] = ([*rises, rise], worse_seen or bool(any_worse))
    holds: dict[int, set[dt.date]] = {}
    for (user_id, day), (rises, any_worse) in by_day.items():
        if progression.is_hold(rises, any_worse):
            holds.setdefault(user_id, set()).add(day)
    return {user_id: frozenset(days) for user_id, days in holds.items()}


@dataclass
class ProgramView:
    """A programme with everything computed for showing it."""
    program: Program
    days: list[progression.ProgramDay]
    today: dt.date

    def __getattr__(self, name):  # the stored fields: id, affected_leg, start_date, ...
        return getattr(self.program, name)

    @property
    def state(self) -> str:
        return self.program.status

    @property
    def end_date(self) -> dt.date:
        """The last programme day: later than planned by its hold and paused days."""
        return self.days[-1].date

    @property
    def finished(self) -> bool:
        """Ended by the person, or past its last day."""
        return not self.program.active or self.today > self.end_date

    @property
    def status(self) -> str | None:
        return progression.status(self.days, self.today)

    @property
    def gap(self) -> float | None:
        return progression.leg_gap(self.days, self.today)

    @property
    def sentence(self) -> str:
        return progression.sentence(self.days, self.today)

    @property
    def holds(self) -> int:
        return progression.hold_count(self.days, self.today)

    @property
    def suggest_pause(self) -> bool:
        return self.program.active and self.holds >= progression.HOLDS_BEFORE_PAUSE \
            and self.today <= self.end_date

    @property
    def outcome(self) -> progression.Outcome:
        return progression.outcome([d for d in self.days if d.date <= self.today])

    @property
    def today_day(self) -> progression.ProgramDay | None:
        """Today's programme day, if the programme is active and today is one of its
        days (not before, after, or paused)."""
        return progression.day_of(self.days, self.today) if self.program.active else None

    @property
    def paused_today(self) -> bool:
        return self.program.active and self.days[0].date <= self.today <= self.end_date \
            and self.today_day is None


def _last_counted(program: Program, today: dt.date, timezone: str) -> dt.date:
    """The last day whose log shapes the programme: today, or the day it was ended."""
    if program.active or program.ended_at is None:
        return today
    return min(today, local_date(program.ended_at, timezone))


def _days(program: Program, today: dt.date, timezone: str, holds: frozenset[dt.date],
          paused: frozenset[dt.date], best) -> list[progression.ProgramDay]:  # noqa: ANN001
    last = _last_counted(program, today, timezone)
    if not program.active:  # what came after the end does not move an ended programme
        paused = frozenset(d for d in paused if d <= last)
    return progression.program_days(program.start_date, program.length_days,
                                    program.affected_leg, best,
                                    frozenset(d for d in holds if d <= last), paused)


def view(user: User, program: Program, today: dt.date,
         best: dict[dt.date, tuple[float | None, float | None]] | None = None) -> ProgramView:
    """``best``: the best angles per day when the caller has them already (covering
    the programme's days up to today); else they are queried."""
    last = _last_counted(program, today, user.timezone)
    holds = hold_dates([user.id], program.start_date, last).get(user.id, frozenset())
    paused = paused_dates([user.id], program.start_date).get(user.id, frozenset())
    if best is None:
        # The programme's last day is at the latest its planned end moved by every hold
        # and paused day (each moves it by one).
        latest = progression.planned_end(program.start_date, program.length_days) \
            + dt.timedelta(days=len(holds) + len(paused))
        best = best_slr_angles(user, program.start_date, latest)
    return ProgramView(program, _days(program, today, user.timezone, holds, paused, best), today)


def _today(user: User, now: dt.datetime) -> dt.date:
    return local_date(now, user.timezone)


def active_programs(user_ids: list[int]) -> dict[int, Program]:
    """The active programme of each of these people that has one (one query per 500)."""
    found: dict[int, Program] = {}
    for batch in in_batches(user_ids):
        found.update((p.user_id, p) for p in db.session.scalars(select(Program).where(
            Program.user_id.in_(batch), Program.status == "active")))
    return found


def current_program(user: User | int) -> Program | None:
    """The person's active programme, or None. ``user`` may be the id alone (the
    reminder dispatcher has ids, not loaded users)."""
    user_id = user if isinstance(user, int) else user.id
    return db.session.scalar(select(Program).where(
        Program.user_id == user_id, Program.status == "active"))


@dataclass(frozen=True)
class DayTarget:
    """What the running programme asks of the affected leg on one day."""
    leg: str
    day: int
    length: int  # programme days, hold days included
    band: progression.Band
    held: bool = False  # the band stays that of the day before (pain rose then)


def _target_of(days: list[progression.ProgramDay], leg: str, on: dt.date) -> DayTarget | None:
    day = progression.day_of(days, on)
    return None if day is None else DayTarget(leg, day.day, len(days), day.band,
                                              progression.held(days, day))


def day_target(user: User, day: dt.date) -> DayTarget | None:
    """The running programme's target on the person's local ``day``, or None when no
    programme runs or ``day`` is not one of its days (before, after, or paused).
    Cached per worker under the person's data version."""
    def make() -> DayTarget | None:
        program = current_program(user)
        if program is None:
            return None
        return _target_of(view(user, program, day, best={}).days, program.affected_leg, day)
    return cached_for(user, "day-target", (day,), "TODAY_CACHE_SIZE", make)


def day_targets(wanted: list[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], DayTarget | None]:
    """``day_target`` for many (user_id, local day) pairs: a few queries per 500
    people, whatever their number (the reminder dispatcher's batch)."""
    programs = active_programs(sorted({user_id for user_id, _day in wanted}))
    if not programs:
        return {pair: None for pair in wanted}
    ids = sorted(programs)
    first = min(p.start_date for p in programs.values())
    last = max(day for _user, day in wanted)
    holds = hold_dates(ids, first, last)
    paused = paused_dates(ids, first)
    found: dict[tuple[int, dt.date], DayTarget | None] = {}
    for user_id, day in wanted:
        program = programs.get(user_id)
        if program is None:
            found[(user_id, day)] = None
            continue
        days = progression.program_days(
            program.start_date, program.length_days, program.affected_leg, {},
            frozenset(d for d in holds.get(user_id, ()) if d <= day),
            paused.get(user_id, frozenset()))
        found[(user_id, day)] = _target_of(days, program.affected_leg, day)
    return found


def current_view(user: User, now: dt.datetime) -> ProgramView:
    program = current_program(user)
    if program is None:
        raise NotFound(N_("No programme is running."))
    return view(user, program, _today(user, now))


def list_views(user: User, now: dt.datetime) -> list[ProgramView]:
    """Every programme, newest first (the active one, then the ended ones)."""
    programs = db.session.scalars(select(Program).where(Program.user_id == user.id)
                                  .order_by(Program.id.desc()).limit(LIST_MAX))
    today = _today(user, now)
    return [view(user, p, today) for p in programs]


def _end_active(user: User, now: dt.datetime) -> int:
    result = db.session.execute(
        update(Program).where(Program.user_id == user.id, Program.status == "active")
        .values(status="ended", ended_at=now).execution_options(synchronize_session="fetch"))
    return result.rowcount


def start_program(user: User, data: dict, now: dt.datetime) -> ProgramView:
    """Start a programme; the running one, if any, ends (it stays listed)."""
    today = _today(user, now)
    start = data.get("start_date") or today
    problem = progression.start_problem(start, today)
    if problem:
        raise Invalid.field("start_date", problem)
    _end_active(user, now)
    program = Program(user_id=user.id, affected_leg=data["affected_leg"], start_date=start,
                      length_days=data.get("length_days") or progression.LENGTH_DEFAULT,
                      status="active")
    db.session.add(program)
    try:
        db.session.flush()
    except IntegrityError:
        # A concurrent start won the one-active slot between our update and insert.
        db.session.rollback()
        raise Conflict(N_("Another programme was started at the same moment; reload and try again.")) \
            from None
    return view(user, program, today)


def end_current(user: User, now: dt.datetime) -> ProgramView:
    program = current_program(user)
    if program is None:
        raise NotFound(N_("No programme is running."))
    program.status, program.ended_at = "ended", now
    db.session.flush()
    return view(user, program, _today(user, now))


# How long after its last day Today still says how a programme went.
FINISHED_SHOWN_DAYS = 7


@dataclass(frozen=True)
class TodayNote:
    """What Today says of the programme: the running one's target (held or not) and
    whether it suggests a pause; how a programme that finished lately went; or
    nothing running, so Today offers one."""
    running: bool
    target: DayTarget | None = None
    paused_today: bool = False
    suggest_pause: bool = False
    holds: int = 0
    finished_on: dt.date | None = None
    outcome: str | None = None
    next_step: str | None = None


def today_note(user: User, day: dt.date) -> TodayNote:
    """Cached per worker under the person's data version, like Today's figures."""
    return cached_for(user, "program-note", (day, user.timezone), "TODAY_CACHE_SIZE",
                      lambda: _today_note(user, day))


def _today_note(user: User, day: dt.date) -> TodayNote:
    latest = db.session.scalar(select(Program).where(Program.user_id == user.id)
                               .order_by(Program.id.desc()).limit(1))
    if latest is None:
        return TodayNote(running=False)
    shown = view(user, latest, day)
    if not shown.finished:
        return TodayNote(running=True, paused_today=shown.paused_today,
                         target=_target_of(shown.days, latest.affected_leg, day),
                         suggest_pause=shown.suggest_pause, holds=shown.holds)
    finished_on = min(shown.end_date, _last_counted(latest, day, user.timezone))
    if (day - finished_on).days > FINISHED_SHOWN_DAYS:
        return TodayNote(running=False)
    outcome = shown.outcome
    return TodayNote(running=False, finished_on=finished_on, outcome=outcome.sentence,
                     next_step=outcome.next_step)
