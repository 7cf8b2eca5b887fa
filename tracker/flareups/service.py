"""Flare-up use cases: start one (one at a time), end it early, list them, and the
paused days other features step over (the programme, streaks, reminders). Callers
commit."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from tracker.auth.models import User
from tracker.domain import flareups
from tracker.domain.clock import local_date
from tracker.domain.wording import N_, Text
from tracker.errors import Conflict, Invalid, NotFound
from tracker.database import in_batches
from tracker.extensions import db
from tracker.flareups.models import FlareUp

LIST_MAX = 200


@dataclass(frozen=True)
class FlareUpView:
    """A flare-up as shown and sent, seen on the person's ``today``."""
    id: int
    start_date: dt.date
    end_date: dt.date
    days: int
    note: str
    active: bool
    days_left: int  # today included; 0 when it is not running

    @classmethod
    def of(cls, flare: FlareUp, today: dt.date) -> "FlareUpView":
        span = flare.span
        active = flareups.running(span, today, flare.ended_at is not None)
        return cls(flare.id, span.start, span.end, span.days, flare.note, active,
                   span.days_left(today) if active else 0)


def _today(user: User, now: dt.datetime) -> dt.date:
    return local_date(now, user.timezone)


def list_views(user: User, now: dt.datetime) -> list[FlareUpView]:
    """The person's flare-ups, newest first."""
    today = _today(user, now)
    return [FlareUpView.of(f, today) for f in db.session.scalars(
        select(FlareUp).where(FlareUp.user_id == user.id)
        .order_by(FlareUp.start_date.desc()).limit(LIST_MAX))]


def in_range(user: User, date_from: dt.date, date_to: dt.date, today: dt.date) -> list[FlareUpView]:
    """The flare-ups with a day in ``date_from``..``date_to``, oldest first."""
    return [FlareUpView.of(f, today) for f in db.session.scalars(
        select(FlareUp).where(FlareUp.user_id == user.id, FlareUp.end_date >= date_from,
                              FlareUp.start_date <= date_to).order_by(FlareUp.start_date))]


def _running(user: User, today: dt.date) -> FlareUp | None:
    return db.session.scalar(select(FlareUp).where(
        FlareUp.user_id == user.id, FlareUp.ended_at.is_(None),
        FlareUp.start_date <= today, FlareUp.end_date >= today))


def current(user: User, now: dt.datetime) -> FlareUpView | None:
    """The running flare-up, or None."""
    return current_on(user, _today(user, now))


def current_on(user: User, today: dt.date) -> FlareUpView | None:
    flare = _running(user, today)
    return None if flare is None else FlareUpView.of(flare, today)


def start(user: User, data: dict, now: dt.datetime) -> FlareUpView:
    """Start a flare-up: 409 while one runs, or when its days overlap an earlier one."""
    today = _today(user, now)
    begin = data.get("start_date") or today
    problem = flareups.start_problem(begin, today)
    if problem:
        raise Invalid.field("start_date", problem)
    span = flareups.span(begin, data.get("days") or flareups.DAYS_DEFAULT)
    # Concurrent starts of one person queue here (PostgreSQL; SQLite's writing request
    # holds the write lock already), so the checks below see each other's rows.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    if _running(user, today) is not None:
        raise Conflict(N_("A flare-up is already running: end it before starting another."))
    clash = db.session.scalar(select(FlareUp).where(
        FlareUp.user_id == user.id, FlareUp.start_date <= span.end,
        FlareUp.end_date >= span.start).limit(1))
    if clash is not None:
        raise Conflict(Text("These days overlap the flare-up from %(start)s to %(end)s.",
                            start=clash.start_date, end=clash.end_date))
    flare = FlareUp(user_id=user.id, start_date=span.start, end_date=span.end,
                    note=data.get("note") or "", created_at=now)
    db.session.add(flare)
    db.session.flush()
    return FlareUpView.of(flare, today)


def end_current(user: User, now: dt.datetime) -> FlareUpView:
    """"I'm better": the running flare-up ends (today counts again; see
    domain.flareups.ended_early)."""
    today = _today(user, now)
    flare = _running(user, today)
    if flare is None:
        raise NotFound(N_("No flare-up is running."))
    flare.end_date = flareups.ended_early(flare.span, today).end
    flare.ended_at = now
    db.session.flush()
    return FlareUpView.of(flare, today)


def paused_dates(user_ids: list[int], date_from: dt.date) -> dict[int, frozenset[dt.date]]:
    """The paused days from ``date_from`` on of each of these people (one query per 500)."""
    spans: dict[int, list[flareups.Span]] = defaultdict(list)
    for batch in in_batches(user_ids):
        for user_id, begin, end in db.session.execute(
                select(FlareUp.user_id, FlareUp.start_date, FlareUp.end_date).where(
                    FlareUp.user_id.in_(batch), FlareUp.end_date >= date_from)):
            spans[user_id].append(flareups.Span(begin, end))
    return {user_id: flareups.paused_dates(s) for user_id, s in spans.items()}


def paused_for(user: User | int, date_from: dt.date) -> frozenset[dt.date]:
    user_id = user if isinstance(user, int) else user.id
    return paused_dates([user_id], date_from).get(user_id, frozenset())
