"""The Reminders page: add, edit and remove reminders, enable notifications on this
device, send a test, and see the last deliveries."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.domain import schedule
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.forms import blank_to_none, load_form
from tracker.reminders import schemas, service

bp = Blueprint("reminders_pages", __name__)

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LABELS = {"time": "Time", "weekdays": "Days", "timezone": "Time zone", "message": "Message",
          "enabled": "On", "skip_if_logged": "Skip days I've logged", "_schema": ""}


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


def _payload(form) -> dict:  # noqa: ANN001
    """The reminder form as the API's JSON: checkboxes become booleans, days ints."""
    data = blank_to_none({k: form.get(k) for k in ("time", "timezone", "message")})
    data["weekdays"] = [int(d) for d in form.getlist("weekdays") if d.isdigit()] or []
    data["enabled"] = form.get("enabled") == "on"
    data["skip_if_logged"] = form.get("skip_if_logged") == "on"
    data.setdefault("message", "")
    return data


def _by_field(errors: dict) -> dict:
    """"weekdays.0" -> "weekdays": the page shows each message at its input."""
    merged: dict[str, list[str]] = {}
    for name, messages in errors.items():
        merged.setdefault(name.split(".")[0], []).extend(messages)
    return merged


def _page(errors=None, form=None, editing=None, status=200):  # noqa: ANN001
    errors = _by_field(errors or {})
    return render_template(
        "reminders/reminders.html", reminders=service.reminders(current_user),
        deliveries=service.deliveries(current_user, 10), devices=service.subscriptions(current_user),
        errors=errors or {}, form=form, editing=editing, day_names=DAY_NAMES,
        labels=LABELS, saved=request.args.get("saved"),
        public_key=service.vapid_keys().public_key, all_days=schedule.ALL_DAYS), status


@bp.get("/reminders")
def reminders():
    return _page()


@bp.post("/reminders")
def add_reminder():
    data, errors = load_form(schemas.ReminderCreateSchema(), _payload(request.form))
    if not errors:
        try:
            service.create_reminder(current_user, data, utcnow())
        except DomainError as err:
            db.session.rollback()
            errors = err.fields or {"_schema": [err.message]}
    if errors:
        return _page(errors, request.form, status=422)
    db.session.commit()
    return redirect(url_for(".reminders", saved="added"))


@bp.post("/reminders/<int:reminder_id>")
def edit_reminder(reminder_id: int):
    service.get_reminder(current_user, reminder_id)  # 404 for someone else's
    data, errors = load_form(schemas.ReminderPatchSchema(), _payload(request.form))
    if errors:
        return _page(errors, request.form, editing=reminder_id, status=422)
    service.update_reminder(current_user, reminder_id, data, utcnow())
    db.session.commit()
    return redirect(url_for(".reminders", saved="saved"))


@bp.post("/reminders/<int:reminder_id>/delete")
def delete_reminder(reminder_id: int):
    service.delete_reminder(current_user, reminder_id)
    db.session.commit()
    return redirect(url_for(".reminders", saved="removed"))
