"""Account rules: create users, check passwords, issue and resolve API tokens,
erase a user with everything they own. Callers commit."""
from __future__ import annotations

import hashlib
import secrets
from functools import cache

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.auth.models import ApiToken, User
from tracker.db_types import utcnow
from tracker.errors import Conflict, Invalid, NotFound, Unauthorized
from tracker.extensions import db

TOKEN_PREFIX = "bst_"


@cache
def _dummy_hash(method: str) -> str:
    """Checked when the email is unknown, so both failures cost the same time; made
    on first use with the configured method (not at import, which every CLI pays)."""
    return generate_password_hash("not-a-real-password", method=method)


def normalize_email(email: str) -> str:
    return email.strip().casefold()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def register(email: str, password: str, timezone: str) -> User:
    email = normalize_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("That email is already registered.", {"email": ["Already registered."]})
    user = User(email=email, password_hash=hash_password(password), timezone=timezone,
                red_flags=[])
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent registration won the race
        db.session.rollback()
        raise Conflict("That email is already registered.", {"email": ["Already registered."]})
    return user


def authenticate(email: str, password: str) -> User:
    """The user with these credentials; one identical error for every failure."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    ok = check_password_hash(
        user.password_hash if user else _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]),
        password)
    if user is None or not ok:
        raise Unauthorized("Email or password is wrong.")
    return user


def check_password(user: User, password: str) -> None:
    if not check_password_hash(user.password_hash, password):
        raise Invalid.field("password", "Password is wrong.")


def update_profile(user: User, changes: dict) -> User:
    if "timezone" in changes:
        user.timezone = changes["timezone"]
    return user


def delete_user(user: User, password: str) -> None:
    """Erase the account; the database cascades to everything the user owns."""
    check_password(user, password)
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.expunge_all()


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_token_hash(raw))
    db.session.add(token)
    db.session.flush()
    return token, raw


def user_for_token(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    # The token and its user in one query: every API request starts here.
    token = db.session.scalar(select(ApiToken).options(joinedload(ApiToken.user))
                              .where(ApiToken.token_hash == _token_hash(raw)))
    if token is None:
        return None
    now = utcnow()
    # Record use at most once a minute: a write per request would cost more than it tells.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        db.session.commit()
    return token.user


def user_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_token(user: User, token_id: int) -> None:
    result = db.session.execute(
        delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if result.rowcount == 0:
        raise NotFound("No such token.")
