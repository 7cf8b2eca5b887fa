"""JSON routes of sharing: /api/v1/export, /api/v1/import and /api/v1/shares."""
from __future__ import annotations

import json

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.listing import envelope, listed
from tracker.openapi import Blueprint, server_rules
from tracker.sharing import schemas, service
from tracker.sharing.limits import import_limit

blp = Blueprint("sharing_api", __name__, url_prefix="/api/v1", description="Export, import, share links")

IMPORT_ENDPOINTS = {"sharing_api.import_data", "sharing_pages.import_upload"}


def raise_body_limit_for_import(endpoint: str | None, _values: dict | None) -> None:
    """An export file may be larger than an ordinary request: the import routes take up
    to IMPORT_MAX_BYTES. URL preprocessors run before every before_request hook, so
    the limit is in place before anything (the input guard) reads the body."""
    if endpoint in IMPORT_ENDPOINTS:
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


def download(body: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store"})


def export_response(fmt: str) -> Response:
    now = utcnow()
    stem = f"backstretch-{now.date().isoformat()}"
    if fmt == "csv":
        return download(service.export_csv(current_user), "application/zip", f"{stem}-csv.zip")
    if fmt == "fhir":
        body = json.dumps(service.export_fhir(current_user, now), ensure_ascii=False)
        return download(body, "application/fhir+json", f"{stem}-fhir.json")
    body = json.dumps(service.export_json(current_user, now), ensure_ascii=False, indent=1)
    return download(body, "application/json", f"{stem}.json")


@blp.route("/export")
@login_required
@blp.arguments(schemas.ExportArgs, location="query")
@blp.response(200, description="A file download: JSON (the backup format, re-importable), "
              "a zip of CSV files, or a FHIR R4 Bundle.")
def export_data(args):
    return export_response(args["format"])


# Where the server is stricter than the schema can say (see tracker.openapi).
IMPORT_RULES = server_rules(
    "The file's records follow the log book's rules: an entry's `stretch` is the slug of "
    "a built-in stretch, of one of yours or of one in the file's `stretches`; its `side` "
    "fits the stretch; `angle_deg` only for stretches that measure an angle; "
    "`performed_at` and `recorded_at` lie between 2000-01-01 and one day after the "
    "server's clock. Else 422 naming the field (`sessions.3.entries.0.stretch`), and "
    "nothing is imported.")


@blp.route("/import", methods=["POST"])
@login_required
@import_limit
@blp.doc(**IMPORT_RULES)
@blp.arguments(schemas.import_schema())
@blp.response(200, schemas.ImportSummarySchema)
def import_data(data):
    summary = service.import_data(current_user, data, utcnow())
    db.session.commit()
    return summary


def share_out(share, now, token: str | None = None) -> dict:  # noqa: ANN001
    out = {"id": share.id, "label": share.label, "days": share.days,
           "created_at": share.created_at, "expires_at": share.expires_at,
           "revoked_at": share.revoked_at, "status": share.status(now)}
    if token is not None:
        out["url"] = url_for("shared_report.shared_report", token=token, _external=True)
    return out


@blp.route("/shares")
class Shares(MethodView):
    decorators = [login_required]

    @blp.response(200, envelope(schemas.ShareSchema))
    def get(self):
        now = utcnow()
        return listed([share_out(s, now) for s in service.list_shares(current_user)])

    @blp.arguments(schemas.ShareCreateSchema)
    @blp.response(201, schemas.ShareCreatedSchema)
    def post(self, data):
        """Make a link; every field has a default, but the body is required (``{}``
        takes the defaults), as on every other POST: no body is a 422."""
        if not request.get_data(cache=True):
            raise Invalid("Send the link's settings as a JSON object ({} for the defaults).",
                          {"json": ["A JSON body is required."]})
        now = utcnow()
        share, token = service.create_share(current_user, data, now)
        db.session.commit()
        return share_out(share, now, token)


@blp.route("/shares/<int:share_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def revoke_share(share_id: int):
    service.revoke_share(current_user, share_id, utcnow())
    db.session.commit()


blp.app_url_value_preprocessor(raise_body_limit_for_import)
