"""Cookie sessions that really end (issue 6, points 1 and 2): a cookie names its user
by a random per-user secret, never by the bare id; ids of people's rows are never
reused; sign-out, "sign out everywhere" and a password change end sessions on the
server, so a replayed cookie is a 401."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from tests.support import PASSWORD
from tracker.auth.models import ApiToken, User
from tracker.extensions import db

NEW_PASSWORD = "a brand new passphrase"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """A brand-new client presenting an old session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/api/v1/me")


def login(client, email: str, password: str = PASSWORD):
    client.fetch_csrf()
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    client.fetch_csrf()
    return response


# --- point 1: a cookie can never speak for someone else ----------------------------


def test_deleted_users_cookie_does_not_open_the_next_account(app, client, users, user):
    signed_in = users.login(client, user)
    old_cookie = cookie_of(signed_in)
    assert signed_in.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204

    newcomer = users.create()
    assert newcomer["id"] != user["id"]
    assert replay(app, old_cookie).status_code == 401


@pytest.mark.parametrize("table", ["user", "api_token", "stretch", "stretch_session",
                                   "session_entry", "checkin", "deleted_record"])
def test_sqlite_tables_of_personal_data_use_autoincrement(app, table):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL sequences never hand out an id twice")
        sql = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = :t"),
                                {"t": table})
    assert "AUTOINCREMENT" in sql.upper()


def test_ids_are_never_reused(app, users):
    first = users.create()
    with app.app_context():
        db.session.execute(text('DELETE FROM "user" WHERE id = :id'), {"id": first["id"]})
        db.session.commit()
    assert users.create()["id"] > first["id"]


def test_cookie_carries_a_random_secret_not_the_id(app, users):
    one, two = users.create(), users.create()
    assert one["login_id"] != two["login_id"]
    assert str(one["id"]) not in one["login_id"].split(":")
    assert len(one["login_id"]) >= 40


@pytest.mark.parametrize("forged", ["1", "1:1", "", "x" * 65, "' OR 1=1 --"])
def test_forged_session_ids_are_nobody(app, client, users, forged):
    users.create()
    with client.session_transaction() as sess:
        sess["_user_id"] = forged
    assert client.get("/api/v1/me").status_code == 401


# --- point 2: sign-out ends the session on the server --------------------------------


def test_logout_then_replay_is_401(app, auth):
    cookie = cookie_of(auth)
    assert auth.post("/api/v1/auth/logout").status_code == 204
    assert replay(app, cookie).status_code == 401


def test_logout_page_then_replay_is_401(app, auth):
    cookie = cookie_of(auth)
    assert auth.post("/logout", data={"csrf_token": auth.csrf_token}).status_code == 302
    assert replay(app, cookie).status_code == 401


def test_logout_everywhere_ends_every_browser(app, users, user):
    phone = users.login(app.test_client(), user)
    laptop = app.test_client()
    assert login(laptop, user["email"]).status_code == 200
    assert laptop.get("/api/v1/me").status_code == 200
    phone_cookie = cookie_of(phone)

    assert laptop.post("/api/v1/auth/logout-everywhere").status_code == 204
    assert laptop.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 401
    assert replay(app, phone_cookie).status_code == 401


def test_logout_everywhere_keeps_api_tokens(app, auth, users, user):
    token = users.token(user)
    assert auth.post("/api/v1/auth/logout-everywhere").status_code == 204
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_logout_everywhere_with_a_token_ends_cookie_sessions(app, auth, users, user):
    token = users.token(user)
    response = app.test_client().post("/api/v1/auth/logout-everywhere", headers=bearer(token))
    assert response.status_code == 204
    assert auth.get("/api/v1/me").status_code == 401
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_logout_everywhere_needs_sign_in_and_csrf(app, auth):
    stranger = app.test_client()
    stranger.fetch_csrf()
    assert stranger.post("/api/v1/auth/logout-everywhere").status_code == 401
    auth.csrf_token = None
    assert auth.post("/api/v1/auth/logout-everywhere").status_code == 400
    assert auth.get("/api/v1/me").status_code == 200


