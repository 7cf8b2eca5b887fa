"""One error family and one set of handlers for the whole app.

Services raise a ``DomainError`` subclass; nothing returns error tuples. Under
``/api`` every error (ours, Werkzeug's, webargs' validation errors, rate limits) is
answered as JSON ``{"status", "error", "message", "fields"}`` where ``fields`` maps
each offending field to its messages; elsewhere a friendly HTML page. A stack trace
never reaches a client: unexpected exceptions are logged and answered as a plain 500.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException

FieldErrors = dict[str, Any]


class DomainError(Exception):
    status = 400
    code = "bad_request"
    message = "The request could not be processed."

    def __init__(self, message: str | None = None, fields: FieldErrors | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields or {}


class Invalid(DomainError):
    status = 422
    code = "invalid"
    message = "Some fields are not valid."

    @classmethod
    def field(cls, name: str, message: str) -> "Invalid":
        return cls(f"{name}: {message}", {name: [message]})


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    message = "Sign in to continue."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = "You are not allowed to do that."


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "Not found."


class Gone(DomainError):
    status = 410
    code = "gone"
    message = "That was deleted."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "That conflicts with existing data."


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_body(status: int, code: str, message: str, fields: FieldErrors | None = None) -> dict:
    return {"status": status, "error": code, "message": message, "fields": fields or {}}


def _respond(status: int, code: str, message: str, fields: FieldErrors | None = None,
             headers: Any = None, ours: bool = True):
    """``ours``: the message is our own words (a DomainError); pages word the web
    server's errors themselves."""
    if wants_json():
        return error_body(status, code, message, fields), status, headers or {}
    html = render_template("error.html", status=status, message=message, fields=fields or {},
                           ours=ours)
    return html, status, headers or {}


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
        return {prefix or "_schema": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        flat.update(flatten_errors(value, name))
    return flat


_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 410: "gone", 413: "too_large", 415: "unsupported_media_type",
    422: "invalid", 429: "rate_limited",
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
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"The request body is larger than the {limit} byte limit."
    elif status == 429:
        message = "Too many attempts. Wait a little and try again."
    else:
        message = exc.description or exc.name
    headers = exc.get_response().headers if status in (405, 429) else None
    keep = {k: v for k, v in (headers or {}).items()
            if k in ("Allow", "Retry-After") or k.startswith("X-RateLimit")}
    return _respond(status, code, message, fields, keep, ours=False)


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return _respond(500, "server_error", "Something went wrong on our side.", ours=False)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
