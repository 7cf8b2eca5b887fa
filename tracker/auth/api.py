"""JSON routes for accounts: /api/v1/auth/* and /api/v1/me."""
from __future__ import annotations

from flask import current_app, session
from flask_login import current_user, login_required, login_user, logout_user
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from tracker.auth import schemas, service
from tracker.extensions import db, limiter
from tracker.listing import envelope, listed

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="Accounts")

# One budget for every way of guessing a password, HTML pages included.
auth_limit = limiter.shared_limit(lambda: current_app.config["AUTH_RATE_LIMIT"],
                                  scope="auth", methods=["POST"])


def start_session(user) -> None:  # noqa: ANN001
    session.clear()  # no fixation: a fresh session for a fresh login
    login_user(user)


@blp.route("/auth/csrf", methods=["GET"])
@blp.response(200, schemas.CsrfSchema)
def csrf_token():
    return {"csrf_token": generate_csrf()}


@blp.route("/auth/register", methods=["POST"])
@auth_limit
@blp.arguments(schemas.RegisterSchema)
@blp.response(201, schemas.UserSchema)
def register(data):
    user = service.register(data["email"], data["password"], data["timezone"])
    db.session.commit()
    start_session(user)
    return user


@blp.route("/auth/login", methods=["POST"])
@auth_limit
@blp.arguments(schemas.LoginSchema)
@blp.response(200, schemas.UserSchema)
def login(data):
    user = service.authenticate(data["email"], data["password"])
    start_session(user)
    return user


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
def logout():
    logout_user()
    session.clear()


@blp.route("/auth/tokens", methods=["POST"])
@login_required
@blp.arguments(schemas.TokenCreateSchema)
@blp.response(201, schemas.NewTokenSchema)
def create_token(data):
    token, raw = service.create_token(current_user, data["name"])
    db.session.commit()
    return {"id": token.id, "name": token.name, "created_at": token.created_at,
            "last_used_at": None, "token": raw}


@blp.route("/auth/tokens", methods=["GET"])
@login_required
@blp.response(200, envelope(schemas.TokenSchema))
def list_tokens():
    return listed(service.user_tokens(current_user))


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
@blp.arguments(schemas.MePatchSchema)
@blp.response(200, schemas.UserSchema)
def update_me(data):
    user = service.update_profile(current_user, data)
    db.session.commit()
    return user


@blp.route("/me", methods=["DELETE"])
@login_required
@blp.arguments(schemas.DeleteMeSchema)
@blp.response(204)
def delete_me(data):
    service.delete_user(current_user, data["password"])
    db.session.commit()
    logout_user()
    session.clear()
