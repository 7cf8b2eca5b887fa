"""The account pages, their mails and the error pages in German (issue 23): the page
speaks the person's choice (Settings, ``User.locale``), else the browser's
Accept-Language; a mail speaks its recipient's language; form errors are German on
pages while the JSON API answers the same error in English."""
from __future__ import annotations

import re

import pytest

from tests.integration.test_password_reset import inbox  # noqa: F401 - the SMTP fixture
from tests.support import PASSWORD, Accounts
from tracker.auth.mail import outbox_drained
from tracker.domain.wording import N_
from tracker.forms import page_errors, range_rule, readable
from tracker.i18n import shipped, speaking

pytestmark = pytest.mark.skipif("de" not in shipped(), reason="no compiled German catalog")

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)"')


def html(response) -> str:
    return response.get_data(as_text=True)


def form_token(client, path: str, headers: dict | None = None) -> str:
    page = client.get(path, headers=headers or {})
    return CSRF_INPUT.search(html(page)).group(1)


# --- pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("path, words", [
    ("/login", ["Anmelden", "Passwort vergessen?", "Konto erstellen", "E-Mail"]),
    ("/register", ["Konto erstellen", "(mindestens 10 Zeichen)", "Zeitzone"]),
    ("/reset-password", ["Passwort vergessen?", "Zurück zur Anmeldung"]),
])
def test_signed_out_pages_follow_accept_language(client, path, words):
    page = html(client.get(path, headers=GERMAN))
    assert '<html lang="de"' in page
    for word in words:
        assert word in page, word
    assert "Forgot your password?" not in page and "Create an account" not in page
    # the meta description too, and the footer
    assert 'content="Melde dich' in page or 'content="Erstelle' in page or \
        'content="Backstretch-Passwort' in page
    assert "keine medizinische Beratung" in page


def test_english_without_a_preference(client):
    page = html(client.get("/login"))
    assert '<html lang="en"' in page and "Forgot your password?" in page


def test_the_person_choice_beats_the_browser(make_app):
    app = make_app()
    users = Accounts(app)
    german = users.signed_in(locale="de")
    page = html(german.get("/settings", headers={"Accept-Language": "en"}))
    assert '<html lang="de"' in page
    for word in ["Einstellungen", "Angemeldet als", "Passwort ändern", "Konto löschen",
                 "Überall abmelden", "App auf diesem Handy"]:
        assert word in page, word
    # the tab bar
    for tab in ["Heute", "Eintragen", "Verlauf", "Fortschritt", "Übungen"]:
        assert f'<span class="tab-label">{tab}</span>' in page, tab
    english = users.signed_in(locale="en")
    assert "Change password" in html(english.get("/settings", headers=GERMAN))


def test_settings_language_select_saves(make_app):
    app = make_app()
    users = Accounts(app)
    client = users.signed_in()
    page = html(client.get("/settings"))
    assert '<option value="de" lang="de"' in page and ">Deutsch</option>" in page
    response = client.post("/settings", data={"csrf_token": client.csrf_token,
                                               "locale": "de", "timezone": "Europe/Berlin"})
    assert response.status_code == 200
    saved = html(response)
    assert '<html lang="de"' in saved and "Gespeichert." in saved  # this answer already
    assert '<option value="de" lang="de" selected>' in saved
    assert client.get("/api/v1/me").get_json()["locale"] == "de"
    for path in ["/settings", "/sign-out"]:
        assert '<html lang="de"' in html(client.get(path)), path
    assert "Auf diesem Gerät von Backstretch abmelden?" in html(client.get("/sign-out"))
    # and back
    client.post("/settings", data={"csrf_token": client.csrf_token, "locale": "en",
                                   "timezone": "Europe/Berlin"})
    assert '<html lang="en"' in html(client.get("/settings"))


