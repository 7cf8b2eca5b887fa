"""The /flare-up page: say "I'm having a flare-up" (how many days, since when, a
note), see the running one and earlier ones, and "I'm better" to end it early.
Today and Settings link here; Today shows the running flare-up itself."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.domain import flareups as rules
from tracker.domain.clock import local_date
from tracker.domain.wording import N_, Text, plural_text
from tracker.extensions import db
from tracker.flareups import schemas, service
from tracker.forms import blank_to_none, readable, submit
from tracker.logbook.forms import number

bp = Blueprint("flareup_pages", __name__)

LABELS = {"days": (N_("How many days"), Text("choose %(min)s–%(max)s days.", min=rules.DAYS_MIN,
                                                 max=rules.DAYS_MAX)),
          "start_date": N_("Started on"),
          "note": (N_("Note"), plural_text("at most %(num)s character.", "at most %(num)s characters.",
                                           rules.NOTE_MAX))}


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


def _page(errors: dict | None = None, form: dict | None = None, status: int = 200):
    now = utcnow()
    flares = service.list_views(current_user, now)
    today = local_date(now, current_user.timezone)
    return render_template(
        "flareups/flare_up.html", current=next((f for f in flares if f.active), None),
        past=[f for f in flares if not f.active], today=today,
        earliest=today - dt.timedelta(days=rules.START_BACK_MAX), rules=rules,
        errors=readable(errors or {}, LABELS, list(LABELS)), form=form or {}), status


@bp.get("/flare-up")
def flare_up():
    return _page()


@bp.post("/flare-up")
def start():
    form = blank_to_none(request.form.to_dict())
    payload = {**form, **({"days": number(form["days"])} if "days" in form else {})}
    errors = submit(schemas.FlareUpCreateSchema(), payload,
                    lambda data: service.start(current_user, data, utcnow()))
    if errors:
        return _page(errors, form, 422)
    return redirect(url_for("logbook_pages.today"))


@bp.post("/flare-up/end")
def end():
    service.end_current(current_user, utcnow())
    db.session.commit()
    return redirect(url_for("logbook_pages.today", better=1))
