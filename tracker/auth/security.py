"""Who is asking: cookie sessions (Flask-Login) or bearer tokens, and the CSRF rule.

A request carrying an ``Authorization`` header is identified by that header alone;
its cookie is ignored, so it needs no CSRF token (a browser never attaches that header
on its own). Every other unsafe request must carry the CSRF token.
"""
from __future__ import annotations

from flask import Flask, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.auth.models import User
from tracker.auth.service import user_for_token
from tracker.errors import Unauthorized, wants_json
from tracker.database import before_writing
from tracker.extensions import csrf, db, login_manager

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@login_manager.user_loader
def _load_from_cookie(user_id: str) -> User | None:
    """The cookie names its user by the user's current session secret, never by id:
    a rotated secret (sign-out, password change) or a deleted account matches no one."""
    if "Authorization" in request.headers or not user_id or len(user_id) > 64:
        return None
    with before_writing():
        return db.session.scalar(select(User).where(User.session_token == user_id))


@login_manager.request_loader
def _load_from_header(_request) -> User | None:  # noqa: ANN001
    raw = bearer_token()
    if not raw:
        return None
    with before_writing():
        user = user_for_token(raw)
    if user is not None:
        g.bearer_token = raw  # a password change keeps this token alive
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    if wants_json():
        raise Unauthorized()
    return redirect(url_for("auth_pages.login", next=request.full_path.rstrip("?")))


# Writes that need the CSRF token even from someone not signed in (no login CSRF).
SIGN_IN_ENDPOINTS = frozenset({"auth_api.register", "auth_api.login"})
# Writes authorised by a secret token in their own address, not by a cookie, that a
# mail provider posts without any page of ours (RFC 8058 one-click unsubscribe): a
# forged request would need the token, so it gains nothing. A SMART Health Link's
# manifest is posted by any recipient's app, authorised by the secret in its URL.
TOKEN_ENDPOINTS = frozenset({"reminder_links.unsubscribe_one_click", "shl_public.manifest"})


def _csrf_for_cookie_writes() -> None:
    if request.method not in UNSAFE_METHODS or "Authorization" in request.headers \
            or request.endpoint in TOKEN_ENDPOINTS:
        return
    if request.path.startswith("/api/") and request.endpoint not in SIGN_IN_ENDPOINTS \
            and not current_user.is_authenticated:
        return  # nobody to act for: the route answers 401 (a forged request gains nothing)
    csrf.protect()


PRIVATE = "private, no-store"


def _private_no_store(response):  # noqa: ANN001
    """Health data stays out of shared and browser caches: every API answer and every
    page shown to a signed-in person is ``private, no-store``. Static files and public
    pages keep their own caching; an answer that set Cache-Control itself keeps it."""
    if "Cache-Control" in response.headers or request.endpoint == "static":
        return response
    if request.path.startswith("/api/") or current_user.is_authenticated:
        response.headers["Cache-Control"] = PRIVATE
    return response


def init_security(app: Flask) -> None:
    app.before_request(_csrf_for_cookie_writes)
    app.after_request(_private_no_store)
