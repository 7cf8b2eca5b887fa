"""Account pages: sign in, create an account, sign out, settings."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from tracker.auth import schemas, service
from tracker.auth.api import auth_limit, start_session
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.forms import blank_to_none, load_form

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
    return render_template("auth/login.html", errors=errors, form=request.form), \
        (422 if errors else 200)


@bp.route("/register", methods=["GET", "POST"])
@auth_limit
def register():
    errors: dict = {}
    if request.method == "POST":
        data, errors = load_form(schemas.RegisterSchema(), blank_to_none(request.form.to_dict()))
        if not errors:
            try:
                user = service.register(data["email"], data["password"], data["timezone"])
            except DomainError as err:
                errors = err.fields or {"_schema": [err.message]}
            else:
                db.session.commit()
                start_session(user)
                return redirect(url_for("logbook_pages.safety_check", first=1))
    return render_template("auth/register.html", errors=errors, form=request.form), \
        (422 if errors else 200)


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("auth_pages.login"))


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
            saved = True
    return render_template("auth/settings.html", errors=errors, saved=saved), \
        (422 if errors else 200)


@bp.post("/settings/delete")
@login_required
def delete_account():
    data, errors = load_form(schemas.DeleteMeSchema(), request.form.to_dict())
    if not errors:
        try:
            service.delete_user(current_user, data["password"])
        except DomainError as err:
            errors = err.fields
        else:
            db.session.commit()
            logout_user()
            session.clear()
            return redirect(url_for("auth_pages.register"))
    return render_template("auth/settings.html", errors=errors, saved=False), 422
