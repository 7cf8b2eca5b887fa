"""HTTP plumbing shared by every feature: blueprint registration, security headers
(strict CSP: no inline script or style), and the health check."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, current_app, request
from flask_babel import gettext
from sqlalchemy import text

from tracker import catalog, scheduler
from tracker.domain.wording import N_
from tracker.i18n import number
from tracker.extensions import api, db
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

# One sentence per page for search results and link previews (<meta name="description">),
# by endpoint; marked here and translated for the one page being rendered.
DESCRIPTIONS = {
    "auth_pages.login": N_(
        "Sign in to Backstretch to log your back-pain stretches, pain scores and leg-"
        "raise angles."),
    "auth_pages.register": N_(
        "Create a Backstretch account: a phone diary of back-pain stretches, pain "
        "scores and straight-leg-raise angles."),
    "auth_pages.reset_request": N_(
        "Forgot your Backstretch password? Ask for a link to choose a new one."),
    "auth_pages.reset_with_token": N_("Choose a new password for your Backstretch account."),
    "auth_pages.settings": N_(
        "Backstretch settings: time zone, reminders, sharing with a clinician, export "
        "and import, and your account."),
    "auth_pages.sign_out": N_("Sign out of Backstretch on this device."),
    "logbook_pages.today": N_(
        "Today in Backstretch: your streak, today's sessions, a quick pain check-in and"
        " what to stretch next."),
    "logbook_pages.log_session": N_(
        "Log a stretching session: the stretches you did, pain before and after, and "
        "straight-leg-raise angles."),
    "logbook_pages.guide": N_(
        "A guided stretching session, one step at a time, with hold timers and today's "
        "targets."),
    "logbook_pages.history": N_(
        "Every stretching session and pain check-in you logged, day by day."),
    "logbook_pages.session_detail": N_(
        "One logged stretching session: its stretches, pain scores and leg-raise "
        "angles."),
    "logbook_pages.edit_session": N_("Change a stretching session you logged."),
    "logbook_pages.delete_session": N_(
        "Delete a stretching session from your back-pain diary."),
    "logbook_pages.delete_checkin": N_("Delete a pain check-in from your back-pain diary."),
    "logbook_pages.stretches": N_(
        "The stretch library: how to do each back-pain stretch, with drawings, doses "
        "and hold timers."),
    "logbook_pages.stretch": N_(
        "How to do this stretch: the steps, the dose, a drawing and a hold timer."),
    "logbook_pages.new_stretch": N_("Add a stretch of your own to the Backstretch library."),
    "logbook_pages.edit_stretch": N_("Change a stretch you added to the library."),
    "logbook_pages.remove_stretch": N_("Remove a stretch you added to the library."),
    "logbook_pages.safety_check": N_(
        "The warning-signs check: back-pain symptoms that need a doctor rather than "
        "stretching."),
    "progress_pages.progress": N_(
        "Your progress: pain trend, straight-leg-raise angles, days with a session and "
        "which stretches bring relief."),
    "program_pages.program": N_(
        "The straight-leg-raise programme: a target angle for each day and how your leg"
        " is doing."),
    "reminders_pages.reminders": N_(
        "Reminders to stretch: times, days and notifications on this device."),
    "pwa.offline": N_(
        "You are offline: sessions you log stay on this phone and are sent when the "
        "connection is back."),
}
DESCRIPTION = N_(
    "Backstretch is a phone diary for back-pain stretches: log sessions, pain "
    "scores and straight-leg-raise angles, and see whether it is getting better.")


def page_description() -> str:
    """This page's description in its language."""
    return gettext(DESCRIPTIONS.get(request.endpoint, DESCRIPTION))


health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - the point is to report, not to raise
        current_app.logger.exception("health check: database unreachable")
        database = "unavailable"
    state = "running" if scheduler.is_running() else "off"
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
    """Every feature's JSON blueprint (on the flask-smorest Api, so it is in the
    OpenAPI document) and page blueprint, plus the request guards and template helpers."""
    from tracker.auth import api as auth_api, views as auth_views
    from tracker.auth.security import init_security
    from tracker.dates import short_date
    from tracker.zone_names import zone_options
    from tracker.flareups import api as flareups_api, views as flareups_views
    from tracker.logbook import api as logbook_api, views as logbook_views
    from tracker.programs import api as programs_api, views as programs_views
    from tracker.psfs import api as psfs_api, views as psfs_views
    from tracker.progress import api as progress_api, views as progress_views
    from tracker.pwa.views import init_pwa
    from tracker.reminders import api as reminders_api, jobs as reminders_jobs
    from tracker.reminders import views as reminders_views
    from tracker.sharing import api as sharing_api, views as sharing_views
    from tracker.shl import api as shl_api, views as shl_views

    init_input_guard(app)  # before any route uses its <int:> converter
    init_security(app)
    app.register_blueprint(health)
    for feature_api in (auth_api, logbook_api, programs_api, flareups_api, progress_api,
                        reminders_api, sharing_api, shl_api, psfs_api):
        api.register_blueprint(feature_api.blp)
    for pages in (auth_views.bp, logbook_views.bp, programs_views.bp, flareups_views.bp,
                  progress_views.bp,
                  reminders_views.bp, reminders_views.by_token, sharing_views.bp,
                  sharing_views.shared, shl_views.bp, shl_views.public, psfs_views.bp):
        app.register_blueprint(pages)
    init_pwa(app)
    reminders_jobs.init_app(app)
    app.after_request(_security_headers)
    app.add_template_global(lambda user: ZoneInfo(user.timezone), "tz_of")
    app.add_template_global(zone_options)  # the time-zone select
    app.add_template_global(page_description, "page_description")
    app.jinja_env.globals.update(stretch_illustration=catalog.illustration, spine_words=catalog.SPINE_WORDS)
    app.add_template_filter(_number, "number")
    app.add_template_filter(number, "decimal")  # 42.5 -> "42.5" / "42,5" (German)
    app.add_template_filter(short_date, "short_date")  # "7 Nov", see tracker/dates.py


def _number(value) -> str:  # noqa: ANN001
    """40.0 -> "40", 42.5 -> "42.5", None -> "": a form field's value, which a browser
    reads in this notation whatever the language (``decimal`` is for reading)."""
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)
