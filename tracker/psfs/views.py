"""The /psfs page: name up to five activities the back makes hard, rate each 0-10
with big buttons (plain forms, no script needed), retire or bring back an activity.
Today's "How are these going?" card and Progress post their ratings here too."""
from __future__ import annotations

import uuid

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.domain import psfs as rules
from tracker.forms import readable, submit
from tracker.logbook.forms import number
from tracker.psfs import schemas, service

bp = Blueprint("psfs_pages", __name__)

# Where a rating form may send the person back to once saved.
RETURN_TO = {"today": "logbook_pages.today", "progress": "progress_pages.progress"}


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


def _page(errors: dict | None = None, form: dict | None = None, status: int = 200):
    activities = service.list_activities(current_user)
    active = [a for a in activities if a.active]
    labels = {"name": _("Activity"), "active": _("Activity"),
              **{f"score-{a.id}": (a.name, _("choose 0 to 10.")) for a in active}}
    return render_template(
        "psfs/psfs.html", active=active, retired=[a for a in activities if not a.active],
        pairs=[(a.id, a.name) for a in active],
        summary=service.summary(current_user), rules=rules, new_client_id=str(uuid.uuid4()),
        errors=readable(errors or {}, labels), form=form or {},
        saved=request.args.get("rated")), status


@bp.get("/psfs")
def psfs():
    return _page()


@bp.post("/psfs/activities")
def add_activity():
    form = request.form.to_dict()
    errors = submit(schemas.ActivityCreateSchema(), {"name": form.get("name", "")},
                    lambda data: service.add_activity(current_user, data, utcnow()))
    if errors:
        return _page(errors, form, 422)
    return redirect(url_for("psfs_pages.psfs"))


@bp.post("/psfs/activities/<int:activity_id>")
def change_activity(activity_id: int):
    active = request.form.get("active") == "1"
    errors = submit(schemas.ActivityPatchSchema(), {"active": active},
                    lambda data: service.change_activity(current_user, activity_id, data,
                                                         utcnow()))
    if errors:
        return _page(errors, status=409 if "active" in errors else 422)
    return redirect(url_for("psfs_pages.psfs"))


@bp.post("/psfs/ratings")
def rate():
    """One form field ``score-<activity id>`` per activity; those left blank are left
    out of the set."""
    form = request.form.to_dict()
    rated = [(int(key.removeprefix("score-")), number(value)) for key, value in form.items()
             if key.startswith("score-") and key.removeprefix("score-").isdigit() and value]
    payload = {"client_id": form.get("client_id", ""),
               "scores": [{"activity_id": a, "score": score} for a, score in rated]}
    errors = submit(schemas.RatingCreateSchema(), payload,
                    lambda data: service.rate(current_user, data, utcnow()))
    if errors:
        return _page(_by_activity(errors, [a for a, _ in rated]), form, 422)
    back = RETURN_TO.get(form.get("next", ""))
    return redirect(url_for(back, psfs="saved") if back else url_for("psfs_pages.psfs", rated=1))


def _by_activity(errors: dict, ids: list[int]) -> dict:
    """``scores.N.score`` and ``scores.N.activity_id`` named by the form's field for that
    activity; an empty set as "choose at least one"."""
    named: dict = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] == "scores" and len(parts) == 3 and parts[1].isdigit() \
                and int(parts[1]) < len(ids):
            named[f"score-{ids[int(parts[1])]}"] = messages
        elif key in ("scores", "client_id"):
            named["_schema"] = [_("Choose a number for at least one activity.")
                                if key == "scores" else _("The form was out of date: try again.")]
        else:
            named[key] = messages
    return named
