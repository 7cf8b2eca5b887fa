"""GET /api/v1/progress?days=N: the figures behind the charts. The answer carries an
ETag (a hash of the body); a request whose If-None-Match matches it gets a 304."""
from __future__ import annotations

import hashlib
import json

from flask import current_app, request
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from tracker.db_types import utcnow
from tracker.progress import schemas, service

blp = Blueprint("progress_api", __name__, url_prefix="/api/v1", description="Progress")


@blp.route("/progress")
@login_required
@blp.arguments(schemas.ProgressArgs, location="query")
@blp.response(200, schemas.ProgressSchema)
@blp.alt_response(304, description="Unchanged since the ETag in If-None-Match")
def progress(args):
    body = schemas.ProgressSchema().dump(service.progress(current_user, args["days"], utcnow()))
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    response = current_app.response_class(text, mimetype="application/json")
    response.set_etag(hashlib.sha256(text.encode()).hexdigest()[:32])
    # Personal data: a browser may keep it but must ask again (cheap with the ETag).
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Authorization"))
    return response.make_conditional(request)
