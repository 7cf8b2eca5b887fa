"""JSON routes of SMART Health Links: /api/v1/shl (make, list, revoke, accesses). The
manifest URL inside a link is public and outside this API (tracker/shl/views.py)."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.listing import envelope, listed
from tracker.openapi import Blueprint
from tracker.shl import schemas, service
from tracker.public_url import shown_url
from tracker.shl.links import link_out

blp = Blueprint("shl_api", __name__, url_prefix="/api/v1", description="SMART Health Links")


@blp.route("/shl")
class ShlLinks(MethodView):
    decorators = [login_required]

    @blp.response(200, envelope(schemas.ShlSchema))
    def get(self):
        now = utcnow()
        counts = service.access_counts(current_user)
        return listed([link_out(link, now, counts) for link in service.list_links(current_user)])

    @blp.arguments(schemas.ShlCreateSchema)
    @blp.response(201, schemas.ShlCreatedSchema)
    def post(self, data):
        """Make a link: the bundle is encrypted now; the link (with its key) is in this
        answer only. The body is required (``{}`` takes the defaults)."""
        if not request.get_data(cache=True):
            raise Invalid("Send the link's settings as a JSON object ({} for the defaults).",
                          {"json": ["A JSON body is required."]})
        now = utcnow()
        made = service.create_link(current_user, data, now, shown_url())
        db.session.commit()
        return link_out(made.link, now, {}, made)


@blp.route("/shl/<int:link_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def revoke(link_id: int):
    service.revoke_link(current_user, link_id, utcnow())
    db.session.commit()


@blp.route("/shl/<int:link_id>/accesses")
@login_required
@blp.response(200, envelope(schemas.ShlAccessSchema))
def accesses(link_id: int):
    return listed(service.accesses(current_user, link_id))
