"""JSON routes of the programme: /api/v1/programs, /programs/current."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.listing import envelope, listed
from tracker.openapi import Blueprint, server_rules
from tracker.programs import schemas, service

blp = Blueprint("programs_api", __name__, url_prefix="/api/v1", description="SLR programme")


@blp.route("/programs")
class Programs(MethodView):
    decorators = [login_required]

    @blp.response(200, envelope(schemas.ProgramSchema))
    def get(self):
        return listed(service.list_views(current_user, utcnow()))

    @blp.arguments(schemas.ProgramCreateSchema)
    @blp.doc(**server_rules("start_date must lie within a year of today "
                            "(else 422 naming the field)."))
    @blp.response(201, schemas.ProgramSchema)
    def post(self, data):
        program = service.start_program(current_user, data, utcnow())
        db.session.commit()
        return program


@blp.route("/programs/current")
@login_required
@blp.response(200, schemas.ProgramSchema)
def current():
    return service.current_view(current_user, utcnow())


@blp.route("/programs/current/end", methods=["POST"])
@login_required
@blp.response(200, schemas.ProgramSchema)
def end():
    program = service.end_current(current_user, utcnow())
    db.session.commit()
    return program
