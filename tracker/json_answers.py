"""JSON answers made from a person's data, kept per worker process under their data
version (``tracker.person_caches``): a repeat request costs the person's row (loaded to
know who asks) and no other query, no dump and no encoding, and is never stale. Each
answer carries an ETag, a hash of its body; a request whose If-None-Match matches it
gets a 304 with no body."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Response, current_app, request

from tracker.person_caches import cached_for

if TYPE_CHECKING:
    from tracker.auth.models import User


def _encoded(value: object) -> tuple[bytes, str]:
    body = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    return body, hashlib.sha256(body).hexdigest()[:32]


def versioned_json(user: User, name: str, key: tuple, size_setting: str,
                   make: Callable[[], object], cache_control: str | None = None) -> Response:
    """The answer ``make()`` gives (a value ready for JSON) for ``user`` and ``key``
    (everything else it depends on), from the app's cache ``name`` of config size
    ``size_setting``. ``cache_control``: the header to send, where not the API's
    default ``private, no-store`` (tracker.auth.security)."""
    body, etag = cached_for(user, name, key, size_setting, lambda: _encoded(make()),
                            per_language=False)  # the API speaks English
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(etag)
    if cache_control:
        response.headers["Cache-Control"] = cache_control
    response.vary.update(("Cookie", "Authorization"))
    return response.make_conditional(request)
