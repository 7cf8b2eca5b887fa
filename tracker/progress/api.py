"""GET /api/v1/progress?days=N: the figures behind the charts. The answer carries an
ETag (a hash of the body); a request whose If-None-Match matches it gets a 304.
Answers are cached per worker process under the person's data version, so a cached
answer is never stale (``tracker.person_caches``)."""
from __future__ import annotations

from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.domain.clock import local_date
from tracker.json_answers import versioned_json
from tracker.openapi import Blueprint
from tracker.progress import schemas, service

blp = Blueprint("progress_api", __name__, url_prefix="/api/v1", description="Progress")


@blp.route("/progress")
@login_required
@blp.arguments(schemas.ProgressArgs, location="query")
@blp.response(200, schemas.ProgressSchema)
@blp.alt_response(304, description="Unchanged since the ETag in If-None-Match")
def progress(args):
    days, user = args["days"], current_user
    key = (days, user.timezone, local_date(utcnow(), user.timezone))
    # Personal data: a browser may keep it but must ask again (cheap with the ETag).
    return versioned_json(
        user, "progress", key, "PROGRESS_CACHE_SIZE",
        lambda: schemas.dump_progress(service.progress(user, days, utcnow())),
        cache_control="private, no-cache")
