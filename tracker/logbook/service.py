"""Log book use cases: the stretch library, sessions and check-ins of one user.

Every query is scoped to the user: another user's object is simply not found. Creates
are idempotent by the device's client_id. Callers commit.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Insert, Select, Table, bindparam, func, insert, or_, select, true
from sqlalchemy.exc import IntegrityError

from tracker.auth.models import User
from tracker.catalog import DEFAULT_PLAN
from tracker.domain import adherence, entries as entry_rules, plan, safety
from tracker.domain.clock import local_date
from tracker.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from tracker.extensions import db, reading_first
from tracker.logbook.models import Checkin, DeletedRecord, SessionEntry, Stretch, StretchSession
from tracker.versioning import cached_for, raise_version_now

# ---------------------------------------------------------------- stretches


def _own_or_builtin(user: User) -> Select:
    """Every stretch of this user's, archived ones included (old sessions name them)."""
    return select(Stretch).where(or_(Stretch.owner_id.is_(None), Stretch.owner_id == user.id))


def _visible(user: User) -> Select:
    """The library this user chooses from: built-ins and their own, not archived."""
    return _own_or_builtin(user).where(Stretch.archived_at.is_(None))


def visible_stretches(user: User) -> list[Stretch]:
    return list(db.session.scalars(
        _visible(user).order_by(Stretch.owner_id.is_not(None), Stretch.id)))


@dataclass(frozen=True)
class StretchCard:
    """A stretch as the log form and Today show it: a copy of its row, apart from the
    database, so a worker can keep it (``library``, Today's plan)."""

    id: int
    owner_id: int | None
    slug: str
    name: str
    spine: str
    hold_seconds: int
    reps: int
    per_side: bool
    needs_helper: bool
    measures_angle: bool
    archived_at: dt.datetime | None = None

    @property
    def builtin(self) -> bool:
        return self.owner_id is None

    @classmethod
    def of(cls, s: Stretch) -> StretchCard:
        return cls(s.id, s.owner_id, s.slug, s.name, s.spine, s.hold_seconds, s.reps,
                   s.per_side, s.needs_helper, s.measures_angle, s.archived_at)


def library(user: User) -> tuple[StretchCard, ...]:
    """``visible_stretches`` as cards, from the per-worker cache while the person's
    data version is unchanged (their own stretches are part of their data)."""
    return cached_for(user, "library", (), "TODAY_CACHE_SIZE",
                      lambda: tuple(map(StretchCard.of, visible_stretches(user))))


def stretch_by_slug(user: User, slug: str) -> Stretch:
    found = db.session.scalar(_visible(user).where(Stretch.slug == slug))
    if found is None:
        raise NotFound("No such stretch.")
    return found


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:60].strip("-")


# Page addresses under /stretches/ that a stretch's slug would hide.
RESERVED_SLUGS = frozenset({"new"})


def create_custom_stretch(user: User, data: dict) -> Stretch:
    if data.get("slug") in RESERVED_SLUGS:
        raise Invalid.field("slug", "This slug is reserved: choose another.")
    slug = data.get("slug") or slugify(data["name"])
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-stretch"
    if not slug:
        raise Invalid.field("slug", "Give a slug: the name has no letters or digits.")
    if db.session.scalar(_own_or_builtin(user).where(Stretch.slug == slug)) is not None:
        raise Conflict("That slug is taken.", {"slug": ["Already used by another stretch."]})
    stretch = Stretch(owner_id=user.id, **{**data, "slug": slug})
    db.session.add(stretch)
    try:
        db.session.flush()
    except IntegrityError:
        # A concurrent request (a double tap) took the slug between check and insert.
        db.session.rollback()
        raise Conflict("That slug is taken.",
                       {"slug": ["Already used by another stretch."]}) from None
    return stretch


def own_stretch(user: User, slug: str) -> Stretch:
    """A custom stretch of this user's, to change or remove; built-ins are read-only."""
    stretch = stretch_by_slug(user, slug)
    if stretch.builtin:
        raise Forbidden("Built-in stretches cannot be changed or removed.")
    return stretch


