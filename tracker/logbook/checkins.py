"""Pain check-ins of one person (a score outside a session): log one, read, delete,
list.

Logging a check-in (``create_checkin``) follows the same story as a session
(tracker.logbook.sessions): a replay answers again (a deleted one is a 410), then the
time is checked, then ``add`` and ``flush``; the route commits and dumps it.

Every query is scoped to the person. Callers commit."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from tracker.auth.models import User
from tracker.database import before_writing
from tracker.domain.clock import local_date
from tracker.domain.wording import N_
from tracker.errors import NotFound
from tracker.extensions import db
from tracker.listing import Page, in_range, paged
from tracker.logbook import replays
from tracker.logbook.models import Checkin
from tracker.logbook.sessions import check_time


def create_checkin(user: User, data: dict, now: dt.datetime) -> tuple[Checkin, bool]:
    """(check-in, created): a new check-in from the validated API body ``data``, or the
    one this device sent before under the same client_id."""
    with before_writing():
        replayed = replays.sent_before(user, Checkin, data["client_id"])
        if replayed is not None:
            return replayed, False
        checkin = new_checkin(user, data, now)
    db.session.add(checkin)
    try:
        db.session.flush()
    except IntegrityError:
        # A twin request with the same client_id (a double tap) inserted first.
        db.session.rollback()
        twin = replays.sent_before(user, Checkin, data["client_id"])
        if twin is None:
            raise
        return twin, False
    return checkin, True


def new_checkin(user: User, data: dict, now: dt.datetime) -> Checkin:
    """An unsaved check-in from validated data; raises Invalid for a bad time."""
    return Checkin(**checkin_values(user, data, now))


def checkin_values(user: User, data: dict, now: dt.datetime) -> dict:
    """A check-in's column values from validated data (the import writes these in
    bulk); raises Invalid for a bad time."""
    check_time("recorded_at", data["recorded_at"], now)
    return {"user_id": user.id, "local_date": local_date(data["recorded_at"], user.timezone),
            "note": "", "context": "other", **data}


def _owned(user: User) -> Select:
    return select(Checkin).where(Checkin.user_id == user.id)


def get_checkin(user: User, checkin_id: int) -> Checkin:
    checkin = db.session.scalar(_owned(user).where(Checkin.id == checkin_id))
    if checkin is None:
        raise NotFound(N_("No such check-in."))
    return checkin


def delete_checkin(user: User, checkin_id: int) -> None:
    replays.delete_with_tombstone(user, get_checkin(user, checkin_id))


def list_checkins(user: User, date_from: dt.date | None, date_to: dt.date | None,
                  page: int, per_page: int) -> Page:
    query = in_range(_owned(user), Checkin.local_date, date_from, date_to)
    return paged(query, (Checkin.recorded_at.desc(), Checkin.id.desc()), page, per_page)
