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
    day = fields.Integer(metadata={"description": "1, 2, ...: the programme's days in order "
                                                  "(flare-up days are not programme days)"})
    date = fields.Date()
    step = fields.Integer(metadata={"description": "whose band the day has: 1 on the first "
                                                   "day, +1 after a normal day, +0 after a "
                                                   "hold day; the programme ends when it "
                                                   "reaches length_days"})
    hold = fields.Boolean(metadata={"description": "pain rose by 2 or more, or a stretch was "
                                                   "marked made-it-worse: the next day keeps "
                                                   "this band"})
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
    end_date = fields.Date(metadata={"description": "the last programme day: later than "
                                                    "planned by hold days and flare-ups"})
    length_days = fields.Integer(metadata={"description": "the planned length"})
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
