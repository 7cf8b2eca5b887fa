"""Request and response schemas of the account routes (validation and OpenAPI)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from tracker.domain.clock import is_valid_timezone

PASSWORD_MIN = 10
PASSWORD_MAX = 256


def validate_timezone(value: str) -> None:
    if not is_valid_timezone(value):
        raise ValidationError("Not a known IANA time zone, e.g. Europe/Berlin.")


Password = lambda **kw: fields.String(  # noqa: E731 - a field factory
    required=True, load_only=True,
    validate=validate.Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                             error=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters."),
    **kw)
Timezone = lambda **kw: fields.String(  # noqa: E731
    validate=[validate.Length(max=64), validate_timezone], **kw)


class RegisterSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = Password()
    timezone = Timezone(load_default="UTC")


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(max=PASSWORD_MAX))


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    timezone = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    red_flags = fields.List(fields.String(), dump_only=True)


class MePatchSchema(Schema):
    timezone = Timezone()


class DeleteMeSchema(Schema):
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(max=PASSWORD_MAX))


class TokenCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))


class TokenSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    last_used_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(dump_only=True, metadata={"description": "Shown once."})


class CsrfSchema(Schema):
    csrf_token = fields.String(dump_only=True)
