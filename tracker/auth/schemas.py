"""Request and response schemas of the account routes (validation and OpenAPI)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from tracker.domain import emails, schedule
from tracker.domain.clock import known_timezones
from tracker.domain.wording import N_, Text
from tracker.i18n import shipped

PASSWORD_MIN = 10
PASSWORD_MAX = 256


class _TimezoneNames(validate.Validator):
    """A zone name that ``is_valid_timezone`` accepts; ``choices`` publishes them as the
    field's enum in the OpenAPI document. The zone database is read when first
    needed, not when the schemas are imported (it is a few hundred files)."""

    error = N_("Not a known IANA time zone, e.g. Europe/Berlin.")

    @property
    def choices(self) -> list[str]:
        return sorted(known_timezones())

    def __call__(self, value: object) -> object:
        if not isinstance(value, str) or value not in known_timezones():
            raise ValidationError(self.error)
        return value


Password = lambda **kw: fields.String(  # noqa: E731 - a field factory
    required=True, load_only=True,
    validate=validate.Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                             error=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters."),
    **kw)
class EmailAddress(fields.Email):
    """An address in its canonical spelling (tracker.domain.emails): full-width or
    upper-case look-alikes become the same address; invisible characters are refused."""

    def _deserialize(self, value, attr, data, **kwargs):  # noqa: ANN001
        if isinstance(value, str):
            try:
                value = emails.normalize_email(value)
            except emails.UnsafeEmail as err:
                raise ValidationError(Text("The address %(problem)s.", problem=err.args[0])) from None
        return super()._deserialize(value, attr, data, **kwargs)


Email = lambda **kw: EmailAddress(  # noqa: E731
    required=True, validate=validate.Length(max=254), **kw)
Timezone = lambda **kw: fields.String(  # noqa: E731
    validate=[validate.Length(max=64), _TimezoneNames()], **kw)


class Language(fields.String):
    """A language the app speaks ("en", "de"); ``choices`` publishes them."""

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(allow_none=True, metadata={
            "description": "the language of pages, mails and pushes; null: the "
                           "browser's (Accept-Language), else English",
            "enum": [*shipped(), None]}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):  # noqa: ANN001, ANN003
        value = super()._deserialize(value, attr, data, **kwargs)
        if value not in shipped():
            raise ValidationError(f"Not a language this app speaks: one of {', '.join(shipped())}.")
        return value


class RegisterSchema(Schema):
    email = Email()
    password = Password()
    timezone = Timezone(load_default="UTC")
    locale = Language()


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(max=PASSWORD_MAX))


# 24-hour "HH:MM", as the document's pattern says (schedule.TIME_RE).
HHMM = validate.Regexp(schedule.TIME_RE, error=N_("Use a 24-hour time like 07:30."))


class QuietHoursSchema(Schema):
    """Local wall-clock times; across midnight when the start is later than the end."""
    start = fields.String(required=True, validate=[validate.Length(max=5), HHMM],
                          metadata={"description": "local HH:MM, e.g. 22:00"})
    end = fields.String(required=True, validate=[validate.Length(max=5), HHMM],
                        metadata={"description": "local HH:MM, e.g. 07:00"})

    @validates_schema
    def _not_empty(self, data, **_kw):  # noqa: ANN001
        if data.get("start") is not None and data.get("start") == data.get("end"):
            raise ValidationError(N_("Quiet hours need an end different from their start."), "end")


def _quiet_hours(user) -> dict | None:  # noqa: ANN001
    return {"start": user.quiet_start, "end": user.quiet_end} if user.quiet else None


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    timezone = fields.String(dump_only=True)
    locale = fields.String(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)
    red_flags = fields.List(fields.String(), dump_only=True)
    quiet_hours = fields.Function(_quiet_hours, dump_only=True, allow_none=True, metadata={
        "description": "{start, end} local HH:MM, or null: reminders inside wait until the end"})


class MePatchSchema(Schema):
    timezone = Timezone()
    locale = Language()
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True, metadata={
        "description": "null turns quiet hours off; a reminder inside them is held to "
                       "their end that day, once"})


CurrentPassword = lambda **kw: fields.String(  # noqa: E731
    required=True, load_only=True, validate=validate.Length(max=PASSWORD_MAX), **kw)


class DeleteMeSchema(Schema):
    password = CurrentPassword()


class PasswordChangeSchema(Schema):
    current_password = CurrentPassword()
    new_password = Password()


class EmailChangeSchema(Schema):
    password = CurrentPassword()
    email = Email()


class EmailChangePendingSchema(Schema):
    """The answer to a change of email: the same whether or not the address is free."""
    message = fields.String(dump_only=True, metadata={"description": "For people."})
    pending_email = fields.String(dump_only=True, metadata={
        "description": "The address mailed; the account's email stays until the link "
                       "in that mail is confirmed."})


class ResetRequestSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class ResetPasswordSchema(Schema):
    new_password = Password()


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
