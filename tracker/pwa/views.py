"""/sw.js: the service worker, served from the root so its scope is the whole app.

Minimal on purpose: the offline-app engineer (issue 10) owns this file and the
offline caching in static/sw.js; the push side lives in static/sw-push.js and is
pulled in with importScripts.
"""
from __future__ import annotations

from flask import Blueprint, current_app

bp = Blueprint("pwa", __name__)

SERVICE_WORKER = "importScripts('/static/sw-push.js');\n"


@bp.get("/sw.js")
def service_worker():
    response = current_app.response_class(SERVICE_WORKER, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
