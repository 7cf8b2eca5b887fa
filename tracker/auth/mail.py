"""Password-reset links: where they point and how they reach a person (SMTP through
Flask-Mailman, configured by TRACKER_MAIL_*)."""
from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_mailman import EmailMessage

from tracker.auth import service
from tracker.auth.models import User


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def reset_link(user: User) -> str:
    """An absolute link to the reset page; built on TRACKER_PUBLIC_URL when set,
    never on an address a client could choose otherwise (a forged Host header would
    otherwise send people's reset links to someone else's site)."""
    public = current_app.config.get("PUBLIC_URL")
    link = url_for("auth_pages.reset_with_token", token=service.reset_token(user),
                   _external=not public)
    return public.rstrip("/") + link if public else link


def send_reset_link(user: User) -> None:
    """Mail the link; a failing mail server is logged, and the person sees the same
    answer as always (which also does not tell whether the address has an account)."""
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"]) // 60
    message = EmailMessage(
        subject="Reset your Backstretch password",
        body=render_template("auth/reset_email.txt", link=reset_link(user), minutes=minutes),
        to=[user.email])
    try:
        message.send()
    except OSError:  # smtplib errors are OSErrors too
        current_app.logger.exception("password reset: sending mail failed")