@pytest.mark.parametrize(("locale", "stored", "shown"), [
    ("de", "Europe/Vienna", '<option value="Europe/Vienna" selected>Wien</option>'),
    ("en", "Europe/Vienna", '<option value="Europe/Vienna" selected>Vienna</option>'),
    # a stored link (the zone database's other name for Kolkata) shows its place chosen
    ("de", "Asia/Calcutta",
     '<option value="Asia/Kolkata" data-aliases="Asia/Calcutta" selected>Kalkutta</option>'),
])
def test_the_time_zone_select_names_places_in_the_language(make_app, locale, stored, shown):
    app = make_app()
    client = Accounts(app).signed_in(timezone=stored, locale=locale)
    select = re.search(r'<select id="timezone".*?</select>', html(client.get("/settings")), re.S)[0]
    assert shown in select and select.count(" selected>") == 1
    # Saving the page as shown keeps the same zone (under its current name).
    kept = re.search(r'<option value="([^"]+)"[^>]* selected>', select).group(1)
    response = client.post("/settings", data={"csrf_token": client.csrf_token,
                                               "locale": locale, "timezone": kept})
    assert response.status_code == 200
    assert client.get("/api/v1/me").get_json()["timezone"] == kept


def test_german_form_error_on_the_page_english_in_the_api(client):
    token = form_token(client, "/register", GERMAN)
    page = client.post("/register", headers=GERMAN, data={
        "csrf_token": token, "email": "kurz@example.com", "password": "short",
        "timezone": "Mars/Base"})
    assert page.status_code == 422
    words = html(page)
    assert "Da stimmt etwas nicht" in words
    assert "Passwort: Nutze 10 bis 256 Zeichen." in words
    assert "Zeitzone: Keine bekannte IANA-Zeitzone, z. B. Europe/Berlin." in words
    assert "Use 10 to 256 characters" not in words

    client.fetch_csrf()
    api = client.post("/api/v1/auth/register", headers=GERMAN, json={
        "email": "kurz@example.com", "password": "short", "timezone": "Mars/Base"})
    assert api.status_code == 422
    body = api.get_json()
    assert body["fields"]["password"] == ["Use 10 to 256 characters."]
    assert body["fields"]["timezone"] == ["Not a known IANA time zone, e.g. Europe/Berlin."]


def test_wrong_password_in_german(client, users, user):
    token = form_token(client, "/login", GERMAN)
    page = client.post("/login", headers=GERMAN, data={
        "csrf_token": token, "email": user["email"], "password": "not the password"})
    assert page.status_code == 422
    assert "E-Mail oder Passwort ist falsch." in html(page)


def test_readable_says_labels_rules_and_stock_messages_in_the_page_language(app):
    from marshmallow import fields, validate

    field = fields.Integer(validate=validate.Range(min=1, max=50))
    with app.test_request_context("/"):
        rule = range_rule(field)
        assert rule == "enter 1 to 50."  # English as it always was
        assert range_rule(field, " seconds") == "enter 1 to 50 seconds."
        errors = {"timezone": ["Not a valid string."], "count": ["Not a valid integer."],
                  "misc_text": ["Longer than maximum length 2000."], "_schema": ["Not found."]}
        labels = {"timezone": N_("Time zone"), "count": ("Count", rule)}
        english = readable(errors, labels)
        assert english == {"timezone": "Time zone: enter text.", "count": "Count: enter 1 to 50.",
                           "misc_text": "Misc text: longer than maximum length 2000.",
                           "_schema": "Not found."}
        with speaking("de"):
            german = readable(errors, labels)
            assert german["timezone"] == "Zeitzone: Gib Text ein."
            assert german["count"] == "Count: Gib 1 bis 50 ein."
            assert german["misc_text"] == "Misc text: Höchstens 2000 Zeichen."
            assert german["_schema"] == "Nicht gefunden."
            assert page_errors({"email": ["Missing data for required field."]}) == \
                {"email": ["Diese Angabe fehlt."]}


# --- error pages -------------------------------------------------------------------------


def test_error_pages_in_german_json_errors_in_english(client):
    page = client.get("/no-such-page", headers=GERMAN)
    assert page.status_code == 404
    words = html(page)
    assert "Nicht gefunden" in words and "Zurück zu Heute" in words
    api = client.get("/api/v1/no-such-thing", headers=GERMAN)
    assert api.status_code == 404 and api.is_json
    assert api.get_json()["message"] != "" and "Nicht" not in api.get_json()["message"]


def test_csrf_failure_page_in_german(client):
    page = client.post("/login", headers=GERMAN, data={"email": "a@example.com",
                                                       "password": "x"})
    assert page.status_code in (400, 403)
    assert page.status_code == 400
    assert "Das hat nicht geklappt" in html(page)
    assert "(CSRF-Token)" in html(page) and "CSRF token" not in html(page)


