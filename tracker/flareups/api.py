"""JSON routes of flare-ups: /api/v1/flare-ups, /flare-ups/current/end."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.flareups import schemas, service
from tracker.listing import envelope, listed
from tracker.openapi import Blueprint, server_rules

blp = Blueprint("flareups_api", __name__, url_prefix="/api/v1", description="Flare-ups")


@blp.route("/flare-ups")
class FlareUps(MethodView):
    decorators = [login_required]

    @blp.response(200, envelope(schemas.FlareUpSchema))
    def get(self):
        return listed(service.list_views(current_user, utcnow()))

    @blp.arguments(schemas.FlareUpCreateSchema)
    @blp.doc(**server_rules(
        "start_date is today or up to 14 days back (else 422 naming the field). One "
        "flare-up at a time: 409 while one runs, or when the days overlap an earlier one."))
    @blp.response(201, schemas.FlareUpSchema)
    def post(self, data):
        flare = service.start(current_user, data, utcnow())
        db.session.commit()
        return flare


@blp.route("/flare-ups/current/end", methods=["POST"])
@login_required
@blp.response(200, schemas.FlareUpSchema)
def end():
    flare = service.end_current(current_user, utcnow())
    db.session.commit()
    return flare
