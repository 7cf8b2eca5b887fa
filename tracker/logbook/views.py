"""Log book pages: today, the log form, history, stretch pages (and your own
stretches), the red-flag check. Errors are shown in people's words (labels, not
field keys) with a summary that links to each field."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from functools import partial
from itertools import groupby
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.dates import time_of_day
from tracker.db_types import utcnow
from tracker.domain.clock import local_date
from tracker.domain.entries import EARLIEST
from tracker.domain.plan import guided_plan
from tracker.domain.progression import SLR_STRETCHES
from tracker.domain.safety import RED_FLAGS, WORSE_ADVICE
from tracker.domain.wording import N_, Text, plural_text
from tracker.errors import DomainError, Gone, Invalid
from tracker.extensions import db
from tracker.forms import blank_to_none, load_form, readable, validated
from tracker.logbook import checkins, daily, forms, schemas, sessions, stretches, warning_signs
from tracker.domain import flareups as flareup_rules
from tracker.programs.service import day_target, today_note as programme_note

bp = Blueprint("logbook_pages", __name__)


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


@bp.context_processor
def _page_helpers() -> dict:
    return {"context_words": forms.CONTEXT_WORDS, "error_target": forms.error_target,
            "form_limits": forms.LIMITS, "stretch_phrases": forms.stretch_phrases,
            "slr_slugs": SLR_STRETCHES, "time_of_day": time_of_day}


@bp.get("/")
def today():
    return _today_page()


def _today_page(status: int = 200, **context):  # noqa: ANN003
    summary = daily.today(current_user, utcnow())
    context.setdefault("new_client_id", str(uuid.uuid4()))
    return render_template("logbook/today.html", t=summary, flare_rules=flareup_rules,
                           programme=programme_note(current_user, summary.date),
                           **context), status


def _log_context(session=None, cards=None, errors=None, client_id=None):  # noqa: ANN001
    """Everything the log form needs: plan stretches first, then the rest; ``errors``
    keyed by the form's names (tracker.logbook.forms)."""
    now = utcnow()
    figures = daily.today_figures(current_user, now)
    plan_slugs = [s.slug for s in figures.plan]
    offered = list(stretches.library(current_user))
    if session:  # an archived stretch stays on the sessions that have it
        offered += list({e.stretch.slug: e.stretch for e in session.entries
                         if e.stretch.archived_at is not None}.values())
    used = {slug for slug, card in (cards or {}).items() if card.get("done")}
    wanted = request.args.getlist("stretch")
    ordered = sorted(offered, key=lambda s: (
        s.slug not in wanted, s.slug not in plan_slugs and s.slug not in used,
        plan_slugs.index(s.slug) if s.slug in plan_slugs else 99))
    primary = [s for s in ordered if s.slug in plan_slugs or s.slug in used or s.slug in wanted]
    more = [s for s in ordered if s not in primary]
    shown = primary + more
    errors = errors or {}
    return {
        "error_cards": {slug for key in errors if (slug := forms.card_slug(key))},
        "error_link": partial(forms.error_target, first_card=shown[0].slug if shown else None),
        "primary": primary, "more": more, "cards": cards or {},
        "errors": forms.readable_errors(errors, {s.slug: s.shown_name for s in shown}),
        "answered": warning_signs.red_flags_answered(current_user),
        "caution": figures.caution, "session": session,
        "client_id": client_id or (session.client_id if session else str(uuid.uuid4())),
        "performed_local": _local_minute(session.performed_at if session else now),
        "red_flags": warning_signs.red_flags(current_user),
    }


def _local_minute(instant: dt.datetime) -> str:
    """The value a datetime-local input shows for ``instant`` in the user's zone."""
    return instant.astimezone(ZoneInfo(current_user.timezone)).strftime("%Y-%m-%dT%H:%M")


def _save(form, session=None):  # noqa: ANN001
    """Validate the posted form with the API schema and save; (session, errors keyed
    by the form's names). Only what a person can put right on the form comes back as
    errors (a refused value, a replayed deleted session); anything else (a session
    gone meanwhile, a fault) goes to the app's error handlers."""
    now = utcnow()
    payload = forms.session_payload(form, current_user.timezone, now)
    schema = schemas.SessionPatchSchema() if session else schemas.SessionCreateSchema()
    if session:
        payload.pop("client_id", None)
        if form.get("performed_at") == _local_minute(session.performed_at):
            del payload["performed_at"]  # unchanged: keep the stored seconds
    try:
        data = validated(schema, payload)
        if session:
            saved = sessions.update_session(current_user, session.id, data, now)
        else:
            saved, _created = sessions.create_session(current_user, data, now)
    except (Invalid, Gone) as err:
        db.session.rollback()
        return None, forms.form_errors(err.fields or {"_schema": [err.message]}, payload["entries"])
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


