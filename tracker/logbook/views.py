"""Log book pages: today, the log form, history, stretch pages, the red-flag check."""
from __future__ import annotations

import datetime as dt
import uuid
from itertools import groupby
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.domain.clock import local_date
from tracker.domain.entries import EARLIEST
from tracker.domain.safety import RED_FLAGS
from tracker.errors import DomainError, NotFound
from tracker.extensions import db
from tracker.forms import blank_to_none, load_form
from tracker.logbook import forms, schemas, service

bp = Blueprint("logbook_pages", __name__)


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


@bp.get("/")
def today():
    summary = service.today(current_user, utcnow())
    return render_template("logbook/today.html", t=summary, new_client_id=str(uuid.uuid4()))


def _log_context(session=None, cards=None, errors=None, client_id=None):  # noqa: ANN001
    """Everything the log form needs: plan stretches first, then the rest."""
    now = utcnow()
    plan_slugs = [s.slug for s in service.plan_for(current_user, local_date(now, current_user.timezone))]
    stretches = service.visible_stretches(current_user)
    used = set((cards or {}).keys())
    wanted = request.args.getlist("stretch")
    ordered = sorted(stretches, key=lambda s: (
        s.slug not in wanted, s.slug not in plan_slugs and s.slug not in used,
        plan_slugs.index(s.slug) if s.slug in plan_slugs else 99))
    primary = [s for s in ordered if s.slug in plan_slugs or s.slug in used or s.slug in wanted]
    more = [s for s in ordered if s not in primary]
    return {
        "primary": primary, "more": more, "cards": cards or {}, "errors": errors or {},
        "caution": service.caution_slugs(current_user), "session": session,
        "client_id": client_id or (session.client_id if session else str(uuid.uuid4())),
        "performed_local": _local_minute(session.performed_at if session else now),
        "red_flags": service.red_flags(current_user),
    }


def _local_minute(instant: dt.datetime) -> str:
    """The value a datetime-local input shows for ``instant`` in the user's zone."""
    return instant.astimezone(ZoneInfo(current_user.timezone)).strftime("%Y-%m-%dT%H:%M")


def _save(form, session=None):  # noqa: ANN001
    """Validate the posted form with the API schema and save; (session, errors)."""
    now = utcnow()
    payload, card_of = forms.session_payload(form, current_user.timezone, now)
    schema = schemas.SessionPatchSchema() if session else schemas.SessionCreateSchema()
    if session:
        payload.pop("client_id", None)
        if form.get("performed_at") == _local_minute(session.performed_at):
            del payload["performed_at"]  # unchanged: keep the stored seconds
    data, errors = load_form(schema, payload)
    if errors:
        return None, forms.form_errors(errors, card_of)
    try:
        if session:
            saved = service.update_session(current_user, session.id, data, now)
        else:
            saved, _created = service.create_session(current_user, data, now)
    except DomainError as err:
        if isinstance(err, NotFound):
            raise
        db.session.rollback()
        return None, forms.form_errors(err.fields or {"_schema": [err.message]}, card_of)
    db.session.commit()
    return saved, {}


@bp.route("/log", methods=["GET", "POST"])
def log_session():
    if request.method == "POST":
        saved, errors = _save(request.form)
        if saved:
            return redirect(url_for(".session_detail", session_id=saved.id, saved=1))
        ctx = _log_context(cards=forms.cards_from_form(request.form), errors=errors,
                           client_id=request.form.get("client_id"))
        return render_template("logbook/log.html", **ctx), 422
    return render_template("logbook/log.html", **_log_context())


@bp.get("/sessions/<int:session_id>")
def session_detail(session_id: int):
    session = service.get_session(current_user, session_id)
    return render_template("logbook/session.html", s=session, saved=bool(request.args.get("saved")),
                           caution=service.caution_slugs(current_user),
                           names={e.stretch.slug: e.stretch.name for e in session.entries})


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int):
    session = service.get_session(current_user, session_id)
    if request.method == "POST":
        saved, errors = _save(request.form, session)
        if saved:
            return redirect(url_for(".session_detail", session_id=saved.id, saved=1))
        ctx = _log_context(session, forms.cards_from_form(request.form), errors)
        return render_template("logbook/log.html", **ctx), 422
    return render_template("logbook/log.html",
                           **_log_context(session, forms.cards_from_session(session)))


@bp.post("/sessions/<int:session_id>/delete")
def delete_session(session_id: int):
    service.delete_session(current_user, session_id)
    db.session.commit()
    return redirect(url_for(".history"))


@bp.post("/checkins")
def add_checkin():
    payload = blank_to_none(request.form.to_dict())
    payload["score"] = forms.number(payload.get("score"))
    payload.setdefault("recorded_at", utcnow().isoformat())
    data, errors = load_form(schemas.CheckinCreateSchema(), blank_to_none(payload))
    if errors:
        summary = service.today(current_user, utcnow())
        return render_template("logbook/today.html", t=summary, checkin_errors=errors,
                               new_client_id=request.form.get("client_id") or str(uuid.uuid4())), 422
    service.create_checkin(current_user, data, utcnow())
    db.session.commit()
    return redirect(url_for(".today", checked_in=1))


@bp.post("/checkins/<int:checkin_id>/delete")
def delete_checkin(checkin_id: int):
    service.delete_checkin(current_user, checkin_id)
    db.session.commit()
    return redirect(url_for(".history"))


HISTORY_DAYS = 30
FIRST_DAY = EARLIEST.date()


@bp.get("/history")
def history():
    data, errors = load_form(schemas.DateRangeArgs(), request.args.to_dict())
    if errors:
        abort(400)
    today_local = local_date(utcnow(), current_user.timezone)
    # Nothing is logged before FIRST_DAY; clamping keeps the date sums below in range.
    date_to = max(data.get("to") or today_local, FIRST_DAY)
    date_from = max(data.get("from_") or date_to - dt.timedelta(days=HISTORY_DAYS - 1), FIRST_DAY)
    sessions = service.list_sessions(current_user, date_from, date_to, 1, 500).items
    checkins = service.list_checkins(current_user, date_from, date_to, 1, 500).items
    items = sorted([("session", s.local_date, s.performed_at, s) for s in sessions] +
                   [("checkin", c.local_date, c.recorded_at, c) for c in checkins],
                   key=lambda x: (x[1], x[2]), reverse=True)
    days = [(day, list(group)) for day, group in groupby(items, key=lambda x: x[1])]
    tz = ZoneInfo(current_user.timezone)
    return render_template("logbook/history.html", days=days, tz=tz, date_from=date_from,
                           date_to=date_to, earlier=date_from - dt.timedelta(days=1))


@bp.get("/stretches")
def stretches():
    return render_template("logbook/stretches.html", stretches=service.visible_stretches(current_user),
                           caution=service.caution_slugs(current_user))


@bp.get("/stretches/<slug>")
def stretch(slug: str):
    return render_template("logbook/stretch.html", s=service.stretch_by_slug(current_user, slug),
                           caution=service.caution_slugs(current_user))


@bp.route("/safety", methods=["GET", "POST"])
def safety_check():
    outcome = None
    if request.method == "POST":
        try:
            outcome = service.record_red_flags(current_user, request.form.getlist("red_flags"), utcnow())
        except DomainError as err:
            return render_template("logbook/safety.html", flags=RED_FLAGS, errors=err.fields,
                                   outcome=None, first=False), 422
        db.session.commit()
        if outcome.level == "none":
            return redirect(url_for(".today"))
    return render_template("logbook/safety.html", flags=RED_FLAGS, errors={}, outcome=outcome,
                           first=bool(request.args.get("first")))
