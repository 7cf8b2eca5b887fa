"""JSON routes of the PSFS: /api/v1/psfs/activities, /api/v1/psfs/ratings."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.domain import psfs
from tracker.extensions import db
from tracker.listing import envelope, listed
from tracker.openapi import Blueprint, server_rules
from tracker.psfs import schemas, service

blp = Blueprint("psfs_api", __name__, url_prefix="/api/v1",
                description="Patient-Specific Functional Scale")

# Where the server is stricter than the schema can say (see tracker.openapi).
NAME_RULES = (f"`name` keeps {psfs.NAME_MIN}–{psfs.NAME_MAX} characters once spaces are "
              "trimmed (else 422 naming it)")
ACTIVITY_RULES = server_rules(
    f"{NAME_RULES}. At most {psfs.ACTIVE_MAX} activities are active: a 6th is a 409 naming "
    "`name`.")
PATCH_RULES = server_rules(
    f"{NAME_RULES}. Making an activity active again when {psfs.ACTIVE_MAX} are is a 409 "
    "naming `active`.")
RATING_RULES = server_rules(
    "Each `activity_id` must be one of your activities (else 404) and active, and is rated "
    "at most once per set (else 422 naming `scores.N.activity_id`). `rated_at` lies between "
    "2000-01-01 and one day after the server's clock (else 422).")


@blp.route("/psfs/activities")
class Activities(MethodView):
    decorators = [login_required]

    @blp.response(200, envelope(schemas.ActivitySchema))
    def get(self):
        return listed(service.list_activities(current_user))

    @blp.arguments(schemas.ActivityCreateSchema)
    @blp.doc(**ACTIVITY_RULES)
    @blp.response(201, schemas.ActivitySchema)
    def post(self, data):
        activity = service.add_activity(current_user, data, utcnow())
        db.session.commit()
        return activity


@blp.route("/psfs/activities/<int:activity_id>")
class ActivityItem(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.ActivityPatchSchema)
    @blp.doc(**PATCH_RULES)
    @blp.response(200, schemas.ActivitySchema)
    def patch(self, data, activity_id: int):
        activity = service.change_activity(current_user, activity_id, data, utcnow())
        db.session.commit()
        return activity


@blp.route("/psfs/ratings")
class Ratings(MethodView):
    decorators = [login_required]

    @blp.response(200, envelope(schemas.RatingSchema))
    def get(self):
        return listed(service.list_ratings(current_user))

    @blp.arguments(schemas.RatingCreateSchema)
    @blp.doc(**RATING_RULES)
    @blp.response(201, schemas.RatingSchema)
    @blp.alt_response(200, schema=schemas.RatingSchema, description="Replay of a known client_id")
    def post(self, data):
        rating, created = service.rate(current_user, data, utcnow())
        db.session.commit()
        return rating, 201 if created else 200
