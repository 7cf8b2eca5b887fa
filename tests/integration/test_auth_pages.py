"""Account pages: sign in, create an account, sign out, settings and deleting the
account, as a browser without JavaScript uses them (form posts carrying the hidden
csrf_token field, redirects, and 422 re-renders that show what is wrong)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tracker.auth.models import User
from tracker.extensions import db

PASSWORD = "a sound passphrase"
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)"')


def form_token(client, path: str) -> str:
    """The csrf_token hidden input of the form on ``path``."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    assert match, f"no csrf_token input on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict, token_from: str | None = None):
    return client.post(path, data={**data, "csrf_token": form_token(client, token_from or path)})


def signed_in_email(client) -> str | None:
    response = client.get("/api/v1/me")
    return response.get_json()["email"] if response.status_code == 200 else None


# --- pages render ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/register"])
def test_page_renders_with_csrf_field(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert CSRF_INPUT.search(response.get_data(as_text=True))
    assert 'method="post"' in response.get_data(as_text=True)


def test_login_page_keeps_next_in_the_form(client):
    page = client.get("/login?next=/history").get_data(as_text=True)
    assert 'name="next" value="/history"' in page


# --- register --------------------------------------------------------------------------


def test_register_form_creates_account_signs_in_and_redirects_to_safety(client, app):
    response = post_form(client, "/register", {
        "email": "Form.User@Example.com", "password": PASSWORD, "timezone": "Europe/Berlin"})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/safety" and parse_qs(location.query) == {"first": ["1"]}
    assert signed_in_email(client) == "form.user@example.com"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "form.user@example.com"))
        assert user.timezone == "Europe/Berlin"


def test_register_form_blank_timezone_means_utc(client):
    response = post_form(client, "/register", {
        "email": "blank.tz@example.com", "password": PASSWORD, "timezone": ""})
    assert response.status_code == 302
    assert client.get("/api/v1/me").get_json()["timezone"] == "UTC"


@pytest.mark.parametrize("data, message", [
    ({"email": "not-an-email", "password": PASSWORD}, "Not a valid email address."),
    ({"email": "", "password": PASSWORD}, "Missing data for required field."),
    ({"email": "short@example.com", "password": "short"}, "Use 10 to 256 characters."),
    ({"email": "long@example.com", "password": "x" * 257}, "Use 10 to 256 characters."),
    ({"email": "tz@example.com", "password": PASSWORD, "timezone": "Mars/Olympus"},
     "Not a known IANA time zone"),
    ({"email": "extra@example.com", "password": PASSWORD, "admin": "1"}, "Unknown field."),
])
def test_register_form_bad_input_rerenders_with_422(client, data, message):
    response = post_form(client, "/register", data)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert message in page
    assert CSRF_INPUT.search(page)  # the form is there to try again
    assert signed_in_email(client) is None


def test_register_form_keeps_the_typed_email_but_not_the_password(client):
    response = post_form(client, "/register", {"email": "keep@example.com", "password": "short"})
    page = response.get_data(as_text=True)
    assert 'value="keep@example.com"' in page
    assert 'value="short"' not in page


def test_register_form_duplicate_email_is_422(client, users):
    users.create(email="taken@example.com")
    response = post_form(client, "/register", {"email": "TAKEN@example.com", "password": PASSWORD})
    assert response.status_code == 422
    assert "Already registered." in response.get_data(as_text=True)