def update_custom_stretch(user: User, slug: str, data: dict) -> Stretch:
    """Change a custom stretch; its slug stays, so logged sessions keep naming it."""
    stretch = own_stretch(user, slug)
    for field, value in data.items():
        setattr(stretch, field, value)
    db.session.flush()
    return stretch


def remove_custom_stretch(user: User, slug: str, now: dt.datetime) -> bool:
    """Remove a custom stretch: deleted if no session names it, else archived (True).
    An archived stretch gives its slug back so a new stretch may use the name again."""
    stretch = own_stretch(user, slug)
    used = db.session.scalar(select(SessionEntry.id).where(
        SessionEntry.stretch_id == stretch.id).limit(1)) is not None
    if not used:
        db.session.delete(stretch)
        db.session.flush()
        return False
    suffix = f"-archived-{stretch.id}"
    stretch.slug = stretch.slug[:60 - len(suffix)].rstrip("-") + suffix
    stretch.archived_at = now
    db.session.flush()
    return True


def caution_slugs(user: User) -> frozenset[str]:
    """Stretches this person has marked as making pain worse in enough sessions to warn
    (a session counts once, however many of its entries, e.g. both legs, were marked).
    ``worse == true()`` (not ``IS``) matches the partial index ix_session_entry_worse,
    so the query reads the few marked entries, not every entry of the history."""
    return safety.stretches_to_caution(dict(db.session.execute(worse_counts(user)).all()))


def worse_counts(user: User) -> Select:
    """(slug, sessions in which it was marked "made it worse") for ``user``."""
    return (
        select(Stretch.slug, func.count(SessionEntry.session_id.distinct()))
        .select_from(SessionEntry)
        .join(StretchSession, StretchSession.id == SessionEntry.session_id)
        .join(Stretch, Stretch.id == SessionEntry.stretch_id)
        .where(SessionEntry.worse == true(), StretchSession.user_id == user.id)
        .group_by(Stretch.slug))


# ---------------------------------------------------------------- sessions


@cache
def _stretches_named() -> Select:
    """The stretches of :user_id's (and built-ins) with one of the :slugs; built once."""
    return select(Stretch).where(
        or_(Stretch.owner_id.is_(None), Stretch.owner_id == bindparam("user_id")),
        Stretch.slug.in_(bindparam("slugs", expanding=True)))


def _build_entries(user: User, raw_entries: list[dict],
                   kept: frozenset[int] = frozenset()) -> list[SessionEntry]:
    """Entries from their raw fields; an archived stretch is allowed only where the
    session already had it (``kept`` stretch ids), so editing keeps what was logged."""
    slugs = list({e["stretch"] for e in raw_entries})
    by_slug = {s.slug: s for s in db.session.scalars(
        _stretches_named(), {"user_id": user.id, "slugs": slugs})
        if s.archived_at is None or s.id in kept}
    problems: dict[str, list[str]] = {}
    built: list[SessionEntry] = []
    for i, raw in enumerate(raw_entries):
        stretch = by_slug.get(raw["stretch"])
        if stretch is None:
            problems[f"entries.{i}.stretch"] = ["Unknown stretch."]
            continue
        side = raw.get("side") or entry_rules.default_side(stretch.per_side)
        angle = raw.get("angle_deg")
        for field, message in entry_rules.entry_problems(
                per_side=stretch.per_side, measures_angle=stretch.measures_angle, side=side,
                angle_deg=angle, angle_method=raw.get("angle_method")).items():
            problems[f"entries.{i}.{field}"] = [message]
        built.append(SessionEntry(
            position=i, stretch=stretch, stretch_id=stretch.id, side=side,
            reps=raw.get("reps", stretch.reps), hold_seconds=raw.get("hold_seconds", stretch.hold_seconds),
            angle_deg=None if angle is None else round(angle, 1),
            angle_method=raw.get("angle_method") or entry_rules.default_angle_method(angle),
            assisted=raw.get("assisted") or entry_rules.default_assisted(stretch.slug, stretch.needs_helper),
            worse=raw.get("worse", False)))
    if problems:
        raise Invalid("Some entries are not valid.", problems)
    return built


