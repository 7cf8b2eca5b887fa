"""GET /api/v1/progress?days=N: the figures behind the charts. The answer carries an
ETag (a hash of the body); a request whose If-None-Match matches it gets a 304.
Answers are cached per worker process under the person's data version, so a cached
answer is never stale (``tracker.versioning``)."""
from __future__ import annotations

import hashlib
import json

from flask import current_app, request
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from tracker.db_types import utcnow
from tracker.domain.clock import local_date
from tracker.progress import schemas, service
from tracker.versioning import cached_for

blp = Blueprint("progress_api", __name__, url_prefix="/api/v1", description="Progress")


def _answer(days: int) -> tuple[str, str]:
    figures = service.progress(current_user, days, utcnow())
    text = json.dumps(schemas.dump_progress(figures), sort_keys=True, separators=(",", ":"))
    return text, hashlib.sha256(text.encode()).hexdigest()[:32]


@blp.route("/progress")
@login_required
@blp.arguments(schemas.ProgressArgs, location="query")
@blp.response(200, schemas.ProgressSchema)
@blp.alt_response(304, description="Unchanged since the ETag in If-None-Match")
def progress(args):
    days, user = args["days"], current_user
    key = (days, user.timezone, local_date(utcnow(), user.timezone))
    text, etag = cached_for(user, "progress", key, "PROGRESS_CACHE_SIZE", lambda: _answer(days))
    response = current_app.response_class(text, mimetype="application/json")
    response.set_etag(etag)
    # Personal data: a browser may keep it but must ask again (cheap with the ETag).
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Authorization"))
    return response.make_conditional(request)