def test_register_form_escapes_what_was_typed(client):
    response = post_form(client, "/register", {"email": '"><script>alert(1)</script>',
                                               "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in page


# --- login -----------------------------------------------------------------------------


def test_login_form_signs_in_and_redirects_home(client, user):
    response = post_form(client, "/login", {"email": user["email"], "password": user["password"]})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_email(client) == user["email"]


@pytest.mark.parametrize("email_of", [lambda u: u["email"], lambda u: "nobody@example.com"],
                         ids=["wrong-password", "unknown-email"])
def test_login_form_failure_rerenders_with_422_and_message(client, user, email_of):
    response = post_form(client, "/login", {"email": email_of(user), "password": "wrong password"})
    assert response.status_code == 422
    assert "Email or password is wrong." in response.get_data(as_text=True)
    assert signed_in_email(client) is None


@pytest.mark.parametrize("data", [{"email": "", "password": ""}, {},
                                  {"email": "someone@example.com"}])
def test_login_form_blank_or_missing_fields_are_422(client, data):
    response = post_form(client, "/login", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Missing data for required field." in page or "Email or password is wrong." in page
    assert signed_in_email(client) is None


@pytest.mark.parametrize("next_, expected", [
    ("/settings", "/settings"),
    ("/history?from=2027-01-01", "/history?from=2027-01-01"),
    ("", "/"),
    ("//evil.example", "/"),
    ("///evil.example", "/"),
    ("https://evil.example", "/"),
    ("https://evil.example/settings", "/"),
    ("http:/evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("/\t/evil.example", "/"),
    ("\\\\evil.example", "/"),
    ("evil.example", "/"),
])
def test_login_next_stays_on_site(client, user, next_, expected):
    response = post_form(client, "/login", {"email": user["email"], "password": user["password"],
                                            "next": next_})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


@pytest.mark.parametrize("next_", ["/\\evil.example", "/\\/evil.example", "/%2F/evil.example"])
def test_login_next_with_backslashes_cannot_leave_the_site(client, user, next_):
    """Browsers read a backslash as a slash, so "/\\evil.example" would mean
    "//evil.example"; whatever comes back must stay a path on this site."""
    response = post_form(client, "/login", {"email": user["email"], "password": user["password"],
                                            "next": next_})
    location = response.headers["Location"]
    normalised = location.replace("\\", "/")
    assert normalised.startswith("/") and not normalised.startswith("//")
    assert not urlsplit(normalised).netloc


@pytest.mark.parametrize("path", ["/settings", "/", "/history"])
def test_pages_need_sign_in_and_come_back_after(client, user, path):
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [path]
    login = client.post(response.headers["Location"], data={
        "email": user["email"], "password": user["password"],
        "csrf_token": form_token(client, "/login"), "next": path})
    assert login.headers["Location"] == path
    assert client.get(path).status_code == 200


# --- logout ----------------------------------------------------------------------------


def test_logout_form_signs_out(auth):
    response = post_form(auth, "/logout", {}, token_from="/settings")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert auth.get("/settings").status_code == 302
    auth.fetch_csrf()
    assert auth.get("/api/v1/me").status_code == 401


def test_settings_leads_to_sign_out_which_asks_first(auth, user):
    settings = auth.get("/settings").get_data(as_text=True)
    assert re.search(r'<a class="button secondary" href="/sign-out">Sign out</a>', settings)
    page = auth.get("/sign-out")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1" in html and "Sign out of Backstretch on this device?</h1>" in html
    assert user["email"] in html
    sign_out_form = re.search(r'<form method="post" action="/logout"[^>]*>(.*?)</form>', html, re.S)
    assert sign_out_form and "data-sign-out" in sign_out_form.group(0)  # pwa.js clears the offline pages
    assert CSRF_INPUT.search(sign_out_form.group(1))
    assert re.search(r'<button class="primary" type="submit">Sign out</button>', sign_out_form.group(1))
    assert '<a class="button secondary" href="/settings">Cancel</a>' in sign_out_form.group(1)
    assert auth.get("/api/v1/me").status_code == 200  # asking signs nobody out


def test_the_confirmation_form_signs_out(auth):
    response = post_form(auth, "/logout", {}, token_from="/sign-out")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert auth.get("/settings").status_code == 302


def test_sign_out_when_signed_out_goes_to_sign_in(client):
    response = client.get("/sign-out")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


@pytest.mark.parametrize("path", ["/", "/settings", "/history"])
def test_no_page_signs_out_in_one_tap(auth, path):
    html = auth.get(path).get_data(as_text=True)
    assert 'action="/logout"' not in html


def test_logout_is_post_only(auth):
    assert auth.get("/logout").status_code == 405
    assert auth.get("/settings").status_code == 200  # still signed in


def test_logout_form_without_csrf_is_refused(auth):
    auth.csrf_token = None  # a plain cross-site form post: no header, no field
    response = auth.post("/logout")
    assert response.status_code == 400
    assert auth.get("/settings").status_code == 200


# --- settings --------------------------------------------------------------------------


def test_settings_page_shows_the_account(auth, user):
    page = auth.get("/settings")
    assert page.status_code == 200
    assert user["email"] in page.get_data(as_text=True)


def test_settings_form_changes_timezone(auth):
    response = post_form(auth, "/settings", {"timezone": "Asia/Tokyo"})
    assert response.status_code == 200
    assert "Saved." in response.get_data(as_text=True)
    assert auth.get("/api/v1/me").get_json()["timezone"] == "Asia/Tokyo"


@pytest.mark.parametrize("timezone", ["Mars/Olympus", "utc", "x" * 65])
def test_settings_form_bad_timezone_is_422(auth, user, timezone):
    response = post_form(auth, "/settings", {"timezone": timezone})
    assert response.status_code == 422
    assert "Not a known IANA time zone" in response.get_data(as_text=True) or \
        "Longer than maximum length" in response.get_data(as_text=True)
    assert auth.get("/api/v1/me").get_json()["timezone"] == user["timezone"]


def test_delete_account_form(auth, app, user):
    response = post_form(auth, "/settings/delete", {"password": user["password"]},
                         token_from="/settings")
    assert response.status_code == 302
    assert response.headers["Location"] == "/register"
    with app.app_context():
        assert db.session.get(User, user["id"]) is None
    assert auth.get("/settings").status_code == 302


@pytest.mark.parametrize("password", ["not the password", ""])
def test_delete_account_form_wrong_password_keeps_everything(auth, app, user, password):
    response = post_form(auth, "/settings/delete", {"password": password}, token_from="/settings")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Password is wrong." in page or "Missing data for required field." in page
    with app.app_context():
        assert db.session.get(User, user["id"]) is not None
    assert auth.get("/settings").status_code == 200


def test_delete_account_form_without_csrf_is_refused(auth, app, user):
    auth.csrf_token = None
    response = auth.post("/settings/delete", data={"password": user["password"]})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, user["id"]) is not None
