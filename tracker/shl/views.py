"""SMART Health Links outside the signed-in API: the manifest (a public JSON POST that
the link itself authorises: no cookie, no CSRF token, open to any origin, not in the
OpenAPI document, rate-limited per address, its secret id kept out of the request
logs), the viewer page at /shl (it reads the link from the URL
fragment, which never reaches the server, and decrypts in the browser), and the
Settings actions (make, withdraw)."""
from __future__ import annotations

import logging
import re

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.forms import blank_to_none, load_form
from tracker.logbook.forms import number
from tracker.public_url import shown_url
from tracker.shl import schemas, service
from tracker.shl.limits import manifest_limit
from tracker.shl.links import link_out

public = Blueprint("shl_public", __name__)
bp = Blueprint("shl_pages", __name__)

PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}


@public.post(f"{service.MANIFEST_PREFIX}<manifest_id>")
@manifest_limit
def manifest(manifest_id: str):
    answer = service.open_manifest(manifest_id, request.get_json(silent=True), utcnow())
    db.session.commit()  # the access, or the wrong passcode counted
    if answer.files is None:
        return {"status": 401, "error": "wrong_passcode",
                "message": "The passcode is not right.",
                "remainingAttempts": answer.remaining_attempts}, 401
    return {"files": answer.files}


@public.get(service.VIEWER_PATH)
def viewer():
    return render_template("shl/viewer.html")


# Any SMART Health Link viewer may fetch the manifest (the IG's viewers live on other
# origins); it sends no cookie and the answer reveals nothing without the link's key.
MANIFEST_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "600",
}


@public.after_request
def _private(response):  # noqa: ANN001
    """Health data: never cached, indexed, or named in a Referer."""
    response.headers.update(PRIVATE_HEADERS)
    if request.endpoint == "shl_public.manifest":
        response.headers.update(MANIFEST_CORS)
    return response


_MANIFEST_PATH = re.compile(re.escape(service.MANIFEST_PREFIX) + r"[^\s?\"/]+")


class RedactManifestIds(logging.Filter):
    """A manifest id is a secret: request logs show the manifest path [redacted]."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if service.MANIFEST_PREFIX in message:
            record.msg = _MANIFEST_PATH.sub(service.MANIFEST_PREFIX + "[redacted]", message)
            record.args = ()
        return True


@public.before_app_request
def _redact_logs() -> None:
    """The redaction filter, added (once) when a manifest is first asked for."""
    if not request.path.startswith(service.MANIFEST_PREFIX):
        return
    for logger in (logging.getLogger("werkzeug"), current_app.logger):
        if not any(isinstance(f, RedactManifestIds) for f in logger.filters):
            logger.addFilter(RedactManifestIds())


# ---------------------------------------------------------------- settings


@bp.app_template_global("shl_links")
def shl_links() -> list[dict]:
    """The signed-in person's SMART Health Links with who opened them (never the key)."""
    now = utcnow()
    counts = service.access_counts(current_user)
    out = []
    for link in service.list_links(current_user):
        item = link_out(link, now, counts)
        item["opened"] = service.accesses(current_user, link.id) if item["accesses"] else []
        out.append(item)
    return out


def _settings(status: int = 200, **context):  # noqa: ANN001
    context.setdefault("errors", {})
    return render_template("auth/settings.html", saved=False, **context), status


@bp.post("/settings/shl")
@login_required
def create():
    payload = blank_to_none(request.form.to_dict())
    for key in ("days", "expires_in_days"):
        if key in payload:
            payload[key] = number(payload[key])
    data, errors = load_form(schemas.ShlCreateSchema(), payload)
    if errors:
        return _settings(422, shl_errors=errors)
    now = utcnow()
    made = service.create_link(current_user, data, now, shown_url())
    db.session.commit()
    # The link holds the key, which is never stored: shown on this response only.
    response = make_response(*_settings(201, new_shl=link_out(made.link, now, {}, made)))
    response.headers.update(PRIVATE_HEADERS)
    return response


@bp.post("/settings/shl/<int:link_id>/revoke")
@login_required
def revoke(link_id: int):
    service.revoke_link(current_user, link_id, utcnow())
    db.session.commit()
    return redirect(url_for("auth_pages.settings", shl_revoked=1, _anchor="shl"))
