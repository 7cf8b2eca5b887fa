"""The /progress page (charts drawn by static/js/progress.js over the same figures
the server renders as text summaries and tables; the adherence calendar as months of
weeks) and Today's two-line summary."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from marshmallow import Schema, fields, validate

from tracker import dates
from tracker.db_types import utcnow
from tracker.domain import pain, psfs
from tracker.domain.wording import N_
from tracker.errors import DomainError
from tracker.forms import load_form
from tracker.progress import service

bp = Blueprint("progress_pages", __name__)

RANGES = (30, 90, 365)


class RangeArgs(Schema):
    days = fields.Integer(load_default=RANGES[0], validate=validate.OneOf(RANGES))


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


@bp.get("/progress")
def progress():
    args, errors = load_form(RangeArgs(), request.args.to_dict())
    if errors:
        # our own words: the error page says them (in the person's language)
        raise DomainError(N_("Choose 30, 90 or 365 days."))
    figures = service.progress(current_user, args["days"], utcnow())
    return render_template("progress/progress.html", p=figures, ranges=RANGES,
                           min_relief=pain.RELIEF_MIN_SESSIONS,
                           relief_spread=pain.RELIEF_MIN_SPREAD,
                           relief_differs=pain.relief_differs(figures.relief),
                           months=dates.calendar_months(figures.adherence.calendar),
                           # (the visible letter, the name read aloud), from the
                           # language's first day of the week
                           weekdays=list(zip(dates.weekday_names("narrow"),
                                             dates.weekday_names())),
                           meaningful_points=pain.MEANINGFUL_POINTS,
                           psfs_active_max=psfs.ACTIVE_MAX)


@bp.app_template_global("progress_today")
def progress_today() -> service.TodaySummary | None:
    """Today's two lines for the signed-in person (used by the Today page)."""
    if not current_user.is_authenticated:
        return None
    return service.today_summary(current_user, utcnow())
