"""Request and response schemas of the log book API; the pages use them too."""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from tracker.domain.wording import N_
from tracker.schemas import ClientId, StrictBoolean, StrictFloat, StrictInteger

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NOTES_MAX = 2000
NOTE_MAX = 1000
ENTRIES_MAX = 50
SPINES = ("flexion", "neutral", "extension")
SIDES = ("left", "right", "both", "none")
CONTEXTS = ("waking", "after_sitting", "evening", "other")

Pain = lambda **kw: StrictInteger(validate=validate.Range(0, 10), **kw)  # noqa: E731


class EntrySchema(Schema):
    stretch = fields.String(required=True, validate=validate.Length(min=1, max=60))
    side = fields.String(validate=validate.OneOf(SIDES))
    reps = StrictInteger(validate=validate.Range(1, 50))
    hold_seconds = StrictInteger(validate=validate.Range(1, 600))
    angle_deg = StrictFloat(allow_none=True, validate=validate.Range(0, 120))
    angle_method = fields.String(allow_none=True, validate=validate.OneOf(("manual", "phone")))
    assisted = fields.String(allow_none=True, validate=validate.OneOf(("helper", "strap")),
                             metadata={"description": "helper (passive) or strap (self-assisted)"})
    worse = StrictBoolean(metadata={"description": "this stretch increased pain"})


class EntryOutSchema(EntrySchema):
    id = fields.Integer()
    stretch = fields.Function(lambda e: e.stretch.slug)
    stretch_name = fields.Function(lambda e: e.stretch.name)


WHEN = {"description": "From 2000-01-01 to one day after the server's clock."}


class SessionPatchSchema(Schema):
    performed_at = fields.AwareDateTime(metadata=WHEN)
    pain_before = Pain(allow_none=True)
    pain_after = Pain(allow_none=True)
    notes = fields.String(validate=validate.Length(max=NOTES_MAX))
    entries = fields.List(fields.Nested(EntrySchema),
                          validate=validate.Length(min=1, max=ENTRIES_MAX))


class SessionCreateSchema(SessionPatchSchema):
    client_id = ClientId(required=True)
    performed_at = fields.AwareDateTime(required=True, metadata=WHEN)
    entries = fields.List(fields.Nested(EntrySchema), required=True,
                          validate=validate.Length(min=1, max=ENTRIES_MAX))


class FlagSchema(Schema):
    code = fields.String()
    message = fields.String()
    stretch = fields.String(allow_none=True)


class SessionSchema(Schema):
    id = fields.Integer()
    client_id = fields.String()
    performed_at = fields.AwareDateTime()
    local_date = fields.Date()
    pain_before = fields.Integer(allow_none=True)
    pain_after = fields.Integer(allow_none=True)
    notes = fields.String()
    entries = fields.List(fields.Nested(EntryOutSchema))
    flags = fields.List(fields.Nested(FlagSchema))
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class DateRangeArgs(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    # Query strings are text: plain Integer parses "50" (and refuses "5.5").
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=200))

    @validates_schema
    def _ordered(self, data, **_kw):  # noqa: ANN001
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError(N_("Must not be after 'to'."), "from")


class CheckinCreateSchema(Schema):
    client_id = ClientId(required=True)
    recorded_at = fields.AwareDateTime(required=True, metadata=WHEN)
    score = Pain(required=True)
    context = fields.String(load_default="other", validate=validate.OneOf(CONTEXTS))
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX))


class CheckinSchema(Schema):
    id = fields.Integer()
    client_id = fields.String()
    recorded_at = fields.AwareDateTime()
    local_date = fields.Date()
    score = fields.Integer()
    context = fields.String()
    note = fields.String()


TextList = lambda: fields.List(  # noqa: E731
    fields.String(validate=validate.Length(min=1, max=500)),
    load_default=list, validate=validate.Length(max=20))


class StretchCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    slug = fields.String(validate=[validate.Length(min=1, max=60), validate.Regexp(
        SLUG_RE, error=N_("Use lower-case letters, digits and single hyphens."))])
    spine = fields.String(required=True, validate=validate.OneOf(SPINES))
    hold_seconds = StrictInteger(required=True, validate=validate.Range(1, 600))
    reps = StrictInteger(load_default=1, validate=validate.Range(1, 50))
    per_side = StrictBoolean(load_default=False)
    needs_helper = StrictBoolean(load_default=False)
    measures_angle = StrictBoolean(load_default=False)
    instructions = TextList()
    cautions = TextList()


class StretchPatchSchema(StretchCreateSchema):
    """A change to a custom stretch: its slug stays (sessions name it). The API loads
    it partial; the page form posts every field but the cautions it does not show."""

    class Meta:
        exclude = ("slug",)


class StretchSchema(Schema):
    slug = fields.String()
    name = fields.String()
    spine = fields.String()
    hold_seconds = fields.Integer()
    reps = fields.Integer()
    per_side = fields.Boolean()
    needs_helper = fields.Boolean()
    measures_angle = fields.Boolean()
    instructions = fields.List(fields.String())
    cautions = fields.List(fields.String())
    builtin = fields.Boolean()
