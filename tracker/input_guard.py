"""Input that no database can store is a client error (4xx), never a 500: ids too
large for an INTEGER column, NUL characters, unpaired surrogates, JSON nested or
numbered beyond what Python reads, a non-JSON body sent to the JSON API, and a
chunked body larger than MAX_CONTENT_LENGTH (a 413, like the same bytes sent with a
Content-Length)."""
from __future__ import annotations

import io
import json

from flask import Flask, Request, request
from werkzeug.exceptions import NotFound, RequestEntityTooLarge, UnsupportedMediaType
from werkzeug.utils import cached_property
from werkzeug.wsgi import get_input_stream
from werkzeug.routing import IntegerConverter

from tracker.auth.security import UNSAFE_METHODS
from tracker.domain.wording import N_
from tracker.errors import DomainError, Invalid


class DatabaseIntConverter(IntegerConverter):
    """``<int:id>`` matching only what an INTEGER column holds: a larger number is a
    404 like any unknown id, not an overflow in the database driver (a 500)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1,  # noqa: A002, ANN001
                 signed=False):
        super().__init__(url_map, fixed_digits, min, max, signed)


def unstorable(value: object) -> str | None:
    """Where a decoded JSON value holds a string no database stores (a NUL character,
    or a lone surrogate from a JSON "\\ud800" escape): the dotted name of the first
    one (``sessions.0.notes``; a bad key names the object holding it; ``_schema`` is
    the value as a whole), else None. The JSON API's guard and the import page's file
    check both use it."""
    return _first_unstorable(value, "")


def _first_unstorable(value: object, name: str) -> str | None:
    if isinstance(value, str):
        return None if _storable_text(value) else name or "_schema"
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and not _storable_text(key):
            return name or "_schema"
        bad = _first_unstorable(item, f"{name}.{key}" if name else str(key))
        if bad:
            return bad
    return None


def _storable_text(value: str) -> bool:
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refuse_unstorable_input() -> None:
    """Input the database would choke on is a client error (400/415), never a 500:
    NUL characters anywhere, JSON that is not JSON we can store, and a non-JSON body
    sent to the JSON API (a 415 that says so, not "field missing" for every field)."""
    if "\x00" in request.path:
        raise NotFound()
    for source in (request.args, request.form):
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                raise DomainError(fields={key.replace("\x00", ""): [N_("Contains a NUL character.")]})
    if not request.path.startswith("/api/") or request.method not in UNSAFE_METHODS:
        return
    if not request.is_json:
        has_body = request.content_length or request.headers.get("Transfer-Encoding")
        if has_body:
            raise UnsupportedMediaType("Send the request body as JSON "
                                       "(Content-Type: application/json).")
        if request.method == "PATCH":  # every field is optional, but the body is not
            raise Invalid("Send the changes as a JSON object.",
                          {"json": ["A JSON body is required."]})
        return
    try:
        bad = unstorable(json.loads(request.get_data(cache=True)))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return  # webargs answers 400 {"json": ["Invalid JSON body."]}
    except ValueError:  # an integer longer than Python reads (4300 digits)
        raise DomainError("The JSON body holds a number with too many digits.",
                          {"json": ["A number has too many digits."]}) from None
    except RecursionError:
        raise DomainError("The JSON body is nested too deeply.",
                          {"json": ["Nested too deeply."]}) from None
    if bad:
        raise DomainError(f"{bad}: contains a NUL character or an unpaired surrogate.",
                          {bad: [N_("Contains a NUL character or an unpaired surrogate.")]})


class GuardedRequest(Request):
    """A body sent without Content-Length (chunked) is read at most
    MAX_CONTENT_LENGTH + 1 bytes far when first used: over the limit it is a 413, like
    the same bytes with a Content-Length (Werkzeug alone would cut it at the limit and
    hand the app the first part)."""

    @cached_property
    def stream(self):  # noqa: ANN201
        limit = self.max_content_length
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        if limit is None or not chunked or self.content_length is not None:
            return get_input_stream(self.environ, max_content_length=limit)
        body = _read_at_most(self.environ["wsgi.input"], limit + 1)
        if len(body) > limit:
            raise RequestEntityTooLarge()
        return io.BytesIO(body)


def _read_at_most(stream, size: int) -> bytes:  # noqa: ANN001
    parts: list[bytes] = []
    left = size
    while left > 0:
        part = stream.read(min(left, 65536))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def init_input_guard(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIntConverter
    app.request_class = GuardedRequest
    app.before_request(refuse_unstorable_input)