@bp.get("/guide")
def guide():
    """The guided session: one step per screen (static/js/guide.js); without
    JavaScript the page points to the log form."""
    return render_template("logbook/guide.html", **_guide_context())


def _guide_context() -> dict:
    now = utcnow()
    figures = daily.today_figures(current_user, now)
    target = day_target(current_user, figures.date)
    by_slug = {s.slug: s for s in (*stretches.library(current_user), *figures.plan)}
    slugs = guided_plan([s.slug for s in figures.plan], SLR_STRETCHES, target is not None)
    plan = [by_slug[slug] for slug in slugs if slug in by_slug]
    return {"plan": plan, "caution": figures.caution, "target": target,
            "worse_advice": WORSE_ADVICE,
            "answered": warning_signs.red_flags_answered(current_user),
            "red_flags": warning_signs.red_flags(current_user),
            "client_id": str(uuid.uuid4())}


@bp.get("/sessions/<int:session_id>")
def session_detail(session_id: int):
    session = sessions.get_session(current_user, session_id)
    return render_template("logbook/session.html", s=session, saved=bool(request.args.get("saved")),
                           caution=stretches.caution_slugs(current_user),
                           names={e.stretch.slug: e.stretch.shown_name for e in session.entries})


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int):
    session = sessions.get_session(current_user, session_id)
    if request.method == "POST":
        saved, errors = _save(request.form, session)
        if saved:
            return redirect(url_for(".session_detail", session_id=saved.id, saved=1))
        ctx = _log_context(session, forms.cards_from_form(request.form), errors)
        return render_template("logbook/log.html", **ctx), 422
    return render_template("logbook/log.html",
                           **_log_context(session, forms.cards_from_session(session)))


@bp.route("/sessions/<int:session_id>/delete", methods=["GET", "POST"])
def delete_session(session_id: int):
    """GET asks first (works without JavaScript); POST deletes."""
    session = sessions.get_session(current_user, session_id)
    if request.method == "GET":
        return render_template("logbook/confirm_delete.html", what="session", s=session,
                               back=url_for(".session_detail", session_id=session_id))
    sessions.delete_session(current_user, session.id)
    db.session.commit()
    return redirect(url_for(".history", deleted="session"))


@bp.post("/checkins")
@bp.post("/", endpoint="today_checkin")
def add_checkin():
    """The check-in on Today. Its form posts to / (and /checkins still works), so a
    refused check-in is shown on Today's own address, scrolled to the form."""
    payload = blank_to_none(request.form.to_dict())
    payload["score"] = forms.number(payload.get("score"))
    payload.setdefault("recorded_at", utcnow().isoformat())
    try:
        data = validated(schemas.CheckinCreateSchema(), blank_to_none(payload))
        checkins.create_checkin(current_user, data, utcnow())
    except (Invalid, Gone) as err:  # what the form can show; anything else is no form's
        db.session.rollback()
        errors = err.fields or {"_schema": [err.message]}
        return _today_page(
            422, checkin_errors=readable(errors, forms.CHECKIN_LABELS, ["score", "context", "note"]),
            new_client_id=request.form.get("client_id") or str(uuid.uuid4()))
    db.session.commit()
    return redirect(url_for(".today", checked_in=1))


@bp.route("/checkins/<int:checkin_id>/delete", methods=["GET", "POST"])
def delete_checkin(checkin_id: int):
    checkin = checkins.get_checkin(current_user, checkin_id)
    if request.method == "GET":
        return render_template("logbook/confirm_delete.html", what="check-in", c=checkin,
                               back=url_for(".history", to=checkin.local_date.isoformat()))
    checkins.delete_checkin(current_user, checkin.id)
    db.session.commit()
    return redirect(url_for(".history", deleted="check-in"))


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
    logged = sessions.list_sessions(current_user, date_from, date_to, 1, 500).items
    scores = checkins.list_checkins(current_user, date_from, date_to, 1, 500).items
    items = sorted([("session", s.local_date, s.performed_at, s) for s in logged] +
                   [("checkin", c.local_date, c.recorded_at, c) for c in scores],
                   key=lambda x: (x[1], x[2]), reverse=True)
    days = [(day, list(group)) for day, group in groupby(items, key=lambda x: x[1])]
    tz = ZoneInfo(current_user.timezone)
    return render_template("logbook/history.html", days=days, tz=tz, date_from=date_from,
                           date_to=date_to, earlier=date_from - dt.timedelta(days=1),
                           any_earlier=sessions.logged_before(current_user, date_from))


@bp.get("/stretches", endpoint="stretches")
def stretch_library():
    return render_template("logbook/stretches.html", stretches=stretches.visible_stretches(current_user),
                           caution=stretches.caution_slugs(current_user))


