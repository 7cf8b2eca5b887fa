"""Rate limits on guessing passwords: per client address (every login, registration
and reset attempt) and per account (failed attempts at one email address or one
signed-in user).

Failed sign-ins are blocked per (account, client address), so someone guessing from
a few addresses cannot lock the owner out: the right password from another address
still signs in. A higher ceiling per account, counted over every address, bounds
guessing spread over many. Every request to change the email mails the address named,
so every attempt counts against the person's own budget for it."""
from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address
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


def _posted_email_from_here() -> str:
    return f"{_posted_email()}|address:{get_remote_address()}"


def _failed(response) -> bool:  # noqa: ANN001
    return response.status_code in FAILED


# Failed sign-ins at one email address from one client address: the hard block.
login_pair_limit = limiter.shared_limit(
    _account_limit, scope="account-login-address", key_func=_posted_email_from_here,
    methods=["POST"], deduct_when=_failed)

# Failed sign-ins at one email address from every address together: the ceiling.
login_ceiling_limit = limiter.shared_limit(
    lambda: current_app.config["ACCOUNT_LOGIN_CEILING"], scope="account-login",
    key_func=_posted_email, methods=["POST"], deduct_when=_failed)


def login_account_limit(view):  # noqa: ANN001, ANN201
    """Both sign-in limits of one account: per (account, address) and the ceiling."""
    return login_ceiling_limit(login_pair_limit(view))


# Reset requests for one email address: each may send a mail, so every one counts.
reset_account_limit = limiter.shared_limit(
    _account_limit, scope="account-reset", key_func=_posted_email, methods=["POST"])

# Wrong passwords in password-confirmed actions (delete account, change password or
# email) of one signed-in user, through any session or token.
confirmed_limit = limiter.shared_limit(
    _account_limit, scope="account-confirm", key_func=_signed_in_user, methods=["POST", "DELETE"],
    exempt_when=lambda: not current_user.is_authenticated,
    deduct_when=_failed)

# Changing the email, per signed-in user, every attempt (each mails the address named).
email_change_limit = limiter.shared_limit(
    lambda: current_app.config["EMAIL_CHANGE_RATE_LIMIT"], scope="email-change",
    key_func=_signed_in_user, methods=["POST"],
    exempt_when=lambda: not current_user.is_authenticated)
