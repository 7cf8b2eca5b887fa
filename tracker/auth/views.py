"""Account pages: sign in, create an account, sign out (asked first), settings (time
zone, password, email, sign out everywhere, delete), the forgotten-password flow, and
the page a link confirming a new email address opens."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from tracker import i18n
from tracker.auth import schemas, service
from tracker.auth.api import end_session, keep_this_session, start_session
from tracker.auth.limits import (auth_limit, confirmed_limit, email_change_limit,
                                 login_account_limit, reset_account_limit)
from tracker.auth.mail import (email_change_said, mail_configured, notify_email_changed,
                               notify_password_changed, send_email_change, send_reset_link)
from tracker.errors import DomainError
from tracker.database import erase_traces
from tracker.extensions import db
from tracker.forms import blank_to_none, load_form, page_errors, say

bp = Blueprint("auth_pages", __name__)


def _safe_next(default: str) -> str:
    """Only same-site paths: never redirect to an address from the query string."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


@bp.route("/login", methods=["GET", "POST"])
@auth_limit
@login_account_limit
def login():
    errors: dict = {}
    if request.method == "POST":
        data, errors = load_form(schemas.LoginSchema(), request.form.to_dict())
        if not errors:
            try:
                user = service.authenticate(data["email"], data["password"])
            except DomainError as err:
                errors = {"_schema": [err.message]}
            else:
                start_session(user)
                return redirect(_safe_next(url_for("logbook_pages.today")))
    return render_template("auth/login.html", errors=page_errors(errors), form=request.form), \
        (422 if errors else 200)


@bp.route("/register", methods=["GET", "POST"])
@auth_limit
def register():
    errors: dict = {}
    if request.method == "POST":
        data, errors = load_form(schemas.RegisterSchema(), blank_to_none(request.form.to_dict()))
        if not errors:
            try:
                # the language the page spoke is the one their mail will speak
                user = service.register(data["email"], data["password"], data["timezone"],
                                        i18n.current())
            except DomainError as err:
                errors = err.fields or {"_schema": [err.message]}
            else:
                db.session.commit()
                start_session(user)
                return redirect(url_for("logbook_pages.safety_check", first=1))
    return render_template("auth/register.html", errors=page_errors(errors), form=request.form), \
        (422 if errors else 200)


