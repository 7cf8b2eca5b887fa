"""This app's public address, for links that leave the request they were made in:
mailed links (resets, email confirmations, reminder e-mails), a push's ``navigate``,
and the links the CLI prints. Never built from a request's Host (a forged Host would
send a reset link to another site)."""
from __future__ import annotations

from flask import Flask, current_app, has_request_context, request

# Where links point when TRACKER_PUBLIC_URL is unset (development and testing only:
# production refuses to start with a mail server and no public URL, and warns
# without one), unless SERVER_NAME names the host: the address ``make run`` serves on.
LOCAL_URL = "http://127.0.0.1:5000"


def public_url(app: Flask | None = None) -> str:
    """TRACKER_PUBLIC_URL, else SERVER_NAME, else the local development address;
    never anything from the request."""
    config = (app or current_app).config
    if config.get("PUBLIC_URL"):
        return str(config["PUBLIC_URL"]).rstrip("/")
    if config.get("SERVER_NAME"):
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}"
    return LOCAL_URL


def shown_url() -> str:
    """The base of a link shown to the signed-in person who made it (a SMART Health
    Link): TRACKER_PUBLIC_URL when set, else the address this request came to, which
    that person reached (as share links are built)."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured or not has_request_context():
        return public_url()
    return request.host_url.rstrip("/")