@bp.get("/stretches/<slug>")
def stretch(slug: str):
    return render_template("logbook/stretch.html", s=stretches.stretch_by_slug(current_user, slug),
                           caution=stretches.caution_slugs(current_user))


STRETCH_FIELDS = ["name", "spine", "hold_seconds", "reps", "per_side", "measures_angle",
                  "needs_helper", "instructions"]
_STRETCH = schemas.StretchCreateSchema().fields
_NAME_LENGTH = forms.LIMITS["stretch_name"]
STRETCH_LABELS = {
    "name": (N_("Name"), Text("write %(min)s to %(max)s characters.", min=1,
                             max=_NAME_LENGTH["maxlength"])),
    "slug": N_("Name"),
    "spine": (N_("Direction"), N_("choose flexion, neutral or extension.")),
    "hold_seconds": (N_("Hold"), forms.range_rule(_STRETCH["hold_seconds"], " seconds")),
    "reps": (N_("Repetitions"), forms.range_rule(_STRETCH["reps"])),
    "instructions": (N_("Instructions"), plural_text(
        "write at most %(num)s step, one per line.", "write at most %(num)s steps, one per line.",
        20)),
}


def _stretch_form(stretch=None):  # noqa: ANN001
    """Show (GET) or save (POST) the add/edit form of a custom stretch."""
    errors: dict = {}
    if request.method == "POST":
        payload = forms.stretch_payload(request.form)
        data, errors = load_form(schemas.StretchPatchSchema(partial=("cautions",)), payload)
        if not errors:
            try:
                if stretch:
                    saved = stretches.update_custom_stretch(current_user, stretch.slug, data)
                else:
                    saved = stretches.create_custom_stretch(current_user, data)
            except DomainError as err:
                if err.status in (403, 404):
                    raise
                db.session.rollback()
                errors = err.fields or {"_schema": [err.message]}
            else:
                db.session.commit()
                return redirect(url_for(".stretch", slug=saved.slug, saved=1))
        errors = {("slug" if k == "slug" else re.sub(r"\.\d+$", "", k)): v for k, v in errors.items()}
        if "slug" in errors:  # the slug comes from the name on this form
            errors["name"] = [N_("another stretch of yours already has this name.")]
            del errors["slug"]
            labels = {**STRETCH_LABELS, "name": N_("Name")}
        else:
            labels = STRETCH_LABELS
        errors = readable(errors, labels, STRETCH_FIELDS)
    values = request.form if request.method == "POST" else forms.stretch_values(stretch)
    return render_template("logbook/stretch_form.html", s=stretch, v=values, errors=errors), \
        (422 if errors else 200)


@bp.route("/stretches/new", methods=["GET", "POST"])
def new_stretch():
    return _stretch_form()


@bp.route("/stretches/<slug>/edit", methods=["GET", "POST"])
def edit_stretch(slug: str):
    return _stretch_form(stretches.own_stretch(current_user, slug))


@bp.route("/stretches/<slug>/remove", methods=["GET", "POST"])
def remove_stretch(slug: str):
    """GET asks first; POST removes (archives it when sessions name it)."""
    stretch = stretches.own_stretch(current_user, slug)
    if request.method == "GET":
        return render_template("logbook/confirm_delete.html", what="stretch", st=stretch,
                               back=url_for(".stretch", slug=slug))
    archived = stretches.remove_custom_stretch(current_user, slug, utcnow())
    db.session.commit()
    return redirect(url_for(".stretches", removed="archived" if archived else "deleted"))


@bp.route("/safety", methods=["GET", "POST"])
def safety_check():
    outcome = None
    if request.method == "POST":
        try:
            outcome = warning_signs.record_red_flags(current_user, request.form.getlist("red_flags"),
                                               utcnow(), bool(request.form.get("none_apply")))
        except DomainError as err:
            db.session.rollback()
            errors = readable(err.fields, {"red_flags": N_("Warning signs")})
            return render_template("logbook/safety.html", flags=RED_FLAGS, errors=errors,
                                   outcome=None, first=bool(request.args.get("first")),
                                   ticked=request.form.getlist("red_flags"),
                                   none_apply=bool(request.form.get("none_apply"))), 422
        db.session.commit()
        if outcome.level == "none":
            # Sent here by the log form's "answer the check first": go back to it.
            back = ".log_session" if request.args.get("next") == "log" else ".today"
            return redirect(url_for(back))
    answered = warning_signs.red_flags_answered(current_user)
    return render_template("logbook/safety.html", flags=RED_FLAGS, errors={}, outcome=outcome,
                           first=bool(request.args.get("first")),
                           ticked=current_user.red_flags or [],
                           none_apply=answered and not current_user.red_flags)
