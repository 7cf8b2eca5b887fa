"""JSON routes of reminders and Web Push: /api/v1/reminders, /api/v1/push/*."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.errors import Unauthorized
from tracker.extensions import db
from tracker.listing import envelope, listed
from tracker.openapi import Blueprint, server_rules
from tracker.reminders import schemas, service

blp = Blueprint("reminders_api", __name__, url_prefix="/api/v1", description="Reminders and push")

SUBSCRIPTION_RULES = server_rules(
    "The endpoint must be an https URL on a known push service (FCM, Mozilla autopush, "
    "Apple, Windows) or a host named in TRACKER_PUSH_ENDPOINT_HOSTS; keys.p256dh must be "
    "a point on P-256 and keys.auth 16 bytes (else 422 naming the field). An endpoint "
    "subscribed under another account moves only with the same keys (the same browser "
    "profile), else 409 naming the endpoint.")
REMINDER_RULES = server_rules(
    "time is a 24-hour HH:MM, weekdays are each listed once, timezone is an IANA zone "
    "name, and a person has at most TRACKER_REMINDERS_MAX reminders (else 422 naming "
    "the field).")


@blp.route("/push/public-key", methods=["GET"])
@blp.doc(security=[])  # the server's public VAPID key: no sign-in needed
@blp.response(200, schemas.PublicKeySchema)
def public_key():
    return {"public_key": service.vapid_keys().public_key}


@blp.route("/push/subscriptions")
class Subscriptions(MethodView):
    decorators = [login_required]

    @blp.response(200, envelope(schemas.SubscriptionOutSchema))
    def get(self):
        return listed(service.subscriptions(current_user))

    @blp.arguments(schemas.SubscriptionSchema)
    @blp.doc(**SUBSCRIPTION_RULES)
    @blp.response(201, schemas.SubscriptionOutSchema)
    @blp.alt_response(200, schema=schemas.SubscriptionOutSchema, description="Already subscribed")
    @blp.alt_response(409, response="CONFLICT")  # why: SUBSCRIPTION_RULES
    def post(self, data):
        sub, created = service.subscribe(current_user, data)
        db.session.commit()
        return sub, 201 if created else 200

    @blp.arguments(schemas.UnsubscribeSchema)
    @blp.response(204)
    def delete(self, data):
        service.unsubscribe(current_user, data["endpoint"])
        db.session.commit()


@blp.route("/push/test", methods=["POST"])
@login_required
@blp.response(200, schemas.TestPushSchema)
def test_push():
    devices = service.send_test(current_user, utcnow())
    db.session.commit()
    return {"devices": devices}


@blp.route("/push/snooze", methods=["POST"])
@blp.arguments(schemas.NotificationSnoozeSchema)
@blp.response(200, schemas.ReminderSchema)
def snooze_from_notification(data):
    """The notification's "Snooze 30 min" action: the service worker sends the signed
    token from the push payload as ``Authorization: Snooze <token>`` (no cookie or
    CSRF token needed, and none is used)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "snooze" or not token.strip():
        raise Unauthorized("A snooze token is needed.")
    reminder = service.snooze_by_token(token.strip(), data["minutes"], utcnow())
    db.session.commit()
    return reminder


@blp.route("/reminders")
class Reminders(MethodView):
    decorators = [login_required]

    @blp.response(200, envelope(schemas.ReminderSchema))
    def get(self):
        return listed(service.reminders(current_user))

    @blp.arguments(schemas.ReminderCreateSchema)
    @blp.doc(**REMINDER_RULES)
    @blp.response(201, schemas.ReminderSchema)
    def post(self, data):
        reminder = service.create_reminder(current_user, data, utcnow())
        db.session.commit()
        return reminder


@blp.route("/reminders/<int:reminder_id>")
class ReminderItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.ReminderSchema)
    def get(self, reminder_id: int):
        return service.get_reminder(current_user, reminder_id)

    @blp.arguments(schemas.ReminderPatchSchema)
    @blp.doc(**REMINDER_RULES)
    @blp.response(200, schemas.ReminderSchema)
    def patch(self, data, reminder_id: int):
        reminder = service.update_reminder(current_user, reminder_id, data, utcnow())
        db.session.commit()
        return reminder

    @blp.response(204)
    def delete(self, reminder_id: int):
        service.delete_reminder(current_user, reminder_id)
        db.session.commit()


@blp.route("/reminders/<int:reminder_id>/snooze", methods=["POST"])
@login_required
@blp.arguments(schemas.SnoozeSchema)
@blp.response(200, schemas.ReminderSchema)
def snooze(data, reminder_id: int):
    reminder = service.snooze(current_user, reminder_id, data["minutes"], utcnow())
    db.session.commit()
    return reminder


@blp.route("/reminders/deliveries", methods=["GET"])
@login_required
@blp.response(200, envelope(schemas.DeliverySchema))
def deliveries():
    return listed(service.deliveries(current_user, 50))
