"""Flare-ups' part of an export and import (tracker/sharing/sections.py lists it).

A flare-up goes out as ``{start_date, end_date, note, created_at, ended_at}``. On
import one is the same when its start date matches (flare-ups never overlap), so a
second import adds nothing; one whose days overlap a flare-up the account has is
skipped and counted as such. An import never changes what the account has."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from tracker.auth.models import User
from tracker.domain import flareups
from tracker.domain.wording import N_, Text
from tracker.extensions import db
from tracker.flareups.models import FlareUp

KEY = "flare_ups"


class FlareUpImportSchema(Schema):
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=flareups.NOTE_MAX))
    created_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime(allow_none=True)

    @validates_schema
    def _days(self, data: dict, **_kwargs) -> None:
        days = (data["end_date"] - data["start_date"]).days + 1
        if not flareups.DAYS_MIN <= days <= flareups.DAYS_MAX:
            raise ValidationError(Text("A flare-up lasts %(min)s–%(max)s days.",
                                       min=flareups.DAYS_MIN, max=flareups.DAYS_MAX), "end_date")


def _flare_ups(user: User) -> list[FlareUp]:
    return list(db.session.scalars(select(FlareUp).where(FlareUp.user_id == user.id)
                                   .order_by(FlareUp.start_date)))


def export(user: User) -> list[dict]:
    return [{"start_date": f.start_date.isoformat(), "end_date": f.end_date.isoformat(),
             "note": f.note, "created_at": f.created_at.isoformat(),
             "ended_at": f.ended_at.isoformat() if f.ended_at else None}
            for f in _flare_ups(user)]


def import_(run, items: list[dict]) -> None:  # noqa: ANN001 - sharing.importer.ImportRun
    held = [f.span for f in _flare_ups(run.user)]
    for item in items:
        span = flareups.Span(item["start_date"], item["end_date"])
        same = any(h.start == span.start for h in held)
        if same or any(h.overlaps(span) for h in held):
            if same:
                run.count(KEY, False)
            else:
                run.skip(KEY, span.start.isoformat(), N_("overlaps a flare-up already here"))
            continue
        db.session.add(FlareUp(user_id=run.user.id, start_date=span.start, end_date=span.end,
                               note=item["note"], created_at=item.get("created_at") or run.now,
                               ended_at=item.get("ended_at")))
        held.append(span)
        run.count(KEY, True)
    db.session.flush()


def csv_tables(user: User) -> dict:
    return {"flare_ups.csv": (("start_date", "end_date", "days", "note", "created_at", "ended_at"),
                              [(f.start_date.isoformat(), f.end_date.isoformat(), f.days, f.note,
                                f.created_at.isoformat(),
                                f.ended_at.isoformat() if f.ended_at else None)
                               for f in _flare_ups(user)])}
