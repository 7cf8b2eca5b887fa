"""The log book's part of an export and import (tracker/sharing/sections.py lists it):
five sections of the JSON file, ``stretches`` (custom ones), ``deleted`` (tombstones),
``sessions`` (with their entries), ``checkins`` and ``red_flags`` (the warning-signs
answer), the schemas that check them on import, and the CSV files sessions.csv,
entries.csv and checkins.csv.

Export: every value is the person's own, never a database id, so an export imported
into another account (or server) and exported again comes out the same.

Import: idempotent by client_id (a session or check-in the account already has is
"already there"), custom stretches matched by slug, tombstones respected (a record
deleted in this account, or listed as deleted in the file, does not come back), and
every row checked by the same rules as the log book's own writes. An import never
changes or deletes what the account has. The caller runs all sections in one
transaction and commits only if every section succeeded."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from marshmallow import Schema, fields, validate
from sqlalchemy import insert, select

from tracker import data_version
from tracker.auth.models import User
from tracker.domain.safety import RED_FLAG_KEYS
from tracker.domain.wording import N_
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.logbook.checkins import checkin_values
from tracker.logbook.models import Checkin, DeletedRecord, SessionEntry, Stretch, StretchSession
from tracker.logbook.schemas import (SLUG_RE, CheckinCreateSchema, SessionCreateSchema,
                                     StretchCreateSchema)
from tracker.logbook.sessions import loggable_stretches, session_values
from tracker.logbook.stretches import visible_stretches
from tracker.schemas import ClientId

STRETCH_FIELDS = ("slug", "name", "spine", "hold_seconds", "reps", "per_side", "needs_helper",
                  "measures_angle", "instructions", "cautions")
ENTRY_FIELDS = ("side", "reps", "hold_seconds", "angle_deg", "angle_method", "assisted", "worse")

# ---------------------------------------------------------------- import schemas


class StretchImportSchema(StretchCreateSchema):
    """A custom stretch as created through the API, with the slug it had."""

    slug = fields.String(required=True, validate=[validate.Length(min=1, max=60), validate.Regexp(
        SLUG_RE, error=N_("Use lower-case letters, digits and single hyphens."))])


class SessionImportSchema(SessionCreateSchema):
    local_date = fields.Date()


class CheckinImportSchema(CheckinCreateSchema):
    local_date = fields.Date()


class DeletedImportSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("stretch_session", "checkin")))
    client_id = ClientId(required=True)
    deleted_at = fields.AwareDateTime(required=True)


class RedFlagsImportSchema(Schema):
    items = fields.List(fields.String(validate=validate.OneOf(sorted(RED_FLAG_KEYS))),
                        required=True, validate=validate.Length(max=len(RED_FLAG_KEYS)))
    answered_at = fields.AwareDateTime(allow_none=True)


# ---------------------------------------------------------------- export


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def user_sessions(user: User) -> list[StretchSession]:
    """All of the person's sessions, oldest first (the export's and FHIR's order)."""
    return list(db.session.scalars(select(StretchSession).where(StretchSession.user_id == user.id)
                                   .order_by(StretchSession.performed_at, StretchSession.id)))


def user_checkins(user: User) -> list[Checkin]:
    """All of the person's check-ins, oldest first."""
    return list(db.session.scalars(select(Checkin).where(Checkin.user_id == user.id)
                                   .order_by(Checkin.recorded_at, Checkin.id)))


def export_stretches(user: User) -> list[dict]:
    rows = db.session.scalars(select(Stretch).where(Stretch.owner_id == user.id).order_by(Stretch.id))
    return [{f: getattr(s, f) for f in STRETCH_FIELDS} for s in rows]


def export_deleted(user: User) -> list[dict]:
    rows = db.session.scalars(select(DeletedRecord).where(DeletedRecord.user_id == user.id)
                              .order_by(DeletedRecord.deleted_at, DeletedRecord.id))
    return [{"kind": r.kind, "client_id": r.client_id, "deleted_at": _iso(r.deleted_at)}
            for r in rows]


def export_sessions(user: User) -> list[dict]:
    return [{
        "client_id": s.client_id, "performed_at": _iso(s.performed_at),
        "local_date": _iso(s.local_date), "pain_before": s.pain_before,
        "pain_after": s.pain_after, "notes": s.notes,
        "entries": [{"stretch": e.stretch.slug, **{f: getattr(e, f) for f in ENTRY_FIELDS}}
                    for e in s.entries],
    } for s in user_sessions(user)]


def export_checkins(user: User) -> list[dict]:
    return [{"client_id": c.client_id, "recorded_at": _iso(c.recorded_at),
             "local_date": _iso(c.local_date), "score": c.score, "context": c.context,
             "note": c.note} for c in user_checkins(user)]


def export_red_flags(user: User) -> dict:
    return {"items": sorted(user.red_flags or []), "answered_at": _iso(user.red_flags_answered_at)}


def csv_tables(user: User) -> dict:
    """The log book's CSV files, name -> (header, rows): sessions, entries (one row per
    entry, linked to its session by client_id) and check-ins."""
    rows = user_sessions(user)
    return {
        "sessions.csv": (("client_id", "performed_at", "local_date", "pain_before", "pain_after",
                          "notes"),
                         [(s.client_id, _iso(s.performed_at), _iso(s.local_date), s.pain_before,
                           s.pain_after, s.notes) for s in rows]),
        "entries.csv": (("session_client_id", "local_date", "position", "stretch", "stretch_name",
                         *ENTRY_FIELDS),
                        [(s.client_id, _iso(s.local_date), e.position, e.stretch.slug,
                          e.stretch.name, *(getattr(e, f) for f in ENTRY_FIELDS))
                         for s in rows for e in s.entries]),
        "checkins.csv": (("client_id", "recorded_at", "local_date", "score", "context", "note"),
                         [(c.client_id, _iso(c.recorded_at), _iso(c.local_date), c.score,
                           c.context, c.note) for c in user_checkins(user)]),
    }