def _check_time(field: str, when: dt.datetime, now: dt.datetime) -> None:
    problem = entry_rules.performed_at_problem(when, now)
    if problem:
        raise Invalid.field(field, problem)


def _session_query(user: User) -> Select:
    return select(StretchSession).where(StretchSession.user_id == user.id)


@cache
def _seen_or_deleted(model: type[StretchSession] | type[Checkin]) -> Select:
    """(id of the row sent under :client_id, whether such a row was deleted) for
    :user_id: both in one round trip, the row itself loaded only on a replay. Built
    once (see ``_insert_returning``)."""
    user_id, client_id = bindparam("user_id"), bindparam("client_id")
    seen = select(model.id).where(model.user_id == user_id, model.client_id == client_id)
    gone = select(DeletedRecord.id).where(
        DeletedRecord.user_id == user_id, DeletedRecord.kind == model.__tablename__,
        DeletedRecord.client_id == client_id)
    return select(seen.scalar_subquery(), gone.exists())


def _create_once(user: User, model: type[StretchSession] | type[Checkin], client_id: str,
                 build: Callable[[], StretchSession | Checkin]) -> tuple:
    """(row, created): the row this device already sent under ``client_id``, or a new
    one from ``build()``. Concurrent replays race on the UNIQUE(user, client_id) key:
    the loser rolls back and answers with the winner's row. A client_id whose row was
    deleted is gone for good, so an offline queue cannot bring it back.

    The row is built (and checked) before the write begins, with reads only, so on
    SQLite the write lock is held for the check and the inserts alone; a replay
    still answers with the stored row even where the body would now be refused."""
    with reading_first():
        try:
            row, refused = build(), None
        except Invalid as err:
            row, refused = None, err
    existing_id, deleted = db.session.execute(
        _seen_or_deleted(model), {"user_id": user.id, "client_id": client_id}).one()
    if existing_id is not None:
        return db.session.get(model, existing_id), False
    if deleted:
        raise Gone("This was deleted; it is not created again.",
                   {"client_id": ["Belongs to a deleted record."]})
    if refused is not None:
        raise refused
    try:
        _insert_new(user, row)
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(select(model).where(
            model.user_id == user.id, model.client_id == client_id))
        if existing is None:
            raise
        return existing, False
    return row, True


@cache
def _insert_returning(table: Table) -> Insert:
    """One INSERT ... RETURNING every column of ``table``, built once: a statement
    made afresh costs more to build and to key for the compiled cache than to run."""
    return insert(table).returning(*table.c)


def _insert_new(user: User, row: StretchSession | Checkin) -> None:
    """Insert a new session with its entries, or a check-in, as the ORM's flush would
    (column defaults included), in one statement per table: the ORM sends one INSERT
    per entry on SQLite, which cannot return the ids of a batch in order, where this
    matches them by position. The owner's data version is raised as for any write
    (tracker.versioning). ``row`` stays outside the ORM session, filled in with its
    ids and defaults, to answer with."""
    table = row.__table__
    given = {c.key: row.__dict__[c.key] for c in table.columns if c.key in row.__dict__}
    stored = db.session.execute(_insert_returning(table), given).one()._mapping
    for key in stored.keys() - given.keys():
        setattr(row, key, stored[key])
    entries = row.entries if isinstance(row, StretchSession) else []
    if entries:
        columns = [c.key for c in SessionEntry.__table__.c if c.key not in ("id", "session_id")]
        ids = dict(db.session.execute(_entry_insert(), [
            {"session_id": row.id, **{key: getattr(entry, key) for key in columns}}
            for entry in entries]).all())
        for entry in entries:
            entry.id, entry.session_id = ids[entry.position], row.id
    raise_version_now(user)


@cache
def _entry_insert() -> Insert:
    table = SessionEntry.__table__
    return insert(table).returning(table.c.position, table.c.id)


