"""Rate limits on guessing passwords: per client address (every login, registration
and reset attempt) and per account (failed attempts at one email address or one
signed-in user, whatever address they come from)."""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from tracker.domain.emails import lookup_email
from tracker.extensions import limiter

# Status codes of a failed attempt: a wrong password answers 401 (API sign-in) or 422
# (pages, password-confirmed actions); a 429 itself is never counted.
FAILED = frozenset({400, 401, 403, 422})


def _posted_email() -> str:
    """The account a sign-in or reset request is aimed at, however it is spelled."""
    data = request.get_json(silent=True) if request.is_json else request.form
    raw = data.get("email") if hasattr(data, "get") else None
    if not isinstance(raw, str):
        return "email:?"
    return "email:" + (lookup_email(raw[:254]) or raw[:254])


def _signed_in_user() -> str:
    return f"user:{current_user.id}"


def _account_limit() -> str:
    return current_app.config["ACCOUNT_RATE_LIMIT"]


# One budget per address for every way of guessing a password, pages included.
auth_limit = limiter.shared_limit(lambda: current_app.config["AUTH_RATE_LIMIT"],
                                  scope="auth", methods=["POST"])

# Failed sign-ins at one email address, from anywhere.
login_account_limit = limiter.shared_limit(
    _account_limit, scope="account-login", key_func=_posted_email, methods=["POST"],
    deduct_when=lambda response: response.status_code in FAILED)

# Reset requests for one email address: each may send a mail, so every one counts.
reset_account_limit = limiter.shared_limit(
    _account_limit, scope="account-reset", key_func=_posted_email, methods=["POST"])

# Wrong passwords in password-confirmed actions (delete account, change password or
# email) of one signed-in user, through any session or token.
confirmed_limit = limiter.shared_limit(
    _account_limit, scope="account-confirm", key_func=_signed_in_user, methods=["POST", "DELETE"],
    exempt_when=lambda: not current_user.is_authenticated,
    deduct_when=lambda response: response.status_code in FAILED)
