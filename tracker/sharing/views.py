"""Sharing pages: the printable report (/report), the shared read-only report
(/s/<token>, no sign-in; a dead link answers a page of its own that leads nowhere
into the app), and the Settings actions: make and withdraw share links, import a
file. The export downloads are plain links to /api/v1/export."""
from __future__ import annotations

import json
import logging
import re

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from marshmallow import ValidationError
from werkzeug.exceptions import NotFound as NoRoute

from babel.numbers import format_decimal

from tracker.auth.models import User
from tracker.dates import short_date, time_of_day
from tracker.db_types import utcnow
from tracker.errors import (DomainError, Invalid, NotFound, error_body, flatten_errors,
                            page_fields, page_text)
from tracker.domain.wording import N_
from tracker.i18n import format_locale
from tracker.extensions import db
from tracker.forms import blank_to_none, load_form
from tracker.input_guard import unstorable
from tracker.logbook.forms import number
from tracker.progress.service import progress
from tracker.progress.schemas import dump_progress
from tracker.sharing import schemas, service
from tracker.sharing.api import share_out
from tracker.sharing.limits import import_limit

bp = Blueprint("sharing_pages", __name__)
shared = Blueprint("shared_report", __name__)

PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}


def _private(response):  # noqa: ANN001
    """A report is health data: never cached, indexed, or named in a Referer."""
    response.headers.update(PRIVATE_HEADERS)
    return response


# ---------------------------------------------------------------- reports


@bp.app_template_global("report_number")
def report_number(value: float, signed: bool = False) -> str:
    """A report's figure with one decimal, in the page's language: "3.0" / "3,0";
    ``signed``: "+1.5", "-2.0"."""
    pattern = "+#,##0.0;-#,##0.0" if signed else "#,##0.0"
    return format_decimal(value, format=pattern, locale=format_locale())


@bp.app_template_global("report_text")
def report_text(message):  # noqa: ANN001, ANN201
    """A ``Text`` or a marked English constant (a stretch's name, a warning sign, a skip
    reason) in the page's language; anything else (a person's own words) as it is."""
    return page_text(message)


@bp.app_template_global("link_time")
def link_time(value) -> str:  # noqa: ANN001 - an aware datetime, local to the reader
    """"6 Dec 2026, 14:50": when a link stops working, always with its year."""
    chosen = format_locale()
    return chosen.datetime_formats["short"].format(time_of_day(value, locale=chosen),
                                                   short_date(value, year=True, locale=chosen))


@bp.app_template_global("report_time")
def report_time(value) -> str:  # noqa: ANN001 - a datetime
    """"14:50" as the page's language writes a time."""
    return time_of_day(value)


@bp.get("/report")
@login_required
def report():
    args, errors = load_form(schemas.ReportArgs(), request.args.to_dict())
    if errors:
        raise Invalid(N_("Choose a report of 7 to 365 days."), {"Days": errors.get("days", [])})
    data = service.report_data(current_user, args["days"], utcnow())
    return _private(make_response(render_template(
        "sharing/report.html", r=data, shared=False,
        figures_url=url_for("progress_api.progress", days=data.days))))


@shared.get("/s/<token>")
def shared_report(token: str):
    now = utcnow()
    share = service.share_by_token(token, now)
    user = db.session.get(User, share.user_id)
    return render_template("sharing/report.html", r=service.report_data(user, share.days, now),
                           shared=True, share=share,
                           figures_url=url_for(".shared_figures", token=token))


@shared.get("/s/<token>/progress.json")
def shared_figures(token: str):
    """The report's chart figures for a share link's reader (not signed in): the same
    JSON as GET /api/v1/progress for the shared days, under the link's rules (dead
    link: 404; never cached)."""
    now = utcnow()
    share = service.share_by_token(token, now)
    user = db.session.get(User, share.user_id)
    return current_app.json.response(dump_progress(progress(user, share.days, now)))


@shared.get("/s/", defaults={"rest": ""})
@shared.get("/s/<path:rest>")
def shared_nothing(rest: str):
    """Anything else under /s/ (a link cut short or with more after it) is a dead link
    too, so its reader gets the same page."""
    raise NotFound(service.LINK_GONE)


