"""Routes of the installable app: /manifest.webmanifest, /sw.js and /offline; and
the opaque per-person key the service worker files cached pages under."""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from flask_login import current_user

from tracker.pwa import manifest as manifest_module
from tracker.pwa import worker
from tracker.pwa.assets import asset_url, assets, init_assets

bp = Blueprint("pwa", __name__)
USER_HEADER = "X-Tracker-User"


@bp.get("/manifest.webmanifest")
def manifest():
    body = manifest_module.manifest(asset_url, url_for)
    response = current_app.json.response(body)
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept-Language")  # it speaks the request's language
    return response


@bp.get("/sw.js")
def service_worker():
    response = Response(current_app.extensions["pwa_worker"], mimetype="text/javascript")
    # Browsers check for a new worker on each visit; it must never come from a cache.
    response.headers["Cache-Control"] = "no-cache, max-age=0"
    return response


@bp.get("/offline")
def offline():
    return render_template("offline.html", shell_only=True)


def user_key() -> str:
    """An opaque key for the signed-in person ("" when nobody is): the service worker
    caches their pages and queues their offline entries under it, so nothing cached
    for one person is shown to, or sent as, another."""
    if not current_user or not current_user.is_authenticated:
        return ""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"pwa-user:{current_user.id}".encode(), hashlib.sha256).hexdigest()[:24]


def _tag_user(response: Response) -> Response:
    if request.endpoint == "static":
        return response  # no need to load the user for a file
    key = user_key()
    if key:
        response.headers[USER_HEADER] = key
    return response


def init_pwa(app: Flask) -> None:
    init_assets(app)
    body = (Path(app.static_folder) / "sw.js").read_text(encoding="utf-8")
    with app.test_request_context():
        app.extensions["pwa_worker"] = worker.worker_source(
            assets(), body, lambda name: url_for("static", filename=name))
    app.register_blueprint(bp)
    app.after_request(_tag_user)
    app.add_template_global(user_key, "pwa_user_key")
