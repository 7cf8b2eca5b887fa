"""The web app manifest: what a phone needs to install Backstretch as an app."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from tracker import i18n

# The brand colours of static/css/app.css: light theme, and the dark one.
THEME_LIGHT = "#1f6f5c"
THEME_DARK = "#123a30"
BACKGROUND_LIGHT = "#f3f6f5"
BACKGROUND_DARK = "#0e1412"


def manifest(url: Callable[[str], str], page: Callable[[str], str]) -> dict:
    """``url(path)`` gives a static file's URL, ``page(endpoint)`` a page's. In the
    request's language (``lang``), as the pages a phone opens from it."""
    return {
        "id": "/",
        "name": _("Backstretch: back-pain stretching diary"),
        "short_name": "Backstretch",
        "description": _("Log your back stretches and pain on your phone, follow a "
                         "straight-leg-raise plan, and see how things change. Works offline."),
        "lang": i18n.current(),
        "dir": i18n.html_dir(),
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_LIGHT,
        "background_color": BACKGROUND_LIGHT,
        "categories": ["health", "medical", "lifestyle"],
        "icons": [
            {"src": url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": url("icons/maskable-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "maskable"},
            {"src": url("icons/maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": url("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
        "shortcuts": [
            {"name": _("Log a session"), "short_name": _("Log"), "url": page("logbook_pages.log_session"),
             "description": _("Record the stretches you just did"),
             "icons": [{"src": url("icons/shortcut-log-96.png"), "sizes": "96x96", "type": "image/png"}]},
            {"name": _("Progress"), "short_name": _("Progress"), "url": "/progress",
             "description": _("Pain and flexibility over time"),
             "icons": [{"src": url("icons/shortcut-progress-96.png"), "sizes": "96x96", "type": "image/png"}]},
        ],
        "screenshots": [
            {"src": url("screenshots/today.png"), "sizes": "390x844", "type": "image/png",
             "form_factor": "narrow", "label": _("Today: your plan and streak")},
            {"src": url("screenshots/log.png"), "sizes": "390x844", "type": "image/png",
             "form_factor": "narrow", "label": _("Logging a session with pain scores")},
        ],
    }
