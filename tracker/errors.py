"""One error family and one set of handlers for the whole app.

Services raise a ``DomainError`` subclass; nothing returns error tuples. Under
``/api`` every error (ours, Werkzeug's, webargs' validation errors, rate limits) is
answered as JSON ``{"status", "error", "message", "fields"}`` where ``fields`` maps
each offending field to its messages (English, for API clients; a request speaking
another language also gets them said in it under ``localized``); elsewhere a friendly
HTML page. A stack trace never reaches a client: unexpected exceptions are logged and
answered as a plain 500.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from tracker.domain.wording import N_, Text

FieldErrors = dict[str, Any]


class DomainError(Exception):
    status = 400
    code = "bad_request"
    message = N_("The request could not be processed.")

    def __init__(self, message: str | None = None, fields: FieldErrors | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields or {}


class Invalid(DomainError):
    status = 422
    code = "invalid"
    message = N_("Some fields are not valid.")

    @classmethod
    def field(cls, name: str, message: str) -> "Invalid":
        return cls(f"{name}: {message}", {name: [message]})


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    message = N_("Sign in to continue.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = N_("You are not allowed to do that.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = N_("Not found.")


class Gone(DomainError):
    status = 410
    code = "gone"
    message = N_("That was deleted.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = N_("That conflicts with existing data.")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_body(status: int, code: str, message: str, fields: FieldErrors | None = None) -> dict:
    return {"status": status, "error": code, "message": message, "fields": fields or {}}


def _respond(status: int, code: str, message: str, fields: FieldErrors | None = None,
             headers: Any = None, ours: bool = True):
    """``ours``: the message is our own words (a DomainError); pages word the web
    server's errors themselves."""
    if wants_json():
        body = error_body(status, code, message, fields)
        # Not on a 5xx: finding the language may load the person, and the database
        # may be what failed.
        if status < 500 and (said := localized(message, fields or {})):
            body["localized"] = said
        return body, status, headers or {}
    html = render_template("error.html", status=status, message=page_text(message),
                           fields=page_fields(fields or {}), ours=ours)
    return html, status, headers or {}


def localized(message: Any, fields: FieldErrors) -> dict | None:
    """The error as a page in the request's language would say it, for the app's own
    scripts to show (its offline queue, the reminders page), beside the English
    ``message`` and ``fields`` that API clients read; None when the request speaks
    English. A message with no catalog entry (e.g. naming the fields at fault) is
    said as the generic "Some fields are not valid." when fields are named."""
    from tracker.i18n import SOURCE, current

    lang = current()
    if lang == SOURCE:
        return None
    said = page_text(message)
    if said == message and not isinstance(message, Text) and fields:
        said = page_text(Invalid.message)
    return {"lang": lang, "message": str(said), "fields": page_fields(fields)}


def page_text(message: Any) -> Any:
    """A message as a page says it: a ``Text`` in the page's language, an English
    constant (marked ``N_``) by its catalog entry, anything else as it is. The JSON
    API keeps the English."""
    from flask_babel import gettext

    from tracker.i18n import translate

    if isinstance(message, Text):
        return translate(message)
    if isinstance(message, str) and message:
        return gettext(message)
    return message


def page_fields(fields: FieldErrors) -> FieldErrors:
    """Field errors for a page: each message said by ``page_text``."""
    return {name: page_text(said) if isinstance(said, str)
            else [page_text(m) for m in said] if isinstance(said, list) else said
            for name, said in fields.items()}


def _webargs_fields(exc: HTTPException) -> FieldErrors:
    """webargs puts messages under their location ({"json": {...}}); flatten that."""
    messages = getattr(exc, "data", {}).get("messages") if getattr(exc, "data", None) else None
    if not isinstance(messages, dict):
        return {}
    fields: FieldErrors = {}
    for location, errs in messages.items():
        fields.update(flatten_errors(errs) if isinstance(errs, dict) else {location: errs})
    return fields


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as dotted names:
    {"entries": {0: {"reps": [..]}}} -> {"entries.0.reps": [..]}."""
    if isinstance(messages, list):
        # a Text stays one (it is its English string): pages can still translate it
        return {prefix or "_schema": [m if isinstance(m, str) else str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        flat.update(flatten_errors(value, name))
    return flat


_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 410: "gone", 413: "too_large", 415: "unsupported_media_type",
    422: "invalid", 429: "rate_limited", 503: "busy",
}


def handle_domain_error(exc: DomainError):
    return _respond(exc.status, exc.code, exc.message, exc.fields)


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    fields = _webargs_fields(exc)
    code = _HTTP_CODES.get(status, "error")
    if status == 422 or fields:
        message = "Some fields are not valid: " + ", ".join(sorted(fields)) if fields else exc.description
    elif status == 413:
        limit = request.max_content_length  # the route's own limit (imports take more)
        message = Text("The request body is larger than the %(limit)s byte limit.", limit=limit)
    elif status == 429:
        message = TOO_MANY
    else:
        message = exc.description or exc.name
    headers = exc.get_response().headers if status in (405, 429) else None
    keep = {k: v for k, v in (headers or {}).items()
            if k in ("Allow", "Retry-After") or k.startswith("X-RateLimit")}
    return _respond(status, code, message, fields, keep, ours=False)


TOO_MANY = N_("Too many attempts. Wait a little and try again.")
# Flask-WTF's refusals of a form post (a 400 whose description the error page shows):
# marked here so the page says them in its language.
CSRF_REFUSALS = (
    N_("The CSRF token is missing."), N_("The CSRF session token is missing."),
    N_("The CSRF token has expired."), N_("The CSRF token is invalid."),
    N_("The CSRF tokens do not match."), N_("The referrer header is missing."),
    N_("The referrer does not match the host."),
)
BUSY = N_("The service is busy. Nothing was saved; try again in a few seconds.")

# How long a client is asked to wait when the database stayed locked (seconds).
BUSY_RETRY_AFTER = 5


def database_busy(exc: OperationalError) -> bool:
    """SQLite's "database is locked": another process held the write lock for longer
    than the busy timeout (a big import, a backup). Not the request's fault."""
    return getattr(exc.orig, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY,
                                                           sqlite3.SQLITE_LOCKED)


def handle_operational_error(exc: OperationalError):
    """A lock wait past the busy timeout answers 503 with Retry-After, never a 500:
    nothing was written (the transaction is rolled back) and a retry will succeed."""
    if not database_busy(exc):
        return handle_unexpected(exc)
    current_app.logger.warning("Database busy on %s %s: %s", request.method, request.path,
                               exc.orig)
    return _respond(503, "busy", BUSY, headers={"Retry-After": str(BUSY_RETRY_AFTER)})


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return _respond(500, "server_error", N_("Something went wrong on our side."), ours=False)


def routing_error_first(_endpoint: str | None, _values: dict | None) -> None:
    """A request for no route, or with a method its route does not declare, is
    answered 404 or 405 (with ``Allow``) before any check of its body, token or CSRF
    header: Flask raises a routing error only when it dispatches, after every
    ``before_request`` hook, so ``PATCH /api/v1/sessions`` without a body was a 422
    from the input guard. URL value preprocessors run before those hooks."""
    if request.routing_exception is not None:
        raise request.routing_exception


def register_error_handlers(app: Flask) -> None:
    app.url_value_preprocessor(routing_error_first)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(Exception, handle_unexpected)