def _delete_with_tombstone(user: User, row: StretchSession | Checkin) -> None:
    db.session.add(DeletedRecord(user_id=user.id, kind=row.__tablename__, client_id=row.client_id))
    db.session.delete(row)
    db.session.flush()


def new_session(user: User, data: dict, now: dt.datetime) -> StretchSession:
    """An unsaved session from validated data; raises Invalid for a bad time or entry.
    The import builds rows with it too, so both follow the same rules."""
    _check_time("performed_at", data["performed_at"], now)
    return StretchSession(
        user_id=user.id, client_id=data["client_id"], performed_at=data["performed_at"],
        local_date=local_date(data["performed_at"], user.timezone),
        pain_before=data.get("pain_before"), pain_after=data.get("pain_after"),
        notes=data.get("notes", ""), entries=_build_entries(user, data["entries"]))


def create_session(user: User, data: dict, now: dt.datetime) -> tuple[StretchSession, bool]:
    """(session, created). A client_id seen before returns the stored session unchanged."""
    return _create_once(user, StretchSession, data["client_id"],
                        lambda: new_session(user, data, now))


def get_session(user: User, session_id: int) -> StretchSession:
    session = db.session.scalar(_session_query(user).where(StretchSession.id == session_id))
    if session is None:
        raise NotFound("No such session.")
    return session


def update_session(user: User, session_id: int, data: dict, now: dt.datetime) -> StretchSession:
    session = get_session(user, session_id)
    if "performed_at" in data:
        _check_time("performed_at", data["performed_at"], now)
        session.performed_at = data["performed_at"]
        session.local_date = local_date(data["performed_at"], user.timezone)
    for field in ("pain_before", "pain_after", "notes"):
        if field in data:
            setattr(session, field, data[field])
    if "entries" in data:
        kept = frozenset(e.stretch_id for e in session.entries)
        session.entries = _build_entries(user, data["entries"], kept)
    db.session.flush()
    return session


def delete_session(user: User, session_id: int) -> None:
    _delete_with_tombstone(user, get_session(user, session_id))


def _in_range(query: Select, column, date_from: dt.date | None, date_to: dt.date | None) -> Select:  # noqa: ANN001
    if date_from:
        query = query.where(column >= date_from)
    if date_to:
        query = query.where(column <= date_to)
    return query


def logged_before(user: User, day: dt.date) -> bool:
    """Whether anything (a session or a check-in) was logged before ``day``."""
    for model in (StretchSession, Checkin):
        if db.session.scalar(select(model.id).where(
                model.user_id == user.id, model.local_date < day).limit(1)) is not None:
            return True
    return False


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int


def _paged(query: Select, order, page: int, per_page: int) -> Page:  # noqa: ANN001
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)))
    return Page(items, total or 0, page, per_page)


def list_sessions(user: User, date_from: dt.date | None, date_to: dt.date | None,
                  page: int, per_page: int) -> Page:
    query = _in_range(_session_query(user), StretchSession.local_date, date_from, date_to)
    return _paged(query, (StretchSession.performed_at.desc(), StretchSession.id.desc()), page, per_page)


# ---------------------------------------------------------------- check-ins


def _checkin_query(user: User) -> Select:
    return select(Checkin).where(Checkin.user_id == user.id)


def new_checkin(user: User, data: dict, now: dt.datetime) -> Checkin:
    """An unsaved check-in from validated data; raises Invalid for a bad time."""
    _check_time("recorded_at", data["recorded_at"], now)
    return Checkin(user_id=user.id, local_date=local_date(data["recorded_at"], user.timezone),
                   **data)


def create_checkin(user: User, data: dict, now: dt.datetime) -> tuple[Checkin, bool]:
    return _create_once(user, Checkin, data["client_id"], lambda: new_checkin(user, data, now))


def get_checkin(user: User, checkin_id: int) -> Checkin:
    checkin = db.session.scalar(_checkin_query(user).where(Checkin.id == checkin_id))
    if checkin is None:
        raise NotFound("No such check-in.")
    return checkin


def delete_checkin(user: User, checkin_id: int) -> None:
    _delete_with_tombstone(user, get_checkin(user, checkin_id))


