"""Programme use cases: start (ending the running one), end, list, and the view of a
programme: its days with target bands and the best angles logged, its status, the
gap between the legs and the summary sentence. Callers commit.

``current_program(user)`` is the entry point for other features (reminders use it
for "today's target", with ``domain.progression.band_on``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.exc import IntegrityError

from tracker.auth.models import User
from tracker.domain import progression
from tracker.domain.clock import local_date
from tracker.errors import Conflict, Invalid, NotFound
from tracker.extensions import db
from tracker.logbook.models import SessionEntry, Stretch, StretchSession
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
        return progression.end_date(self.program.start_date, self.program.length_days)

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
    def today_day(self) -> progression.ProgramDay | None:
        """Today's programme day, if the programme is active and today is one of its days."""
        n = progression.day_number(self.program.start_date, self.today)
        return self.days[n - 1] if self.program.active and 1 <= n <= len(self.days) else None


def view(user: User, program: Program, today: dt.date,
         best: dict[dt.date, tuple[float | None, float | None]] | None = None) -> ProgramView:
    """``best``: the best angles per day when the caller has them already (covering
    the programme's days up to today); else they are queried."""
    end = progression.end_date(program.start_date, program.length_days)
    if best is None:
        best = best_slr_angles(user, program.start_date, end)
    days = progression.program_days(program.start_date, program.length_days,
                                    program.affected_leg, best)
    return ProgramView(program, days, today)


def _today(user: User, now: dt.datetime) -> dt.date:
    return local_date(now, user.timezone)


def active_programs(user_ids: list[int]) -> dict[int, Program]:
    """The active programme of each of these people that has one (one query per 500)."""
    found: dict[int, Program] = {}
    for start in range(0, len(user_ids), 500):
        found.update((p.user_id, p) for p in db.session.scalars(select(Program).where(
            Program.user_id.in_(user_ids[start:start + 500]), Program.status == "active")))
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
    length: int
    band: progression.Band


def day_target(user: User, day: dt.date) -> DayTarget | None:
    """The running programme's target on the person's local ``day``, or None when no
    programme runs or ``day`` is outside it."""
    program = current_program(user)
    if program is None:
        return None
    band = progression.band_on(program.start_date, program.length_days, day)
    if band is None:
        return None
    return DayTarget(program.affected_leg, progression.day_number(program.start_date, day),
                     program.length_days, band)


def current_view(user: User, now: dt.datetime) -> ProgramView:
    program = current_program(user)
    if program is None:
        raise NotFound("No programme is running.")
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
        raise Conflict("Another programme was started at the same moment; reload and try again.") \
            from None
    return view(user, program, today)


def end_current(user: User, now: dt.datetime) -> ProgramView:
    program = current_program(user)
    if program is None:
        raise NotFound("No programme is running.")
    program.status, program.ended_at = "ended", now
    db.session.flush()
    return view(user, program, _today(user, now))
