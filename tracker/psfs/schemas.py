"""Request and response schemas of the PSFS API; the /psfs page's forms use the
request schemas too."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from tracker.domain import psfs
from tracker.schemas import ClientId, StrictBoolean, StrictInteger

WHEN = {"description": "default: now. From 2000-01-01 to one day after the server's clock."}
Score = lambda **kw: StrictInteger(  # noqa: E731
    validate=validate.Range(psfs.SCORE_MIN, psfs.SCORE_MAX),
    metadata={"description": f"{psfs.SCALE_LOW}, {psfs.SCALE_HIGH}"}, **kw)


class _NameLength(validate.Length):
    """The name's length rule, refused with ``psfs.NAME_RULE`` itself (a ``Text``: the
    API reads English, a page says it in the person's language); marshmallow's own
    message formatting would turn it into a plain English string. Still a Length, so
    pages read its limits (tracker.forms.field_limits)."""

    def __call__(self, value: str) -> str:
        if not self.min <= len(value) <= self.max:
            raise ValidationError(self.error)
        return value


NAME_LENGTH = _NameLength(psfs.NAME_MIN, psfs.NAME_MAX, error=psfs.NAME_RULE)


class ActivityCreateSchema(Schema):
    name = fields.String(required=True, validate=NAME_LENGTH,
                         metadata={"description": "an activity your back makes hard, e.g. "
                                                  f"\"{psfs.EXAMPLES[0]}\""})


class ActivityPatchSchema(Schema):
    name = fields.String(validate=NAME_LENGTH)
    active = StrictBoolean(metadata={"description": "false retires it (its ratings stay); "
                                                    f"at most {psfs.ACTIVE_MAX} active"})


class ActivitySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    active = fields.Boolean()
    created_at = fields.AwareDateTime()


class ScoreInSchema(Schema):
    activity_id = StrictInteger(required=True, validate=validate.Range(1, 2**31 - 1))
    score = Score(required=True)


class ScoreSchema(Schema):
    activity_id = fields.Integer()
    name = fields.Function(lambda s: s.activity.name)
    score = fields.Integer()


class RatingCreateSchema(Schema):
    client_id = ClientId(required=True)
    rated_at = fields.AwareDateTime(metadata=WHEN)
    scores = fields.List(fields.Nested(ScoreInSchema), required=True,
                         validate=validate.Length(1, psfs.ACTIVE_MAX))


class RatingSchema(Schema):
    id = fields.Integer()
    client_id = fields.String()
    rated_at = fields.AwareDateTime()
    scores = fields.List(fields.Nested(ScoreSchema))
    mean = fields.Float(metadata={"description": "the mean of the scores (one decimal)"})