def test_settings_sign_out_everywhere(app, users, user):
    phone = users.login(app.test_client(), user)
    page = users.login(app.test_client(), user)
    response = page.post("/settings/logout-everywhere", data={"csrf_token": page.csrf_token})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert phone.get("/api/v1/me").status_code == 401
    assert page.get("/api/v1/me").status_code == 401


# --- point 2: a password change ends every other session ----------------------------


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, **kw):
    return client.post("/api/v1/me/password",
                       json={"current_password": current, "new_password": new}, **kw)


def tokens_left(app, user) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(ApiToken.name).where(ApiToken.user_id == user["id"])))


def test_password_change_from_a_browser(app, users, user):
    here = users.login(app.test_client(), user)
    elsewhere = users.login(app.test_client(), user)
    old_cookie = cookie_of(here)
    users.token(user, "phone app")

    assert change_password(here).status_code == 204
    assert here.get("/api/v1/me").status_code == 200            # this session goes on
    assert here.patch("/api/v1/me", json={"timezone": "UTC"}).status_code == 200  # CSRF too
    assert elsewhere.get("/api/v1/me").status_code == 401        # every other one ends
    assert replay(app, old_cookie).status_code == 401            # and the old cookie
    assert tokens_left(app, user) == set()                       # every API token ends
    assert login(app.test_client(), user["email"], NEW_PASSWORD).status_code == 200
    assert login(app.test_client(), user["email"], PASSWORD).status_code == 401


def test_password_change_with_a_token_keeps_only_that_token(app, users, user):
    browser = users.login(app.test_client(), user)
    used = users.token(user, "used")
    other = users.token(user, "other")
    api = app.test_client()

    assert change_password(api, headers=bearer(used)).status_code == 204
    assert tokens_left(app, user) == {"used"}
    assert api.get("/api/v1/me", headers=bearer(used)).status_code == 200
    assert api.get("/api/v1/me", headers=bearer(other)).status_code == 401
    assert browser.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(("body", "field"), [
    ({"current_password": "wrong password!", "new_password": NEW_PASSWORD}, "current_password"),
    ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
    ({"current_password": PASSWORD, "new_password": "x" * 257}, "new_password"),
    ({"current_password": PASSWORD}, "new_password"),
    ({"new_password": NEW_PASSWORD}, "current_password"),
    ({"current_password": "x" * 257, "new_password": NEW_PASSWORD}, "current_password"),
    ({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "extra": 1}, "extra"),
])
def test_password_change_refuses_bad_input(app, auth, body, field):
    response = auth.post("/api/v1/me/password", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]
    assert auth.get("/api/v1/me").status_code == 200
    with app.app_context():
        user = db.session.get(User, auth.user["id"])
        assert user.session_token == auth.user["login_id"]   # nothing ended


def test_password_change_needs_sign_in(client):
    client.fetch_csrf()
    assert change_password(client).status_code == 401


def test_settings_password_form(app, users, user):
    page = users.login(app.test_client(), user)
    elsewhere = users.login(app.test_client(), user)
    response = page.post("/settings/password", data={
        "csrf_token": page.csrf_token, "current_password": PASSWORD,
        "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    shown = page.get(response.location)
    assert "Password changed" in shown.get_data(as_text=True)
    assert elsewhere.get("/api/v1/me").status_code == 401


def test_settings_password_form_wrong_password_is_shown_by_its_field(auth):
    response = auth.post("/settings/password", data={
        "csrf_token": auth.csrf_token, "current_password": "not my password",
        "new_password": NEW_PASSWORD})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="current_password-error"' in html and "Password is wrong." in html
    assert auth.get("/api/v1/me").status_code == 200