@shared.errorhandler(NotFound)
@shared.errorhandler(NoRoute)
def _link_gone(err: Exception):
    """A dead link answers a page of its own: its reader is not signed in to this app,
    so the page offers no way into it, only what to do. Its chart figures are JSON,
    so their 404 is the API's JSON error."""
    message = err.message if isinstance(err, NotFound) else service.LINK_GONE
    if request.endpoint == "shared_report.shared_figures":
        return error_body(404, NotFound.code, message), 404
    return render_template("sharing/gone.html", message=page_text(message)), 404


shared.after_request(_private)  # also on the 404 of a dead link


# ---------------------------------------------------------------- settings


@bp.app_template_global("share_links")
def share_links() -> list[dict]:
    """The signed-in person's share links for the Settings section (never the token)."""
    now = utcnow()
    return [share_out(s, now) for s in service.list_shares(current_user)]


def _settings(status: int = 200, **context):  # noqa: ANN001
    context.setdefault("errors", {})
    return render_template("auth/settings.html", saved=False, **context), status


@bp.post("/settings/shares")
@login_required
def create_share():
    payload = blank_to_none(request.form.to_dict())
    for key in ("days", "expires_in_days"):
        if key in payload:
            payload[key] = number(payload[key])
    data, errors = load_form(schemas.ShareCreateSchema(), payload)
    if errors:
        return _settings(422, share_errors=errors)
    now = utcnow()
    share, token = service.create_share(current_user, data, now)
    db.session.commit()
    # The link is shown on this response only: it is never stored, so no redirect.
    return _private(make_response(*_settings(201, new_share=share_out(share, now, token))))


@bp.post("/settings/shares/<int:share_id>/revoke")
@login_required
def revoke_share(share_id: int):
    service.revoke_share(current_user, share_id, utcnow())
    db.session.commit()
    return redirect(url_for("auth_pages.settings", revoked=1, _anchor="sharing"))


def _read_upload() -> dict:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid.field("file", N_("Choose an export file to import."))
    try:
        payload = json.loads(upload.read())
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Invalid.field("file", N_("This file is not a Backstretch export (not JSON).")) from None
    bad = unstorable(payload)
    if bad:
        raise Invalid.field(bad, N_("Contains a NUL character or an unpaired surrogate."))
    try:
        return schemas.import_schema()().load(payload)
    except ValidationError as err:
        raise Invalid(N_("This file does not fit the export format."),
                      flatten_errors(err.messages)) from None


@bp.post("/settings/import")
@login_required
@import_limit
def import_upload():
    try:
        summary = service.import_data(current_user, _read_upload(), utcnow())
    except DomainError as err:
        db.session.rollback()
        return _settings(err.status, import_errors=page_fields(_file_problems(err)))
    db.session.commit()
    return _settings(import_summary=summary)


def _file_problems(err: DomainError) -> dict[str, list[str]]:
    """A problem inside the uploaded file names its place in the file
    (``sessions.0.client_id``): it is not a field of this page."""
    inside = {k: v for k, v in err.fields.items() if k != "file"}
    errors = {k: v for k, v in err.fields.items() if k == "file"}
    if inside or not errors:
        errors["_schema"] = [err.message] + [
            gettext("In the file at %(path)s: %(problems)s", path=path,
                    problems=" ".join(str(page_text(m)) for m in messages))
            for path, messages in inside.items()]
    return errors


# ---------------------------------------------------------------- logs

_SHARE_PATH = re.compile(r"/s/[^\s?\"]+")


class RedactShareTokens(logging.Filter):
    """Share tokens are secrets: request logs show /s/[redacted] instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/s/" in message:
            record.msg, record.args = _SHARE_PATH.sub("/s/[redacted]", message), ()
        return True


@shared.before_request
def _redact_logs() -> None:
    """The redaction filter, added (once) when a shared link is first opened."""
    for logger in (logging.getLogger("werkzeug"), current_app.logger):
        if not any(isinstance(f, RedactShareTokens) for f in logger.filters):
            logger.addFilter(RedactShareTokens())
