"""The /program page: start a straight-leg-raise programme, follow it day by day,
end it; earlier programmes stay listed."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.domain import progression
from tracker.domain.clock import local_date
from tracker.extensions import db
from tracker.forms import blank_to_none, readable, submit
from tracker.logbook.forms import number
from tracker.programs import schemas, service

bp = Blueprint("program_pages", __name__)

# Form labels for the field names the schema reports.
LABELS = {"affected_leg": lazy_gettext("Leg with the pain"),
          "start_date": lazy_gettext("Start date"),
          "length_days": lazy_gettext("Length (days)")}


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


def _page(errors: dict | None = None, form: dict | None = None, status: int = 200):
    now = utcnow()
    programs = service.list_views(current_user, now)
    current = next((p for p in programs if p.state == "active"), None)
    phone = service.phone_measured_bests(
        current_user, min(p.start_date for p in programs),
        max(p.end_date for p in programs)) if programs else frozenset()
    return render_template(
        "programs/program.html", current=current, past=[p for p in programs if p is not current],
        errors=readable(errors or {}, LABELS, list(LABELS)), form=form or {},
        today=local_date(now, current_user.timezone), lengths=range(
            progression.LENGTH_MIN, progression.LENGTH_MAX + 1),
        default_length=progression.LENGTH_DEFAULT,
        phone=phone, started=bool(request.args.get("started"))), status


@bp.get("/program")
def program():
    return _page()


@bp.post("/program")
def start():
    form = blank_to_none(request.form.to_dict())
    payload = {**form, **({"length_days": number(form["length_days"])} if "length_days" in form else {})}
    errors = submit(schemas.ProgramCreateSchema(), payload,
                    lambda data: service.start_program(current_user, data, utcnow()))
    if errors:
        return _page(errors, form, 422)
    return redirect(url_for(".program", started=1))


@bp.post("/program/end")
def end():
    service.end_current(current_user, utcnow())
    db.session.commit()
    return redirect(url_for(".program"))
