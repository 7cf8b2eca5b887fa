"""JSON routes for accounts: /api/v1/auth/* and /api/v1/me."""
from __future__ import annotations

from flask import g, session
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from marshmallow import Schema, fields, validate

from tracker.auth import mail, schemas, service
from tracker.auth.limits import (auth_limit, confirmed_limit, email_change_limit,
                                 login_account_limit)
from tracker.database import erase_traces
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.listing import envelope, listed, page_bounds
from tracker.openapi import Blueprint, server_rules
from tracker.reminders import service as reminders

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="Accounts")
PUBLIC = {"security": []}  # OpenAPI: no sign-in needed
CONFIRMED = server_rules(
    "The password must be the account's current one (else 422 naming the field). "
    "Wrong passwords are limited per account (TRACKER_ACCOUNT_RATE_LIMIT, then 429).")
EMAIL_CHANGE = server_rules(
    "The password must be the account's current one, and the address another than the "
    "account's own (else 422 naming the field). The answer is the same whether or not "
    "the address belongs to another account: a free address is mailed a link that "
    "makes the change when confirmed (GET /confirm-email/<token>, a page), a taken one "
    "a notice to its owner. Every attempt counts against the person's "
    "TRACKER_EMAIL_CHANGE_RATE_LIMIT, wrong passwords also against "
    "TRACKER_ACCOUNT_RATE_LIMIT (then 429).")

__all__ = ["auth_limit", "blp", "end_session", "start_session"]


def start_session(user) -> None:  # noqa: ANN001
    session.clear()  # no fixation: a fresh session for a fresh login
    login_user(user)


def cookie_session() -> bool:
    """Whether this request was signed in by its cookie (not by a bearer token)."""
    return current_user.is_authenticated and "bearer_token" not in g


def end_session() -> None:
    """Sign out this browser for good: the user's session secret is replaced, so
    this cookie (and any copy of it) names no one any more."""
    if cookie_session():
        service.end_sessions(current_user)
        db.session.commit()
    logout_user()
    session.clear()


def keep_this_session(user) -> None:  # noqa: ANN001
    """After the session secret changed: sign this cookie in again with the new one
    (other browsers stay signed out); the CSRF token stays valid."""
    if cookie_session():
        login_user(user)


@blp.route("/auth/csrf", methods=["GET"])
@blp.doc(**PUBLIC)
@blp.response(200, schemas.CsrfSchema)
def csrf_token():
    return {"csrf_token": generate_csrf()}


@blp.route("/auth/register", methods=["POST"])
@blp.doc(**PUBLIC, **server_rules(
    "The email is checked more strictly than the `email` format: an address with a dotted "
    "domain, no quoted parts, no invisible or control characters; it is stored NFKC-"
    "normalized and case-folded, and one already registered in any spelling is a 409."))
@auth_limit
@blp.arguments(schemas.RegisterSchema)
@blp.response(201, schemas.UserSchema)
def register(data):
    user = service.register(data["email"], data["password"], data["timezone"],
                            data.get("locale"))
    db.session.commit()
    start_session(user)
    return user


@blp.route("/auth/login", methods=["POST"])
@blp.doc(**PUBLIC)
@auth_limit
@login_account_limit
@blp.arguments(schemas.LoginSchema)
@blp.response(200, schemas.UserSchema)
def login(data):
    user = service.authenticate(data["email"], data["password"])
    start_session(user)
    return user


@blp.route("/auth/logout", methods=["POST"])
@blp.doc(**PUBLIC)
@blp.response(204)
def logout():
    """Ends this browser's session on the server: replaying its cookie is a 401.
    (Every browser of the account shares one session secret, so they all sign out.)"""
    end_session()


@blp.route("/auth/logout-everywhere", methods=["POST"])
@login_required
@blp.response(204)
def logout_everywhere():
    """Ends every cookie session of the account, this one included. API tokens stay;
    revoke them under /auth/tokens."""
    service.end_sessions(current_user)
    db.session.commit()
    if "bearer_token" not in g:
        logout_user()
        session.clear()


@blp.route("/auth/tokens", methods=["POST"])
@login_required
@blp.doc(**server_rules(f"At most {service.TOKENS_MAX} tokens per person (else 409)."))
@blp.arguments(schemas.TokenCreateSchema)
@blp.response(201, schemas.NewTokenSchema)
def create_token(data):
    token, raw = service.create_token(current_user, data["name"])
    db.session.commit()
    return {"id": token.id, "name": token.name, "created_at": token.created_at,
            "last_used_at": None, "token": raw}


class TokenPageArgs(Schema):
    """Which page of GET /auth/tokens (oldest first)."""
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=200))


@blp.route("/auth/tokens", methods=["GET"])
@login_required
@blp.arguments(TokenPageArgs, location="query")
@blp.response(200, envelope(schemas.TokenSchema))
def list_tokens(args):
    found = service.user_tokens(current_user, *page_bounds(args))
    return listed(found.items, found.total, found.page, found.per_page)


@blp.route("/auth/tokens/<int:token_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def revoke_token(token_id: int):
    service.revoke_token(current_user, token_id)
    db.session.commit()


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, schemas.UserSchema)
def me():
    return current_user


@blp.route("/me", methods=["PATCH"])
@login_required
@blp.doc(**server_rules("quiet_hours.end must differ from quiet_hours.start (else 422 "
                        "naming quiet_hours.end)."))
@blp.arguments(schemas.MePatchSchema)
@blp.response(200, schemas.UserSchema)
def update_me(data):
    user = service.update_profile(current_user, data)
    if "quiet_hours" in data:
        reminders.set_quiet_hours(user, data["quiet_hours"], utcnow())
    db.session.commit()
    return user


@blp.route("/me/password", methods=["POST"])
@blp.doc(**CONFIRMED)
@login_required
@confirmed_limit
@blp.arguments(schemas.PasswordChangeSchema)
@blp.response(204)
def change_password(data):
    """Every other session ends, and every API token except the one this request
    was made with (from a browser session: every token). This session goes on. The
    account's address is told of the change."""
    user = current_user._get_current_object()
    service.change_password(user, data["current_password"], data["new_password"],
                            keep_token=g.get("bearer_token"))
    db.session.commit()
    keep_this_session(user)
    mail.notify_password_changed(user.email)


@blp.route("/me/email", methods=["POST"])
@blp.doc(**EMAIL_CHANGE)
@login_required
@email_change_limit
@confirmed_limit
@blp.arguments(schemas.EmailChangeSchema)
@blp.response(202, schemas.EmailChangePendingSchema)
def change_email(data):
    """Nothing changes yet: the new address is mailed a link, valid for
    TRACKER_EMAIL_CONFIRM_MAX_AGE seconds. Once it is confirmed, outstanding
    password-reset links die and the old address gets a notice."""
    email, taken = service.request_email_change(current_user, data["password"], data["email"])
    mail.send_email_change(current_user, email, taken)
    return {"message": mail.email_change_said(email), "pending_email": email}


@blp.route("/me", methods=["DELETE"])
@blp.doc(**CONFIRMED)
@login_required
@confirmed_limit
@blp.arguments(schemas.DeleteMeSchema)
@blp.response(204)
def delete_me(data):
    service.delete_user(current_user, data["password"])
    db.session.commit()
    erase_traces()
    logout_user()
    session.clear()
