"""Request and response schemas of the reminder and push routes; the page uses them too."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate

from tracker.auth.schemas import Timezone
from tracker.domain import schedule
from tracker.domain.push_endpoints import ENDPOINT_MAX
from tracker.domain.wording import N_
from tracker.reminders.reach import reachable
from tracker.schemas import StrictBoolean, StrictInteger

MESSAGE_MAX = 200
SNOOZE_MIN, SNOOZE_MAX = 5, 240


def _time(value: str) -> None:
    try:
        schedule.parse_time(value)
    except ValueError as err:
        raise ValidationError(str(err)) from None


def _distinct(values: list[int]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError(N_("List each weekday once."))


CHANNELS = ("push", "email")


def _channels_once(values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError(N_("List each channel once."))


def _channels(**kw) -> fields.List:  # noqa: ANN003
    return fields.List(
        fields.String(validate=validate.OneOf(CHANNELS)),
        validate=[validate.Length(min=1, max=2, error=N_("Choose push, email or both.")),
                  _channels_once],
        metadata={"description": "how it reaches the person: push, email or both "
                                 "(email only where the server has a mail server)"}, **kw)


class ReminderPatchSchema(Schema):
    time = fields.String(validate=[validate.Length(max=5), _time],
                         metadata={"description": "local time, 24-hour HH:MM"})
    weekdays = fields.List(
        StrictInteger(validate=validate.Range(0, 6)),
        validate=[validate.Length(min=1, max=7, error=N_("Pick 1 to 7 weekdays.")), _distinct],
        metadata={"description": "0 = Monday … 6 = Sunday"})
    timezone = Timezone(metadata={"description": "IANA zone; defaults to the person's"})
    enabled = StrictBoolean()
    skip_if_logged = StrictBoolean(metadata={"description": "no reminder on a day with a session"})
    message = fields.String(validate=validate.Length(max=MESSAGE_MAX))
    channels = _channels()

    @post_load
    def _sorted(self, data, **_kw):  # noqa: ANN001
        if "weekdays" in data:
            data["weekdays"] = sorted(data["weekdays"])
        if "channels" in data:
            data["channels"] = [c for c in CHANNELS if c in data["channels"]]
        return data


class ReminderCreateSchema(ReminderPatchSchema):
    time = fields.String(required=True, validate=[validate.Length(max=5), _time])
    weekdays = fields.List(
        StrictInteger(validate=validate.Range(0, 6)), load_default=lambda: list(schedule.ALL_DAYS),
        validate=[validate.Length(min=1, max=7, error=N_("Pick 1 to 7 weekdays.")), _distinct])
    enabled = StrictBoolean(load_default=True)
    skip_if_logged = StrictBoolean(load_default=True)
    message = fields.String(load_default="", validate=validate.Length(max=MESSAGE_MAX))
    channels = _channels(load_default=lambda: ["push"])


class ReminderSchema(Schema):
    id = fields.Integer()
    time = fields.String()
    weekdays = fields.List(fields.Integer())
    timezone = fields.String()
    enabled = fields.Boolean()
    skip_if_logged = fields.Boolean()
    message = fields.String()
    next_fire_at = fields.AwareDateTime(allow_none=True)
    snoozed_until = fields.AwareDateTime(allow_none=True)
    channels = fields.List(fields.String())
    reachable = fields.Function(reachable, metadata={
        "description": "false when nothing can deliver it: push only and no device has "
                       "notifications on (or email chosen and no mail server)"})


class SnoozeSchema(Schema):
    minutes = StrictInteger(required=True, validate=validate.Range(SNOOZE_MIN, SNOOZE_MAX))


class NotificationSnoozeSchema(Schema):
    minutes = StrictInteger(load_default=30, validate=validate.Range(SNOOZE_MIN, SNOOZE_MAX))


class KeysSchema(Schema):
    p256dh = fields.String(required=True, validate=validate.Length(min=1, max=100))
    auth = fields.String(required=True, validate=validate.Length(min=1, max=40))


class SubscriptionSchema(Schema):
    """The browser's PushSubscription.toJSON()."""

    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=ENDPOINT_MAX))
    # Browsers send expirationTime (usually null); accepted and not stored.
    expirationTime = fields.Raw(allow_none=True, load_only=True)  # noqa: N815 - the browser's name
    keys = fields.Nested(KeysSchema, required=True)


class UnsubscribeSchema(Schema):
    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=ENDPOINT_MAX))


class SubscriptionOutSchema(Schema):
    id = fields.Integer()
    endpoint = fields.String()
    created_at = fields.AwareDateTime()
    last_success_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when a push service last accepted a push for it"})
    last_failure_at = fields.AwareDateTime(allow_none=True)
    consecutive_failures = fields.Integer()


class PublicKeySchema(Schema):
    public_key = fields.String(metadata={"description": "VAPID applicationServerKey, URL-safe base64"})


class OutcomeSchema(Schema):
    subscription_id = fields.Integer()
    host = fields.String()
    outcome = fields.String(metadata={"description": "sent | gone | rejected | failed | timeout"})
    status = fields.Integer(allow_none=True)
    attempts = fields.Integer()


class TestPushSchema(Schema):
    devices = fields.List(fields.Nested(OutcomeSchema))


class DeliverySchema(Schema):
    id = fields.Integer()
    reminder_id = fields.Integer()
    occurrence_key = fields.String()
    fire_at = fields.AwareDateTime()
    status = fields.String()
    reason = fields.String()
    attempts = fields.Integer()
    sent_at = fields.AwareDateTime(allow_none=True)
    outcomes = fields.List(fields.Nested(OutcomeSchema))
