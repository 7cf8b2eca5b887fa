"""What the log book contributes to an export: the person's custom stretches,
sessions with their entries, check-ins, the warning-signs answer and tombstones, as
plain JSON-ready dicts (the backup format), and the CSV tables built from them.

Every value is the person's own: no database ids, so an export imported into another
account (or server) and exported again comes out the same."""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable

from sqlalchemy import select

from tracker.auth.models import User
from tracker.extensions import db
from tracker.logbook.models import Checkin, DeletedRecord, Stretch, StretchSession

STRETCH_FIELDS = ("slug", "name", "spine", "hold_seconds", "reps", "per_side", "needs_helper",
                  "measures_angle", "instructions", "cautions")
ENTRY_FIELDS = ("side", "reps", "hold_seconds", "angle_deg", "angle_method", "assisted", "worse")


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def custom_stretches(user: User) -> list[dict]:
    rows = db.session.scalars(select(Stretch).where(Stretch.owner_id == user.id).order_by(Stretch.id))
    return [{f: getattr(s, f) for f in STRETCH_FIELDS} for s in rows]


def user_sessions(user: User) -> list[StretchSession]:
    return list(db.session.scalars(select(StretchSession).where(StretchSession.user_id == user.id)
                                   .order_by(StretchSession.performed_at, StretchSession.id)))


def user_checkins(user: User) -> list[Checkin]:
    return list(db.session.scalars(select(Checkin).where(Checkin.user_id == user.id)
                                   .order_by(Checkin.recorded_at, Checkin.id)))


def session_dict(session: StretchSession) -> dict:
    return {
        "client_id": session.client_id, "performed_at": _iso(session.performed_at),
        "local_date": _iso(session.local_date), "pain_before": session.pain_before,
        "pain_after": session.pain_after, "notes": session.notes,
        "entries": [{"stretch": e.stretch.slug, **{f: getattr(e, f) for f in ENTRY_FIELDS}}
                    for e in session.entries],
    }


def checkin_dict(checkin: Checkin) -> dict:
    return {"client_id": checkin.client_id, "recorded_at": _iso(checkin.recorded_at),
            "local_date": _iso(checkin.local_date), "score": checkin.score,
            "context": checkin.context, "note": checkin.note}


def sessions(user: User) -> list[dict]:
    return [session_dict(s) for s in user_sessions(user)]


def checkins(user: User) -> list[dict]:
    return [checkin_dict(c) for c in user_checkins(user)]


def red_flags(user: User) -> dict:
    return {"items": sorted(user.red_flags or []), "answered_at": _iso(user.red_flags_answered_at)}


def deleted(user: User) -> list[dict]:
    rows = db.session.scalars(select(DeletedRecord).where(DeletedRecord.user_id == user.id)
                              .order_by(DeletedRecord.deleted_at, DeletedRecord.id))
    return [{"kind": r.kind, "client_id": r.client_id, "deleted_at": _iso(r.deleted_at)}
            for r in rows]


# ---------------------------------------------------------------- CSV

Table = tuple[tuple[str, ...], Iterable[Iterable]]  # header, rows


def csv_tables(user: User) -> dict[str, Table]:
    """The log book's CSV files: sessions, entries (one row per entry, linked to its
    session by client_id) and check-ins."""
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


# A cell starting with one of these is a formula to a spreadsheet: prefix it with "'".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str | int | float:  # noqa: ANN001
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_zip(tables: dict[str, Table]) -> bytes:
    """A zip of one UTF-8 CSV per table (with a byte-order mark, so spreadsheet apps
    read the encoding right) and a header row."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in tables.items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows([_cell(v) for v in row] for row in rows)
            archive.writestr(name, "\ufeff" + text.getvalue())
    return out.getvalue()
