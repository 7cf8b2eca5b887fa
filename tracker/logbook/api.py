"""JSON routes of the log book: /api/v1/stretches, /sessions, /checkins."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user, login_required

from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.json_answers import versioned_json
from tracker.listing import Page, envelope, listed, page_bounds
from tracker.logbook import checkins, schemas, sessions, stretches
from tracker.openapi import Blueprint, server_rules

blp = Blueprint("logbook_api", __name__, url_prefix="/api/v1", description="Log book")


# Where the server is stricter than the schema can say (see tracker.openapi).
RANGE_RULES = server_rules("`from` must not be after `to` (else 422 naming `from`).")
SESSION_RULES = server_rules(
    "Each entry's `stretch` must be the slug of a built-in stretch or one of yours; its "
    "`side` must fit the stretch (left/right for per-side stretches, both/none "
    "otherwise); `angle_deg` only for stretches that measure an angle, `angle_method` "
    "only with `angle_deg`. `performed_at` lies between 2000-01-01 and one day after "
    "the server's clock. A `client_id` of a deleted session is a 410. Else 422 naming "
    "the field.")
CHECKIN_RULES = server_rules(
    "`recorded_at` lies between 2000-01-01 and one day after the server's clock (else "
    "422); a `client_id` of a deleted check-in is a 410.")
STRETCH_RULES = server_rules("A slug you already use is a 409.")


def page_out(page: Page) -> dict:
    return listed(page.items, page.total, page.page, page.per_page)


def _page_args(args: dict) -> tuple:
    page, per_page = page_bounds(args)
    return args.get("from_"), args.get("to"), page, per_page


SESSION_LIST = envelope(schemas.SessionSchema)()
CHECKIN_LIST = envelope(schemas.CheckinSchema)()


def _listing(name: str, schema, list_page, args: dict):  # noqa: ANN001, ANN202
    """A page of the person's sessions or check-ins, dumped by ``schema``, kept under
    their data version (tracker.json_answers): a device that syncs asks for the same
    page again and again."""
    bounds = _page_args(args)
    return versioned_json(current_user, name, bounds, "LIST_CACHE_SIZE",
                          lambda: schema.dump(page_out(list_page(current_user, *bounds))))


@blp.route("/stretches")
class Stretches(MethodView):
    decorators = [login_required]

    @blp.response(200, envelope(schemas.StretchSchema))
    def get(self):
        return listed(stretches.visible_stretches(current_user))

    @blp.doc(**STRETCH_RULES)
    @blp.arguments(schemas.StretchCreateSchema)
    @blp.response(201, schemas.StretchSchema)
    def post(self, data):
        stretch = stretches.create_custom_stretch(current_user, data)
        db.session.commit()
        return stretch


@blp.route("/stretches/<slug>")
class StretchItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.StretchSchema)
    def get(self, slug: str):
        return stretches.stretch_by_slug(current_user, slug)

    @blp.arguments(schemas.StretchPatchSchema(partial=True))
    @blp.response(200, schemas.StretchSchema)
    def patch(self, data, slug: str):
        """Change a custom stretch of yours (built-ins: 403); the slug stays."""
        stretch = stretches.update_custom_stretch(current_user, slug, data)
        db.session.commit()
        return stretch

    @blp.response(204)
    def delete(self, slug: str):
        """Remove a custom stretch of yours; one that sessions name is archived: it
        leaves the library and stays in those sessions."""
        stretches.remove_custom_stretch(current_user, slug, utcnow())
        db.session.commit()


@blp.route("/sessions")
class Sessions(MethodView):
    decorators = [login_required]

    @blp.doc(**RANGE_RULES)
    @blp.arguments(schemas.DateRangeArgs, location="query")
    @blp.response(200, envelope(schemas.SessionSchema))
    def get(self, args):
        return _listing("sessions", SESSION_LIST, sessions.list_sessions, args)

    @blp.doc(**SESSION_RULES)
    @blp.arguments(schemas.SessionCreateSchema)
    @blp.response(201, schemas.SessionSchema)
    @blp.alt_response(200, schema=schemas.SessionSchema, description="Replay of a known client_id")
    def post(self, data):
        session, created = sessions.create_session(current_user, data, utcnow())
        db.session.commit()
        return session, 201 if created else 200


@blp.route("/sessions/<int:session_id>")
class SessionItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.SessionSchema)
    def get(self, session_id: int):
        return sessions.get_session(current_user, session_id)

    @blp.doc(**SESSION_RULES)
    @blp.arguments(schemas.SessionPatchSchema)
    @blp.response(200, schemas.SessionSchema)
    def patch(self, data, session_id: int):
        """Change the fields sent; an empty object changes nothing and is a 422."""
        session = sessions.update_session(current_user, session_id, data, utcnow())
        db.session.commit()
        return session

    @blp.response(204)
    def delete(self, session_id: int):
        sessions.delete_session(current_user, session_id)
        db.session.commit()


@blp.route("/checkins")
class Checkins(MethodView):
    decorators = [login_required]

    @blp.doc(**RANGE_RULES)
    @blp.arguments(schemas.DateRangeArgs, location="query")
    @blp.response(200, envelope(schemas.CheckinSchema))
    def get(self, args):
        return _listing("checkins", CHECKIN_LIST, checkins.list_checkins, args)

    @blp.doc(**CHECKIN_RULES)
    @blp.arguments(schemas.CheckinCreateSchema)
    @blp.response(201, schemas.CheckinSchema)
    @blp.alt_response(200, schema=schemas.CheckinSchema, description="Replay of a known client_id")
    def post(self, data):
        checkin, created = checkins.create_checkin(current_user, data, utcnow())
        db.session.commit()
        return checkin, 201 if created else 200


@blp.route("/checkins/<int:checkin_id>")
class CheckinItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.CheckinSchema)
    def get(self, checkin_id: int):
        return checkins.get_checkin(current_user, checkin_id)

    @blp.response(204)
    def delete(self, checkin_id: int):
        checkins.delete_checkin(current_user, checkin_id)
        db.session.commit()
