"""Stretching sessions of one person: log one, read, change, delete, list.

Logging a session (``create_session``), top to bottom:

1. a replay? the session this device sent under the same client_id answers again
   (a deleted one is a 410), checked before the body, so a replay is answered even
   where the same body would now be refused;
2. validation: the entries' stretches and the rules of tracker.domain.entries;
3. the insert: ``db.session.add`` and ``flush``; the flush also raises the person's
   data version (tracker.data_version);
4. the answer: the route commits and dumps the session.

Steps 1 and 2 only read; on SQLite they run before the write lock is taken
(tracker.database.before_writing), which is then held for the insert alone.

Every query is scoped to the person: another person's session is simply not found.
Callers commit."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache

from sqlalchemy import Insert, Select, bindparam, insert, or_, select
from sqlalchemy.exc import IntegrityError

from tracker.auth.models import User
from tracker import data_version
from tracker.database import before_writing
from tracker.domain import entries as entry_rules
from tracker.domain.clock import local_date
from tracker.domain.wording import N_
from tracker.errors import Invalid, NotFound
from tracker.extensions import db
from tracker.listing import Page, in_range, paged
from tracker.logbook import replays
from tracker.logbook.models import Checkin, SessionEntry, Stretch, StretchSession


def create_session(user: User, data: dict, now: dt.datetime) -> tuple[StretchSession, bool]:
    """(session, created): a new session from the validated API body ``data``, or the
    one this device sent before under the same client_id."""
    with before_writing():
        replayed = replays.sent_before(user, StretchSession, data["client_id"])
        if replayed is not None:
            return replayed, False
        session = new_session(user, data, now)
    try:
        _insert(session)
    except IntegrityError:
        # A twin request with the same client_id (a double tap) inserted first.
        db.session.rollback()
        twin = replays.sent_before(user, StretchSession, data["client_id"])
        if twin is None:
            raise
        return twin, False
    return session, True


def _insert(session: StretchSession) -> None:
    """INSERT the session, then all its entries in one statement. (``db.session.add``
    and ``flush`` would do the same with one INSERT per entry on SQLite, which cannot
    return the ids of a batch in order, and SQLite's write lock is held meanwhile.)
    The person's data version is raised with each statement (tracker.data_version).
    ``session`` and its entries take their ids and defaults; they stay outside the
    ORM's session, to answer with."""
    session.id, session.created_at, session.updated_at = db.session.execute(
        _insert_session(), {
            "user_id": session.user_id, "client_id": session.client_id,
            "performed_at": session.performed_at, "local_date": session.local_date,
            "pain_before": session.pain_before, "pain_after": session.pain_after,
            "notes": session.notes}).one()
    ids = dict(db.session.execute(_insert_entries(), [{
        "session_id": session.id, "position": e.position, "stretch_id": e.stretch.id,
        "side": e.side, "reps": e.reps, "hold_seconds": e.hold_seconds,
        "angle_deg": e.angle_deg, "angle_method": e.angle_method, "assisted": e.assisted,
        "worse": e.worse} for e in session.entries],
        execution_options={data_version.OWNER: session.user_id}).all())
    for entry in session.entries:
        entry.id, entry.session_id = ids[entry.position], session.id


# The two INSERTs, built once (see tracker.logbook.replays); the entries' statement
# returns each entry's position beside its id, as a batch's rows may come back in any
# order.
@cache
def _insert_session() -> Insert:
    table = StretchSession.__table__
    return insert(table).returning(table.c.id, table.c.created_at, table.c.updated_at)


@cache
def _insert_entries() -> Insert:
    table = SessionEntry.__table__
    return insert(table).returning(table.c.position, table.c.id)


def new_session(user: User, data: dict, now: dt.datetime,
                stretches: Mapping[str, Stretch] | None = None) -> StretchSession:
    """An unsaved session from validated data; raises Invalid for a bad time or entry."""
    values, entries = session_values(user, data, now, stretches)
    return StretchSession(**values, entries=[SessionEntry(stretch=stretch, **entry)
                                             for stretch, entry in entries])


def session_values(user: User, data: dict, now: dt.datetime,
                   stretches: Mapping[str, Stretch] | None = None
                   ) -> tuple[dict, list[tuple[Stretch, dict]]]:
    """A session's column values and its entries' (each with its stretch) from
    validated data, by the log book's rules; raises Invalid for a bad time or entry.
    The import writes these values in bulk, so both follow the same rules (passing the
    person's ``stretches`` by slug, looked up once for the whole file)."""
    check_time("performed_at", data["performed_at"], now)
    return ({"user_id": user.id, "client_id": data["client_id"],
             "performed_at": data["performed_at"],
             "local_date": local_date(data["performed_at"], user.timezone),
             "pain_before": data.get("pain_before"), "pain_after": data.get("pain_after"),
             "notes": data.get("notes", "")},
            entry_values(user, data["entries"], stretches=stretches))


def check_time(field: str, when: dt.datetime, now: dt.datetime) -> None:
    problem = entry_rules.performed_at_problem(when, now)
    if problem:
        raise Invalid.field(field, problem)


@cache
def _stretches_named() -> Select:
    """The stretches of :user_id's (and built-ins) with one of the :slugs; built once
    (see tracker.logbook.replays)."""
    return select(Stretch).where(
        or_(Stretch.owner_id.is_(None), Stretch.owner_id == bindparam("user_id")),
        Stretch.slug.in_(bindparam("slugs", expanding=True)))


def _stretches_by_slug(user: User, slugs: set[str] | None, kept: frozenset[int]
                       ) -> dict[str, Stretch]:
    """This person's stretches (and built-ins) with these slugs (None: all of them); an
    archived one only where ``kept`` (the ids a session being edited already had)
    holds it."""
    if slugs is None:
        found = db.session.scalars(select(Stretch).where(
            or_(Stretch.owner_id.is_(None), Stretch.owner_id == user.id)))
    else:
        found = db.session.scalars(_stretches_named(), {"user_id": user.id, "slugs": list(slugs)})
    return {s.slug: s for s in found if s.archived_at is None or s.id in kept}


def loggable_stretches(user: User) -> dict[str, Stretch]:
    """Every stretch this person may log (built-ins and their own, not archived), by slug."""
    return _stretches_by_slug(user, None, frozenset())


def build_entries(user: User, raw_entries: list[dict],
                  kept: frozenset[int] = frozenset()) -> list[SessionEntry]:
    """Unsaved entries from their raw fields (see ``entry_values``)."""
    return [SessionEntry(stretch=stretch, **values)
            for stretch, values in entry_values(user, raw_entries, kept)]


def entry_values(user: User, raw_entries: list[dict], kept: frozenset[int] = frozenset(),
                 stretches: Mapping[str, Stretch] | None = None
                 ) -> list[tuple[Stretch, dict]]:
    """Each entry's stretch and column values from its raw fields, with the stretch's
    defaults where a field is left out; every problem at once, each named by its path
    (``entries.2.side``). ``stretches``: ``loggable_stretches(user)`` when the caller
    has it already."""
    by_slug = stretches if stretches is not None else _stretches_by_slug(
        user, {e["stretch"] for e in raw_entries}, kept)
    problems: dict[str, list[str]] = {}
    built: list[tuple[Stretch, dict]] = []
    for i, raw in enumerate(raw_entries):
        stretch = by_slug.get(raw["stretch"])
        if stretch is None:
            problems[f"entries.{i}.stretch"] = [N_("Unknown stretch.")]
            continue
        side = raw.get("side") or entry_rules.default_side(stretch.per_side)
        angle = raw.get("angle_deg")
        for field, message in entry_rules.entry_problems(
                per_side=stretch.per_side, measures_angle=stretch.measures_angle, side=side,
                angle_deg=angle, angle_method=raw.get("angle_method")).items():
            problems[f"entries.{i}.{field}"] = [message]
        built.append((stretch, {
            "position": i, "side": side,
            "reps": raw.get("reps", stretch.reps),
            "hold_seconds": raw.get("hold_seconds", stretch.hold_seconds),
            "angle_deg": None if angle is None else round(angle, 1),
            "angle_method": raw.get("angle_method") or entry_rules.default_angle_method(angle),
            "assisted": raw.get("assisted") or entry_rules.default_assisted(
                stretch.slug, stretch.needs_helper),
            "worse": raw.get("worse", False)}))
    if problems:
        raise Invalid(N_("Some entries are not valid."), problems)
    return built


def _owned(user: User) -> Select:
    return select(StretchSession).where(StretchSession.user_id == user.id)


def get_session(user: User, session_id: int) -> StretchSession:
    session = db.session.scalar(_owned(user).where(StretchSession.id == session_id))
    if session is None:
        raise NotFound(N_("No such session."))
    return session


def update_session(user: User, session_id: int, data: dict, now: dt.datetime) -> StretchSession:
    if not data:
        raise Invalid(N_("Send at least one field to change."),
                      {"_schema": [N_("Send at least one field to change.")]})
    session = get_session(user, session_id)
    if "performed_at" in data:
        check_time("performed_at", data["performed_at"], now)
        session.performed_at = data["performed_at"]
        session.local_date = local_date(data["performed_at"], user.timezone)
    for field in ("pain_before", "pain_after", "notes"):
        if field in data:
            setattr(session, field, data[field])
    if "entries" in data:
        kept = frozenset(e.stretch_id for e in session.entries)
        session.entries = build_entries(user, data["entries"], kept)
    db.session.flush()
    return session


def delete_session(user: User, session_id: int) -> None:
    replays.delete_with_tombstone(user, get_session(user, session_id))


def list_sessions(user: User, date_from: dt.date | None, date_to: dt.date | None,
                  page: int, per_page: int) -> Page:
    query = in_range(_owned(user), StretchSession.local_date, date_from, date_to)
    return paged(query, (StretchSession.performed_at.desc(), StretchSession.id.desc()),
                 page, per_page)


def logged_before(user: User, day: dt.date) -> bool:
    """Whether anything (a session or a check-in) was logged before ``day``."""
    for model in (StretchSession, Checkin):
        if db.session.scalar(select(model.id).where(
                model.user_id == user.id, model.local_date < day).limit(1)) is not None:
            return True
    return False