def list_checkins(user: User, date_from: dt.date | None, date_to: dt.date | None,
                  page: int, per_page: int) -> Page:
    query = _in_range(_checkin_query(user), Checkin.local_date, date_from, date_to)
    return _paged(query, (Checkin.recorded_at.desc(), Checkin.id.desc()), page, per_page)


# ---------------------------------------------------------------- today


@dataclass(frozen=True)
class SessionLine:
    id: int
    performed_at: dt.datetime
    entry_count: int
    pain_before: int | None
    pain_after: int | None


@dataclass(frozen=True)
class CheckinLine:
    recorded_at: dt.datetime
    score: int
    context: str


@dataclass(frozen=True)
class TodayFigures:
    """Everything Today shows that comes from the person's log, as plain values: it is
    cached per worker under the person's data version (tracker.versioning)."""
    date: dt.date
    plan: tuple[StretchCard, ...]
    sessions: tuple[SessionLine, ...]
    checkins: tuple[CheckinLine, ...]
    streak: int
    caution: frozenset[str]
    first_run: bool  # nothing logged yet


@dataclass(frozen=True)
class Today(TodayFigures):
    """Today's figures and the person's warning-signs answers (read from their row,
    never cached)."""
    red_flags: safety.RedFlagOutcome
    answered: bool  # the warning-signs check


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
    stretches = {s.slug: s for s in db.session.scalars(_visible(user).where(Stretch.slug.in_(slugs)))}
    return [stretches[s] for s in slugs if s in stretches]


def red_flags_answered(user: User) -> bool:
    return user.red_flags_answered_at is not None


def red_flags(user: User) -> safety.RedFlagOutcome:
    return safety.red_flag_outcome(user.red_flags or [])


def today_figures(user: User, now: dt.datetime) -> TodayFigures:
    """Today's figures, from the per-worker cache when the person's data has not
    changed since they were made (a hit costs no query)."""
    day = local_date(now, user.timezone)
    return cached_for(user, "today", (day, user.timezone), "TODAY_CACHE_SIZE",
                      lambda: _compute_today(user, day))


def _compute_today(user: User, day: dt.date) -> TodayFigures:
    entry_count = (select(func.count(SessionEntry.id))
                   .where(SessionEntry.session_id == StretchSession.id).scalar_subquery())
    sessions = tuple(SessionLine(*row) for row in db.session.execute(
        select(StretchSession.id, StretchSession.performed_at, entry_count,
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
    return TodayFigures(day, usual, sessions, checkins, streak, caution_slugs(user), first_run)


def today(user: User, now: dt.datetime) -> Today:
    return Today(**vars(today_figures(user, now)), red_flags=red_flags(user),
                 answered=red_flags_answered(user))


STREAK_WINDOW_DAYS = 64


def current_streak(user: User, day: dt.date) -> int:
    """The streak ending on ``day``, read from a window of recent days that widens only
    while the streak reaches its far end: the cost follows the streak, not the history."""
    window = STREAK_WINDOW_DAYS
    while True:
        start = day - dt.timedelta(days=window)
        days = db.session.scalars(select(StretchSession.local_date).distinct().where(
            StretchSession.user_id == user.id, StretchSession.local_date >= start,
            StretchSession.local_date <= day)).all()
        streak = adherence.current_streak(days, day)
        if not adherence.may_reach_past(streak, day, start):
            return streak
        window *= 4


def record_red_flags(user: User, ticked: list[str], now: dt.datetime,
                     none_apply: bool = False) -> safety.RedFlagOutcome:
    unknown = sorted(set(ticked) - safety.RED_FLAG_KEYS)
    if unknown:
        raise Invalid.field("red_flags", f"Unknown items: {', '.join(unknown)}.")
    problem = safety.answer_problem(ticked, none_apply)
    if problem:
        raise Invalid.field("red_flags", problem)
    user.red_flags = sorted(set(ticked))
    user.red_flags_answered_at = now
    return safety.red_flag_outcome(user.red_flags)