# ---------------------------------------------------------------- import
# ``run`` is a tracker.sharing.importer.ImportRun: the account, the instant, the summary.


def _prefixed(err: Invalid, prefix: str) -> Invalid:
    """``err`` with its fields named by their place in the file (``sessions.3.notes``)."""
    named = {f"{prefix}.{name}": messages for name, messages in err.fields.items()}
    return Invalid(f"{prefix}: {err.message}", named or {prefix: [err.message]})


def import_stretches(run, items: list[dict]) -> None:  # noqa: ANN001
    user = run.user
    slugs = {s.slug for s in visible_stretches(user)}
    for item in items:
        if item["slug"] in slugs:
            run.count("stretches", False)
            continue
        db.session.add(Stretch(owner_id=user.id, **item))
        slugs.add(item["slug"])
        run.count("stretches", True)
    db.session.flush()


def _known(user: User, model: type[StretchSession] | type[Checkin]) -> tuple[set[str], set[str]]:
    """(client_ids this account holds, client_ids deleted in this account) of a kind."""
    held = set(db.session.scalars(select(model.client_id).where(model.user_id == user.id)))
    gone = set(db.session.scalars(select(DeletedRecord.client_id).where(
        DeletedRecord.user_id == user.id, DeletedRecord.kind == model.__tablename__)))
    return held, gone


def import_deleted(run, items: list[dict]) -> None:  # noqa: ANN001
    """Tombstones from the file, so what was deleted there stays deleted here. One whose
    record lives in this account is skipped: an import never deletes."""
    user = run.user
    known = {m.__tablename__: _known(user, m) for m in (StretchSession, Checkin)}
    for item in items:
        held, gone = known[item["kind"]]
        if item["client_id"] in gone:
            run.count("deleted", False)
        elif item["client_id"] in held:
            run.skip("deleted", item["client_id"],
                     N_("This account still has that record; an import does not delete."))
        else:
            db.session.add(DeletedRecord(user_id=user.id, **item))
            gone.add(item["client_id"])
            run.count("deleted", True)
    db.session.flush()


def _new_records(run, key: str, items: list[dict],  # noqa: ANN001
                 model: type[StretchSession] | type[Checkin], build: Callable[[dict], tuple]
                 ) -> list[tuple]:
    """What ``build`` makes of each of ``items`` this account does not have yet
    (checked by the log book's own rules: ``(column values, ...)``, nothing written);
    counts what is already here and skips what was deleted here."""
    held, gone = _known(run.user, model)
    new = []
    for i, item in enumerate(items):
        client_id = item["client_id"]
        if client_id in held:
            run.count(key, False)
            continue
        if client_id in gone:
            run.skip(key, client_id, N_("Deleted in this account; not brought back."))
            continue
        day = item.pop("local_date", None)
        try:
            built = build(item)
        except Invalid as err:
            raise _prefixed(err, f"{key}.{i}") from None
        if day is not None:
            built[0]["local_date"] = day  # the calendar day as the person logged it
        new.append(built)
        held.add(client_id)
        run.count(key, True)
    return new


def import_sessions(run, items: list[dict]) -> None:  # noqa: ANN001
    """All new sessions in one INSERT ... RETURNING (batched by the driver), then all
    their entries in one more, rather than statements per row: SQLite's write lock is
    held while they run (README, "Import"). The stretches are looked up once for the
    file."""
    stretches = loggable_stretches(run.user)
    new = _new_records(run, "sessions", items, StretchSession,
                       lambda item: session_values(run.user, item, run.now, stretches))
    if not new:
        return
    sessions, entries = StretchSession.__table__, SessionEntry.__table__
    stamps = {"created_at": run.now, "updated_at": run.now}
    ids = dict(db.session.execute(
        insert(sessions).returning(sessions.c.client_id, sessions.c.id),
        [{**values, **stamps} for values, _entries in new]).all())
    db.session.execute(insert(entries), [
        {**entry, "session_id": ids[values["client_id"]], "stretch_id": stretch.id}
        for values, session_entries in new for stretch, entry in session_entries],
        execution_options={data_version.OWNER: run.user.id})


def import_checkins(run, items: list[dict]) -> None:  # noqa: ANN001
    """All new check-ins in one INSERT (batched by the driver)."""
    new = _new_records(run, "checkins", items, Checkin,
                       lambda item: (checkin_values(run.user, item, run.now),))
    if new:
        db.session.execute(insert(Checkin.__table__),
                           [{**values, "created_at": run.now} for values, in new])


def import_red_flags(run, answer: dict | None) -> None:  # noqa: ANN001
    """The warning-signs answer is taken when it is newer than this account's."""
    user = run.user
    when = (answer or {}).get("answered_at")
    if when is None or (user.red_flags_answered_at and user.red_flags_answered_at >= when):
        run.count("red_flags", False)
        return
    user.red_flags = sorted(set(answer["items"]))
    user.red_flags_answered_at = when
    run.count("red_flags", True)
