"""Request and response schemas of the programme API; the /program page uses them too."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.domain import progression
from tracker.schemas import StrictInteger


class ProgramCreateSchema(Schema):
    affected_leg = fields.String(required=True, validate=validate.OneOf(progression.LEGS),
                                 metadata={"description": "the leg with the pain: left or right"})
    start_date = fields.Date(metadata={"description": "default: today in your time zone; "
                                                      "within a year of today"})
    length_days = StrictInteger(
        load_default=progression.LENGTH_DEFAULT,
        validate=validate.Range(progression.LENGTH_MIN, progression.LENGTH_MAX))


class ProgramDaySchema(Schema):
    day = fields.Integer()
    date = fields.Date()
    target_low = fields.Function(lambda d: d.band.low)
    target_high = fields.Function(lambda d: d.band.high)
    best_left = fields.Float(allow_none=True)
    best_right = fields.Float(allow_none=True)
    result = fields.String(allow_none=True, metadata={
        "description": "the affected leg against the band: under, in or over"})


class ProgramSchema(Schema):
    id = fields.Integer()
    affected_leg = fields.String()
    start_date = fields.Date()
    end_date = fields.Date()
    length_days = fields.Integer()
    state = fields.String(metadata={"description": "active or ended"})
    created_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime(allow_none=True)
    status = fields.String(allow_none=True, metadata={
        "description": "ahead, on_track or behind, from the latest logged day; "
                       "null until the affected leg has an angle"})
    gap = fields.Float(allow_none=True, metadata={
        "description": "other leg minus affected leg (degrees), latest day with both"})
    sentence = fields.String()
    days = fields.List(fields.Nested(ProgramDaySchema))