def test_offline_page_and_manifest_follow_the_language(client):
    offline = html(client.get("/offline", headers=GERMAN))
    assert "Du bist offline" in offline and '<html lang="de"' in offline
    manifest = client.get("/manifest.webmanifest", headers=GERMAN)
    assert manifest.get_json()["lang"] == "de"
    assert "Einheit eintragen" in [s["name"] for s in manifest.get_json()["shortcuts"]]
    assert "Accept-Language" in manifest.headers.get("Vary", "")
    assert client.get("/manifest.webmanifest").get_json()["lang"] == "en"


# --- mails --------------------------------------------------------------------------------


@pytest.fixture
def mail_app(make_app, inbox):  # noqa: F811
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port, MAIL_USE_TLS=False,
                    MAIL_DEFAULT_SENDER="Backstretch <no-reply@example.com>",
                    RATELIMIT_ENABLED=False)


def ask_for_link(client, address: str, headers: dict | None = None):
    token = form_token(client, "/reset-password", headers)
    response = client.post("/reset-password", headers=headers or {},
                           data={"email": address, "csrf_token": token})
    assert outbox_drained(10, client.application)
    return response


def test_reset_mail_in_the_person_language(mail_app, inbox):
    users = Accounts(mail_app)
    german = users.create(locale="de")
    # asked from an English browser: the mail still speaks the person's choice
    page = ask_for_link(mail_app.test_client(), german["email"], {"Accept-Language": "en"})
    assert "a link to choose a new password is on its way" in html(page)
    [(title, body)] = inbox.to(german["email"])
    assert title == "Backstretch-Passwort zurücksetzen"
    assert "Hallo," in body and "Öffne diesen Link innerhalb von 60 Minuten" in body
    assert "/reset-password/" in body


def test_reset_mail_follows_the_browser_without_a_choice(mail_app, inbox):
    users = Accounts(mail_app)
    person = users.create()
    page = ask_for_link(mail_app.test_client(), person["email"], GERMAN)
    assert "ist ein Link für ein neues Passwort unterwegs" in html(page)
    [(title, body)] = inbox.to(person["email"])
    assert title == "Backstretch-Passwort zurücksetzen" and "Hallo," in body

    english = users.create(locale="en")
    ask_for_link(mail_app.test_client(), english["email"], GERMAN)
    [(title, body)] = inbox.to(english["email"])
    assert title == "Reset your Backstretch password" and "Hello," in body


def test_email_change_mails_speak_each_recipient_language(mail_app, inbox):
    users = Accounts(mail_app)
    asker = users.login(mail_app.test_client(), users.create(locale="de"))
    owner = users.create(locale="en")  # has the address the German asker wants
    response = asker.post("/settings/email", follow_redirects=True, data={
        "csrf_token": asker.csrf_token, "password": PASSWORD, "email": owner["email"]})
    assert outbox_drained(10, mail_app)
    assert "Wir haben einen Link an" in html(response)  # the flash, in German
    [(title, body)] = inbox.to(owner["email"])
    assert title == "Someone tried to use this address for Backstretch"  # the owner's
    assert "already have an account" in body

    asker.post("/settings/email", data={"csrf_token": asker.csrf_token,
                                        "password": PASSWORD, "email": "neu@example.com"})
    assert outbox_drained(10, mail_app)
    [(title, body)] = inbox.to("neu@example.com")
    assert title == "Bestätige deine neue E-Mail-Adresse für Backstretch"
    assert "Diese Adresse nutzen" in body


def test_password_changed_mail_in_german(mail_app, inbox):
    users = Accounts(mail_app)
    person = users.create(locale="de")
    client = users.login(mail_app.test_client(), person)
    client.post("/settings/password", data={"csrf_token": client.csrf_token,
                                            "current_password": PASSWORD,
                                            "new_password": "a brand new passphrase"})
    assert outbox_drained(10, mail_app)
    [(title, body)] = inbox.to(person["email"])
    assert title == "Dein Backstretch-Passwort wurde geändert"
    assert "Wenn du das warst, ist nichts weiter zu tun." in body

