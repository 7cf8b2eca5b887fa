"""HTTP plumbing shared by every feature: blueprint registration, security headers
(strict CSP: no inline script or style), and the health check."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, current_app
from sqlalchemy import text

from tracker.extensions import api, db, scheduler
from tracker.input_guard import init_input_guard
from tracker.reminders.jobs import last_tick

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - the point is to report, not to raise
        current_app.logger.exception("health check: database unreachable")
        database = "unavailable"
    state = "running" if scheduler.running else "off"
    body = {"status": "ok" if database == "ok" else "degraded",
            "database": database, "scheduler": state,
            "scheduler_last_tick": last_tick() if database == "ok" else None}
    return body, 200 if database == "ok" else 503


def _security_headers(response):  # noqa: ANN001
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def register_blueprints(app: Flask) -> None:
    from tracker.auth import api as auth_api
    from tracker.auth import views as auth_views
    from tracker.auth.security import init_security
    from tracker.logbook import api as logbook_api
    from tracker.logbook import views as logbook_views
    from tracker.sharing import api as sharing_api
    from tracker.sharing import views as sharing_views
    from tracker.pwa.views import init_pwa
    from tracker.programs import api as programs_api
    from tracker.programs import views as programs_views
    from tracker.progress import api as progress_api
    from tracker.progress import views as progress_views
    from tracker.reminders import api as reminders_api
    from tracker.reminders import jobs as reminders_jobs
    from tracker.reminders import views as reminders_views

    init_input_guard(app)  # before any route uses its <int:> converter
    init_security(app)
    app.register_blueprint(health)
    api.register_blueprint(auth_api.blp)
    api.register_blueprint(logbook_api.blp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(logbook_views.bp)
    api.register_blueprint(sharing_api.blp)
    app.register_blueprint(sharing_views.bp)
    app.register_blueprint(sharing_views.shared)
    init_pwa(app)
    api.register_blueprint(programs_api.blp)
    api.register_blueprint(progress_api.blp)
    app.register_blueprint(programs_views.bp)
    app.register_blueprint(progress_views.bp)
    api.register_blueprint(reminders_api.blp)
    app.register_blueprint(reminders_views.bp)
    reminders_jobs.init_app(app)
    app.after_request(_security_headers)
    app.add_template_global(lambda user: ZoneInfo(user.timezone), "tz_of")
    app.add_template_filter(_number, "number")
    # Log book polish (issue 7): the time-zone select of register and settings.
    from tracker.domain.clock import offered_timezones
    app.add_template_global(offered_timezones, "timezone_groups")


def _number(value) -> str:  # noqa: ANN001
    """40.0 -> "40", 42.5 -> "42.5", None -> "" (for form values and labels)."""
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)