@bp.get("/sign-out")
def sign_out():
    """Settings → Sign out asks here first; the form posts to ``logout``. Signed out
    already: the sign-in page (not a sign-in that comes back to this question)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth_pages.login"))
    return render_template("auth/sign_out.html")


@bp.post("/logout")
def logout():
    end_session()
    return redirect(url_for("auth_pages.login"))


def _settings(errors: dict | None = None, saved: bool = False, section: str = "",
              account_errors: dict | None = None, notice: str = "", status: int = 200):
    """The settings page; ``section`` names the account form that ``account_errors``
    belong to (several forms there share field names such as ``password``)."""
    return render_template("auth/settings.html", errors=page_errors(errors or {}), saved=saved,
                           section=section, account_errors=page_errors(account_errors or {}),
                           notice=notice or request.args.get("notice", "")), status




@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    errors: dict = {}
    saved = False
    if request.method == "POST":
        data, errors = load_form(schemas.MePatchSchema(), blank_to_none(request.form.to_dict()))
        if not errors:
            service.update_profile(current_user, data)
            db.session.commit()
            i18n.refresh()  # "Saved." and the page already in the language just chosen
            saved = True
    return _settings(errors, saved, status=422 if errors else 200)


def _account_form(section: str, schema, action, then=None):  # noqa: ANN001
    """Validate a settings account form, run ``action(data)``, and show the page
    again with the errors of that one form, or go back with a notice; ``then(data)``
    runs once the change is committed (the mail about it)."""
    data, errors = load_form(schema, request.form.to_dict())
    if not errors:
        try:
            action(data)
        except DomainError as err:
            errors = err.fields or {"_schema": [err.message]}
        else:
            db.session.commit()
            if then is not None:
                then(data)
            return redirect(url_for("auth_pages.settings", notice=section))
    return _settings(section=section, account_errors=errors, status=422)


@bp.post("/settings/password")
@login_required
@confirmed_limit
def change_password():
    user = current_user._get_current_object()

    def change(data: dict) -> None:
        service.change_password(user, data["current_password"], data["new_password"])
        keep_this_session(user)  # this browser goes on with the new session secret

    return _account_form("password", schemas.PasswordChangeSchema(), change,
                         lambda _data: notify_password_changed(user.email, user))


# Flashed messages of this category show with the account sections of Settings and
# on the sign-in page.
ACCOUNT_NEWS = "account"


@bp.post("/settings/email")
@login_required
@email_change_limit
@confirmed_limit
def change_email():
    """Mails the new address a link (or, if it is taken, a notice to it) and says the
    same either way; the email changes when the link is confirmed."""
    asked: dict = {}

    def ask(data: dict) -> None:
        asked["email"], asked["taken"] = service.request_email_change(
            current_user, data["password"], data["email"])

    def mail_it(_data: dict) -> None:
        send_email_change(current_user, asked["email"], asked["taken"])
        flash(i18n.translate(email_change_said(asked["email"])), ACCOUNT_NEWS)

    return _account_form("email", schemas.EmailChangeSchema(), ask, mail_it)


@bp.post("/settings/logout-everywhere")
@login_required
def logout_everywhere():
    service.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth_pages.login"))


@bp.post("/settings/delete")
@login_required
@confirmed_limit
def delete_account():
    data, errors = load_form(schemas.DeleteMeSchema(), request.form.to_dict())
    if not errors:
        try:
            service.delete_user(current_user, data["password"])
        except DomainError as err:
            errors = err.fields
        else:
            db.session.commit()
            erase_traces()
            logout_user()
            session.clear()
            return redirect(url_for("auth_pages.register"))
    return _settings(errors, status=422)


# --- forgotten password --------------------------------------------------------------


@bp.route("/reset-password", methods=["GET", "POST"])
@auth_limit
@reset_account_limit
def reset_request():
    """Always the same answer, whether or not the address has an account."""
    errors: dict = {}
    sent = False
    if request.method == "POST":
        data, errors = load_form(schemas.ResetRequestSchema(), request.form.to_dict())
        if not errors:
            user = service.find_user(data["email"])
            if user is not None and mail_configured():
                send_reset_link(user)
            sent = True
    return render_template("auth/reset_request.html", errors=page_errors(errors), sent=sent,
                           mail=mail_configured()), (422 if errors else 200)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@auth_limit
def reset_with_token(token: str):
    errors: dict = {}
    try:
        service.user_for_reset(token)
    except DomainError as err:
        return render_template("auth/reset_password.html", invalid=say(err.message),
                               errors={}), 400
    if request.method == "POST":
        data, errors = load_form(schemas.ResetPasswordSchema(), request.form.to_dict())
        if not errors:
            user = service.reset_password(token, data["new_password"])
            db.session.commit()
            notify_password_changed(user.email, user)
            session.clear()
            return redirect(url_for("auth_pages.login", reset=1))
    return render_template("auth/reset_password.html", invalid="", errors=page_errors(errors)), \
        (422 if errors else 200)


# --- confirming a new email address ----------------------------------------------------


def _confirm_page(status: int = 200, email: str = "", problem: DomainError | None = None):
    html = render_template("auth/confirm_email.html", email=email, problem=problem,
                           problem_said=say(problem.message) if problem else "")
    # The page carries a link's token in its address and a form: kept out of caches.
    return html, status, {"Cache-Control": "no-store"}


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
@auth_limit
def confirm_email(token: str):
    """GET only shows the address and a button (mail scanners open links); the POST
    makes the change, signed in or not, but not while another account is signed in."""
    signed_in = current_user if current_user.is_authenticated else None
    try:
        if request.method == "GET":
            _user, email = service.email_change_for(token, signed_in)
            return _confirm_page(email=email)
        user, old = service.confirm_email_change(token, signed_in)
    except DomainError as err:
        return _confirm_page(err.status, problem=err)
    db.session.commit()
    notify_email_changed(old, user.email, user)
    flash(_("Your email is now %(email)s.", email=user.email) if signed_in
          else _("Your email is now %(email)s. Sign in with it.", email=user.email),
          ACCOUNT_NEWS)
    return redirect(url_for("auth_pages.settings", _anchor="email") if signed_in
                    else url_for("auth_pages.login"))
