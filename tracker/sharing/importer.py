"""Bringing an export back in: the log book's part of an import.

Rules: idempotent by client_id (a session or check-in the account already has is
"already there"), custom stretches matched by slug, tombstones respected (a record
deleted in this account, or listed as deleted in the file, does not come back), and
every row checked by the same rules as the log book's own writes. The caller runs all
sections in one transaction and commits only if every section succeeded."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from tracker.auth.models import User
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.logbook import service as logbook
from tracker.logbook.models import Checkin, DeletedRecord, Stretch, StretchSession


@dataclass
class ImportRun:
    """One import in progress: the account, the instant, and the summary so far."""

    user: User
    now: dt.datetime
    created: dict[str, int] = field(default_factory=dict)
    already_there: dict[str, int] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)

    def count(self, key: str, created: bool) -> None:
        bucket = self.created if created else self.already_there
        bucket[key] = bucket.get(key, 0) + 1

    def skip(self, key: str, ident: str | None, reason: str) -> None:
        self.skipped.append({"section": key, "id": ident, "reason": reason})

    def summary(self, keys: list[str]) -> dict:
        return {"created": {k: self.created.get(k, 0) for k in keys},
                "already_there": {k: self.already_there.get(k, 0) for k in keys},
                "skipped": self.skipped}


def _prefixed(err: Invalid, prefix: str) -> Invalid:
    fields = {f"{prefix}.{name}": messages for name, messages in err.fields.items()}
    return Invalid(f"{prefix}: {err.message}", fields or {prefix: [err.message]})


def stretches(run: ImportRun, items: list[dict]) -> None:
    user = run.user
    slugs = {s.slug for s in logbook.visible_stretches(user)}
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


def deleted(run: ImportRun, items: list[dict]) -> None:
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
                     "This account still has that record; an import does not delete.")
        else:
            db.session.add(DeletedRecord(user_id=user.id, **item))
            gone.add(item["client_id"])
            run.count("deleted", True)
    db.session.flush()


def _rows(run: ImportRun, key: str, items: list[dict], model, build) -> None:  # noqa: ANN001
    held, gone = _known(run.user, model)
    for i, item in enumerate(items):
        client_id = item["client_id"]
        if client_id in held:
            run.count(key, False)
            continue
        if client_id in gone:
            run.skip(key, client_id, "Deleted in this account; not brought back.")
            continue
        day = item.pop("local_date", None)
        try:
            row = build(run.user, item, run.now)
        except Invalid as err:
            raise _prefixed(err, f"{key}.{i}") from None
        if day is not None:
            row.local_date = day  # the calendar day as the person logged it
        db.session.add(row)
        held.add(client_id)
        run.count(key, True)
    db.session.flush()


def sessions(run: ImportRun, items: list[dict]) -> None:
    _rows(run, "sessions", items, StretchSession, logbook.new_session)


def checkins(run: ImportRun, items: list[dict]) -> None:
    _rows(run, "checkins", items, Checkin, logbook.new_checkin)


def red_flags(run: ImportRun, answer: dict | None) -> None:
    """The warning-signs answer is taken when it is newer than this account's."""
    user = run.user
    when = (answer or {}).get("answered_at")
    if when is None or (user.red_flags_answered_at and user.red_flags_answered_at >= when):
        run.count("red_flags", False)
        return
    user.red_flags = sorted(set(answer["items"]))
    user.red_flags_answered_at = when
    run.count("red_flags", True)
