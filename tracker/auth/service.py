"""Account rules: create users, check passwords, change the password, end sessions,
issue and resolve API tokens, password-reset links and links confirming a new email
address, erase a user with everything they own. Callers commit."""
from __future__ import annotations

import hashlib
import secrets
from functools import cache

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Select, bindparam, delete, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.auth.models import ApiToken, User
from tracker.db_types import utcnow
from tracker.domain import emails
from tracker.domain.wording import N_, Text
from tracker.errors import Conflict, DomainError, Invalid, NotFound, Unauthorized
from tracker.extensions import db
from tracker.listing import Page, paged

TOKEN_PREFIX = "bst_"


@cache
def _dummy_hash(method: str) -> str:
    """Checked when the email is unknown, so both failures cost the same time; made
    on first use with the configured method (not at import, which every CLI pays)."""
    return generate_password_hash("not-a-real-password", method=method)


def normalize_email(email: str) -> str:
    """The stored spelling of an address; refuses invisible characters (422)."""
    try:
        return emails.normalize_email(email)
    except emails.UnsafeEmail as err:
        raise Invalid.field("email", Text("The address %(problem)s.", problem=err.args[0])) from None


def find_user(email: str) -> User | None:
    canonical = emails.lookup_email(email)
    if canonical is None:
        return None
    return db.session.scalar(select(User).where(User.email == canonical))


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _email_taken() -> Conflict:
    return Conflict(N_("That email is already registered."), {"email": [N_("Already registered.")]})


def register(email: str, password: str, timezone: str, locale: str | None = None) -> User:
    """``locale``: the language the person signed up in (their mails speak it)."""
    email = normalize_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise _email_taken()
    user = User(email=email, password_hash=hash_password(password), timezone=timezone,
                red_flags=[], locale=locale)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent registration won the race
        db.session.rollback()
        raise _email_taken() from None
    return user


def authenticate(email: str, password: str) -> User:
    """The user with these credentials; one identical error for every failure."""
    user = find_user(email)
    ok = check_password_hash(
        user.password_hash if user else _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]),
        password)
    if user is None or not ok:
        raise Unauthorized(N_("Email or password is wrong."))
    return user


def check_password(user: User, password: str, field: str = "password") -> None:
    if not check_password_hash(user.password_hash, password):
        raise Invalid.field(field, N_("Password is wrong."))


def end_sessions(user: User) -> None:
    """Every cookie session of the user ends (they all carry the old secret); a
    caller that keeps the current one signs it in again with the new secret."""
    user.rotate_session_token()


def change_password(user: User, current: str, new: str, keep_token: str | None = None) -> None:
    """Set a new password; every session and every API token ends, except the token
    the change was made with (``keep_token``, the raw bearer value) if any."""
    check_password(user, current, field="current_password")
    user.password_hash = hash_password(new)
    end_sessions(user)
    query = delete(ApiToken).where(ApiToken.user_id == user.id)
    if keep_token is not None:
        query = query.where(ApiToken.token_hash != _token_hash(keep_token))
    db.session.execute(query)


def request_email_change(user: User, password: str, email: str) -> tuple[str, bool]:
    """The new address (stored spelling) and whether another account has it. Nothing
    changes: the caller mails the address either a link (``email_confirm_token``) or
    a notice, and answers the same in both cases."""
    check_password(user, password)
    email = normalize_email(email)
    if email == user.email:
        raise Invalid.field("email", N_("That is already your address."))
    taken = db.session.scalar(select(User.id).where(User.email == email)) is not None
    return email, taken


def update_profile(user: User, changes: dict) -> User:
    if "timezone" in changes:
        user.timezone = changes["timezone"]
    if "locale" in changes:
        user.locale = changes["locale"]
    return user


def delete_user(user: User, password: str) -> None:
    """Erase the account; the database cascades to everything the user owns."""
    check_password(user, password)
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.expunge_all()


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


