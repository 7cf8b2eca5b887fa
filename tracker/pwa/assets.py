"""Static files under content-hashed names (``css/app.3f9c2a1b.css``).

The static folder is read once when the app starts: each file gets the first eight
hex digits of the SHA-256 of its bytes in its name. Templates ask for
``asset_url('css/app.css')``; the hashed name is served with a year-long immutable
cache, the plain name as before (revalidated), so relative ES-module imports keep
working. A hashed name whose hash is not the current one is a 404, never stale
bytes under a new name or new bytes under an old one.
"""
from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, abort, current_app, has_request_context, request, url_for

IMMUTABLE = "public, max-age=31536000, immutable"
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{8})(?P<ext>\.[A-Za-z0-9]+)$")
# Hidden files, source maps and the JavaScript unit tests are never served hashed.
_SKIP = re.compile(r"(^|/)\.|\.map$|^js/tests/")


@dataclass(frozen=True)
class Asset:
    path: str  # relative to the static folder, "css/app.css"
    hashed: str  # "css/app.3f9c2a1b.css"
    digest: str  # the eight hex digits
    body: bytes
    mimetype: str


@dataclass
class Assets:
    """Every file under ``folder``, hashed once."""

    folder: Path
    by_path: dict[str, Asset] = field(default_factory=dict)
    by_hashed: dict[str, Asset] = field(default_factory=dict)
    urls: dict[tuple[str, str], str] = field(default_factory=dict)  # see asset_url

    @classmethod
    def scan(cls, folder: str | Path) -> Assets:
        assets = cls(Path(folder))
        for file in sorted(assets.folder.rglob("*")):
            rel = file.relative_to(assets.folder).as_posix()
            if not file.is_file() or _SKIP.search(rel):
                continue
            body = file.read_bytes()
            digest = hashlib.sha256(body).hexdigest()[:8]
            stem, dot, ext = rel.rpartition(".")
            hashed = f"{stem}.{digest}.{ext}" if dot and "/" not in ext else f"{rel}.{digest}"
            mimetype = mimetypes.guess_type(rel)[0] or "application/octet-stream"
            if rel.endswith(".js"):
                mimetype = "text/javascript"
            asset = Asset(rel, hashed, digest, body, mimetype)
            assets.by_path[rel] = asset
            assets.by_hashed[hashed] = asset
        return assets

    def hashed_name(self, path: str) -> str:
        """The fingerprinted name of ``path``, or ``path`` itself if there is no such
        file (so a missing file is a 404 at its plain name, not a crash)."""
        asset = self.by_path.get(path)
        return asset.hashed if asset else path

    def version(self, paths: list[str]) -> str:
        """One short hash over the named files' hashes."""
        joined = ",".join(f"{p}={self.by_path[p].digest}" for p in paths if p in self.by_path)
        return hashlib.sha256(joined.encode()).hexdigest()[:12]


def assets() -> Assets:
    return current_app.extensions["pwa_assets"]


def asset_url(path: str) -> str:
    """The URL of a static file under its content-hashed name. The names are fixed for
    the life of the process, so each URL is built once per script root (a page links
    half a dozen, and building a URL costs more than the rest of the lookup)."""
    found = assets()
    if not has_request_context():
        return url_for("static", filename=found.hashed_name(path))
    key = (request.script_root, path)
    url = found.urls.get(key)
    if url is None:
        url = found.urls[key] = url_for("static", filename=found.hashed_name(path))
    return url


def _static(filename: str):  # noqa: ANN202 - replaces Flask's own static view
    asset = assets().by_hashed.get(filename)
    if asset is None:
        if _HASHED.match(filename) and filename not in assets().by_path:
            abort(404)  # an old or unknown fingerprint
        return current_app.send_static_file(filename)
    response = Response(asset.body, mimetype=asset.mimetype)
    response.headers["Cache-Control"] = IMMUTABLE
    response.set_etag(asset.digest)
    return response.make_conditional(request)


def init_assets(app: Flask) -> None:
    app.extensions["pwa_assets"] = Assets.scan(app.static_folder)
    app.view_functions["static"] = _static
    app.add_template_global(asset_url, "asset_url")
