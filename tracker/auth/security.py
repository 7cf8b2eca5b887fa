"""Who is asking: cookie sessions (Flask-Login) or bearer tokens, and the CSRF rule.

A request carrying an ``Authorization`` header is identified by that header alone;
its cookie is ignored, so it needs no CSRF token (a browser never attaches that header
on its own). Every other unsafe request must carry the CSRF token.
"""
from __future__ import annotations

from flask import Flask, redirect, request, url_for
from sqlalchemy import select

from tracker.auth.models import User
from tracker.auth.service import user_for_token
from tracker.errors import Unauthorized, wants_json
from tracker.extensions import csrf, db, login_manager

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@login_manager.user_loader
def _load_from_cookie(user_id: str) -> User | None:
    if "Authorization" in request.headers:
        return None
    ident, _, version = user_id.partition(":")
    if not ident.isdigit() or not version.isdigit():
        return None
    return db.session.scalar(
        select(User).where(User.id == int(ident), User.session_version == int(version)))


@login_manager.request_loader
def _load_from_header(_request) -> User | None:  # noqa: ANN001
    raw = bearer_token()
    return user_for_token(raw) if raw else None


@login_manager.unauthorized_handler
def _unauthorized():
    if wants_json():
        raise Unauthorized()
    return redirect(url_for("auth_pages.login", next=request.full_path.rstrip("?")))


def _csrf_for_cookie_writes() -> None:
    if request.method in UNSAFE_METHODS and "Authorization" not in request.headers:
        csrf.protect()


def init_security(app: Flask) -> None:
    app.before_request(_csrf_for_cookie_writes)