TOKENS_MAX = 50  # per person; a forgotten script cannot pile them up without end


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    held = db.session.scalar(select(func.count()).where(ApiToken.user_id == user.id))
    if held >= TOKENS_MAX:
        said = Text("You have %(count)s API tokens, the most an account may hold: revoke one "
                    "first.", count=TOKENS_MAX)
        raise Conflict(said, {"_schema": [said]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_token_hash(raw))
    db.session.add(token)
    db.session.flush()
    return token, raw


@cache
def _token_with_user() -> Select:
    """The token with :token_hash and its user, in one query: every API request starts
    here, so the statement is built once (building and keying it costs more than
    running it)."""
    return (select(ApiToken).options(joinedload(ApiToken.user))
            .where(ApiToken.token_hash == bindparam("token_hash")))


def user_for_token(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = db.session.scalar(_token_with_user(), {"token_hash": _token_hash(raw)})
    if token is None:
        return None
    now = utcnow()
    # Record use at most once a minute: a write per request would cost more than it tells.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        try:
            db.session.commit()
        except OperationalError:
            # A reading request's transaction on SQLite could not take the write lock
            # (another worker wrote first): the last-use time waits for the next request.
            db.session.rollback()
            token = db.session.scalar(_token_with_user(), {"token_hash": _token_hash(raw)})
            if token is None:
                return None
    return token.user


def user_tokens(user: User, page: int, per_page: int) -> Page:
    """One page of the person's tokens, oldest first."""
    return paged(select(ApiToken).where(ApiToken.user_id == user.id), (ApiToken.id,),
                 page, per_page)


def revoke_token(user: User, token_id: int) -> None:
    result = db.session.execute(
        delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if result.rowcount == 0:
        raise NotFound(N_("No such token."))


# --- signed links: password reset and confirming a new email address ---------------

RESET_SALT = "password-reset"
EMAIL_CONFIRM_SALT = "email-confirm"


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _reset_fingerprint(user: User) -> str:
    """Changes whenever the password, the session secret or the email does, so a link
    dies once it is used (the password changes), when the person signs out everywhere,
    and when the account moves to another address (a link mailed to the old one)."""
    return _fingerprint(user.password_hash, user.session_token, user.email)


def _email_confirm_fingerprint(user: User) -> str:
    """Changes with the email (so a link works once, and a second link dies when the
    first is used) and with the password."""
    return _fingerprint(user.password_hash, user.email)


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _signed_user(token: str, salt: str, max_age_setting: str,
                 error: type[DomainError]) -> tuple[User, dict]:
    """The user a signed link of ``salt`` names and its payload, while the link is
    younger than the ``max_age_setting`` seconds; else ``error``. The caller checks
    the fingerprint."""
    try:
        data = _serializer(salt).loads(token, max_age=int(current_app.config[max_age_setting]))
    except BadSignature:  # also SignatureExpired
        raise error() from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) \
            or not 0 < data["u"] < 2**31:
        raise error()
    user = db.session.get(User, data["u"])
    if user is None:
        raise error()
    return user, data


def _same(signed: object, fingerprint: str) -> bool:
    return secrets.compare_digest(str(signed), fingerprint)


def reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"u": user.id, "f": _reset_fingerprint(user)})


class ResetLinkInvalid(DomainError):
    status = 400
    code = "reset_link_invalid"
    message = N_("This reset link has expired or was already used. Ask for a new one.")


def user_for_reset(token: str) -> User:
    """The user a reset link was made for, while it is fresh and unused."""
    user, data = _signed_user(token, RESET_SALT, "PASSWORD_RESET_MAX_AGE", ResetLinkInvalid)
    if not _same(data.get("f"), _reset_fingerprint(user)):
        raise ResetLinkInvalid()
    return user


def reset_password(token: str, new: str) -> User:
    """Set the password through a reset link: every session and API token ends."""
    user = user_for_reset(token)
    user.password_hash = hash_password(new)
    end_sessions(user)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    return user


def email_confirm_token(user: User, email: str) -> str:
    """A link's token moving ``user`` to ``email`` (already in its stored spelling)."""
    return _serializer(EMAIL_CONFIRM_SALT).dumps(
        {"u": user.id, "e": email, "f": _email_confirm_fingerprint(user)})


class EmailLinkInvalid(DomainError):
    status = 400
    code = "email_link_invalid"
    message = N_("This link no longer works: it has expired, was already used, or your "
                 "email or password changed since it was sent.")


class EmailLinkForOtherAccount(DomainError):
    status = 403
    code = "email_link_other_account"
    message = N_("This link is for a different account than the one signed in here. "
                 "Sign out, then open the link again.")


class EmailTaken(DomainError):
    status = 409
    code = "email_taken"
    message = N_("Another account started using this address after the link was sent, "
                 "so your email stays as it was.")


def email_change_for(token: str, signed_in: User | None) -> tuple[User, str]:
    """The user a confirmation link was made for and the address it moves them to,
    while it is fresh and unused; refused while someone else is signed in."""
    user, data = _signed_user(token, EMAIL_CONFIRM_SALT, "EMAIL_CONFIRM_MAX_AGE",
                              EmailLinkInvalid)
    email = data.get("e")
    if not isinstance(email, str) or not _same(data.get("f"), _email_confirm_fingerprint(user)):
        raise EmailLinkInvalid()
    if signed_in is not None and signed_in.id != user.id:
        raise EmailLinkForOtherAccount()
    return user, email


def confirm_email_change(token: str, signed_in: User | None) -> tuple[User, str]:
    """Move the account to the link's address; the old address is returned (for the
    notice). Reset links of the old address die with it (their fingerprint)."""
    user, email = email_change_for(token, signed_in)
    old = user.email
    user.email = email
    try:
        db.session.flush()
    except IntegrityError:  # the address was registered after the link was sent
        db.session.rollback()
        raise EmailTaken() from None
    return user, old
