"""The programme's part of an export and import (tracker/sharing/sections.py lists it).

A programme goes out as ``{affected_leg, start_date, length_days, state, created_at,
ended_at}`` and, in the CSV zip, as one row of programs.csv. On import a programme
is the same one when (start_date, affected_leg, length_days) match: a second import
adds nothing. An import never changes what the account has, so when the account
already runs a programme (or the file holds more than one active), an active
programme from the file comes in ended, at the moment of the import."""
from __future__ import annotations

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from tracker.auth.models import User
from tracker.db_types import utcnow
from tracker.domain import progression
from tracker.domain.clock import local_date
from tracker.extensions import db
from tracker.programs.models import Program
from tracker.programs.service import view
from tracker.schemas import StrictInteger

KEY = "programs"
STATES = ("active", "ended")


class ProgramImportSchema(Schema):
    affected_leg = fields.String(required=True, validate=validate.OneOf(progression.LEGS))
    start_date = fields.Date(required=True)
    length_days = StrictInteger(required=True, validate=validate.Range(
        progression.LENGTH_MIN, progression.LENGTH_MAX))
    state = fields.String(load_default="ended", validate=validate.OneOf(STATES))
    created_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime(allow_none=True)


def _programs(user: User) -> list[Program]:
    return list(db.session.scalars(select(Program).where(Program.user_id == user.id)
                                   .order_by(Program.start_date, Program.id)))


def _iso(value) -> str | None:  # noqa: ANN001
    return None if value is None else value.isoformat()


def _key(affected_leg: str, start_date, length_days: int) -> tuple:  # noqa: ANN001
    return (start_date, affected_leg, length_days)


def export(user: User) -> list[dict]:
    return [{"affected_leg": p.affected_leg, "start_date": _iso(p.start_date),
             "length_days": p.length_days, "state": p.status, "created_at": _iso(p.created_at),
             "ended_at": _iso(p.ended_at)} for p in _programs(user)]


def csv_tables(user: User) -> dict:
    today = local_date(utcnow(), user.timezone)
    views = [view(user, p, today, best={}) for p in _programs(user)]
    return {"programs.csv": (
        ("affected_leg", "start_date", "end_date", "length_days", "state", "created_at", "ended_at"),
        [(v.affected_leg, _iso(v.start_date), _iso(v.end_date), v.length_days, v.state,
          _iso(v.created_at), _iso(v.ended_at)) for v in views])}


def import_(run, items: list[dict]) -> None:  # noqa: ANN001 - sharing.importer.ImportRun
    held = _programs(run.user)
    keys = {_key(p.affected_leg, p.start_date, p.length_days) for p in held}
    active = any(p.status == "active" for p in held)
    for item in items:
        key = _key(item["affected_leg"], item["start_date"], item["length_days"])
        if key in keys:
            run.count(KEY, False)
            continue
        state, ended_at = item["state"], item.get("ended_at")
        if state == "active" and active:
            state, ended_at = "ended", run.now  # the account's own programme keeps running
        elif state == "ended" and ended_at is None:
            ended_at = run.now
        db.session.add(Program(
            user_id=run.user.id, affected_leg=item["affected_leg"], start_date=item["start_date"],
            length_days=item["length_days"], status=state,
            created_at=item.get("created_at") or run.now,
            ended_at=None if state == "active" else ended_at))
        keys.add(key)
        active = active or state == "active"
        run.count(KEY, True)
    db.session.flush()
