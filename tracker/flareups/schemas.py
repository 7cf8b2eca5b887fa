"""Request and response schemas of the flare-up API; the Today and Settings forms use
the request schema too."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.domain import flareups
from tracker.schemas import StrictInteger


class FlareUpCreateSchema(Schema):
    start_date = fields.Date(metadata={"description": "default: today in your time zone; "
                                                      f"today or up to {flareups.START_BACK_MAX} "
                                                      "days back"})
    days = StrictInteger(load_default=flareups.DAYS_DEFAULT,
                         validate=validate.Range(flareups.DAYS_MIN, flareups.DAYS_MAX))
    note = fields.String(load_default="", validate=validate.Length(max=flareups.NOTE_MAX))


class FlareUpSchema(Schema):
    id = fields.Integer()
    start_date = fields.Date()
    end_date = fields.Date(metadata={"description": "the last paused day (inclusive)"})
    days = fields.Integer()
    note = fields.String()
    active = fields.Boolean(metadata={"description": "running today"})
