"""The Reminders page: add, edit and remove reminders, enable notifications on this
device, send a test, and see the last deliveries. Also the page a notification's
"Snooze 30 min" opens where the browser shows the notification itself (Safari's
declarative Web Push): it works by the signed token in its address, signed in or not,
and asks before it snoozes (a GET changes nothing)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.dates import short_date, short_datetime, time_of_day
from tracker.domain import push_endpoints, schedule
from tracker.domain.wording import N_
from tracker.errors import DomainError, page_fields, page_text
from tracker.i18n import format_locale
from tracker.extensions import db
from tracker.auth.schemas import QuietHoursSchema
from tracker.forms import blank_to_none, load_form
from tracker.reminders import email, schemas, service
from tracker.reminders.reach import reachable

bp = Blueprint("reminders_pages", __name__)
by_token = Blueprint("reminder_links", __name__)
NOTIFICATION_SNOOZE_MINUTES = 30

# Labels and notices: English constants, translated where shown.
LABELS = {"time": N_("Time"), "weekdays": N_("Days"), "timezone": N_("Time zone"),
          "message": N_("Message"), "enabled": N_("On"),
          "skip_if_logged": N_("Skip days I've logged"), "_schema": "",
          "quiet_start": N_("Quiet from"), "quiet_end": N_("Quiet until"),
          "channels": N_("Send by")}
SAVED = {"added": N_("Reminder added."), "saved": N_("Reminder saved."),
         "removed": N_("Reminder removed."), "quiet": N_("Quiet hours saved."),
         "quiet-off": N_("Quiet hours turned off.")}


def day_names() -> list[str]:
    """Short weekday names in the page's language, Monday first ("Mon" / "Mo.")."""
    names = get_day_names("abbreviated", locale=format_locale())  # keyed 0 = Monday
    return [names[d] for d in schedule.ALL_DAYS]


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
    data["channels"] = form.getlist("channels")
    data.setdefault("message", "")
    return data


def _by_field(errors: dict) -> dict:
    """"weekdays.0" -> "weekdays": the page shows each message at its input."""
    merged: dict[str, list[str]] = {}
    for name, messages in errors.items():
        merged.setdefault(name.split(".")[0], []).extend(messages)
    return merged


def _page(errors=None, form=None, editing=None, status=200):  # noqa: ANN001
    errors = _by_field(page_fields(errors or {}))
    rows = service.reminders(current_user)
    saved = SAVED.get(request.args.get("saved", ""))
    return render_template(
        "reminders/reminders.html", reminders=rows,
        unreached={r.id for r in rows if r.enabled and not reachable(r)},
        email_ok=email.available(), email_unavailable=_(email.unavailable_reason()),
        next_words=service.next_in_words(current_user, rows, utcnow()),
        deliveries=service.deliveries(current_user, 10), devices=service.subscriptions(current_user),
        errors=errors or {}, form=form, editing=editing, day_names=day_names(),
        labels=LABELS, saved=_(saved) if saved else None, time_of_day=time_of_day,
        short_datetime=short_datetime, short_date=short_date,
        service_name=push_endpoints.service_name,
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


@bp.post("/reminders/quiet")
def quiet_hours():
    """Set quiet hours (start and end), or turn them off (the "off" button)."""
    if request.form.get("off"):
        service.set_quiet_hours(current_user, None, utcnow())
        db.session.commit()
        return redirect(url_for(".reminders", saved="quiet-off", _anchor="quiet"))
    data, errors = load_form(QuietHoursSchema(), {k: request.form.get(k, "") for k in ("start", "end")})
    if errors:
        return _page({f"quiet_{k}": v for k, v in errors.items()}, request.form,
                     editing="quiet", status=422)
    service.set_quiet_hours(current_user, data, utcnow())
    db.session.commit()
    return redirect(url_for(".reminders", saved="quiet", _anchor="quiet"))


@bp.post("/reminders/<int:reminder_id>/delete")
def delete_reminder(reminder_id: int):
    service.delete_reminder(current_user, reminder_id)
    db.session.commit()
    return redirect(url_for(".reminders", saved="removed"))


@by_token.get("/reminders/snooze/<token>")
def snooze_page(token: str):
    return render_template("reminders/snooze.html", token=token,
                           minutes=NOTIFICATION_SNOOZE_MINUTES)


@by_token.post("/reminders/snooze/<token>")
def snooze_from_link(token: str):
    try:
        reminder = service.snooze_by_token(token, NOTIFICATION_SNOOZE_MINUTES, utcnow())
    except DomainError as err:  # a bad or old token, a removed reminder
        db.session.rollback()
        return render_template("reminders/snooze.html", token=token, gone=page_text(err.message),
                               minutes=NOTIFICATION_SNOOZE_MINUTES), 404
    db.session.commit()
    until = reminder.snoozed_until.astimezone(ZoneInfo(reminder.timezone))
    return render_template("reminders/snooze.html", token=token, until=time_of_day(until),
                           minutes=NOTIFICATION_SNOOZE_MINUTES)


@by_token.get("/reminders/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """A reminder e-mail's unsubscribe link, opened: it asks first (mail scanners open
    links; a GET changes nothing)."""
    try:
        reminder = service.reminder_by_unsubscribe_token(token)
    except DomainError as err:
        return render_template("reminders/unsubscribe.html", gone=page_text(err.message)), 404
    return render_template("reminders/unsubscribe.html", reminder=reminder, token=token,
                           done="email" not in reminder.channels or not reminder.enabled)


@by_token.post("/reminders/unsubscribe/<token>")
def unsubscribe_one_click(token: str):
    """RFC 8058's one-click POST (``List-Unsubscribe=One-Click``, sent by the mail
    provider, no cookie, no CSRF token), or the page's button: e-mails of this one
    reminder stop."""
    try:
        reminder = service.reminder_by_unsubscribe_token(token)
    except DomainError as err:
        return render_template("reminders/unsubscribe.html", gone=page_text(err.message)), 404
    service.stop_email(reminder)
    db.session.commit()
    return render_template("reminders/unsubscribe.html", reminder=reminder, done=True)
