"""API errors in the person's language (tracker/errors.py ``localized``): the JSON API
keeps its English ``message`` and ``fields`` for the clients that match on them; a
request that speaks another language (the person's choice, else Accept-Language) also
gets them said in it under ``localized``, which the app's own scripts show (the
offline queue's refusals, the reminders page)."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.support import Accounts
from tracker.i18n import shipped

pytestmark = pytest.mark.skipif("de" not in shipped(), reason="no compiled German catalog")

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def session(**changes) -> dict:
    body = {"client_id": str(uuid.uuid4()),
            "performed_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "entries": [{"stretch": "slr-strap", "side": "left"}]}
    return {**body, **changes}


@pytest.fixture
def accounts(app):
    return Accounts(app)


@pytest.mark.parametrize(("method", "path", "body", "english", "german"), [
    # the server's own rule, on a field
    ("post", "/api/v1/sessions", session(entries=[{"stretch": "gone-stretch", "side": "left"}]),
     ("Some entries are not valid.", {"entries.0.stretch": ["Unknown stretch."]}),
     ("Einige Einträge sind ungültig.", {"entries.0.stretch": ["Unbekannte Übung."]})),
    # a refusal with no field
    ("post", "/api/v1/push/test", {},
     ("No device is subscribed yet: enable notifications first.", {}),
     ("Noch kein Gerät angemeldet: Schalte zuerst Mitteilungen ein.", {})),
    ("get", f"/api/v1/sessions/{10**9}", None, ("No such session.", {}),
     ("Diese Einheit gibt es nicht.", {})),
])
def test_a_german_person_gets_the_english_error_and_it_said_in_german(
        accounts, method, path, body, english, german):
    client = accounts.signed_in(locale="de")
    answer = getattr(client, method)(path, json=body)
    said = answer.get_json()
    assert (said["message"], said["fields"]) == english  # what clients match on
    assert said["localized"] == {"lang": "de", "message": german[0], "fields": german[1]}
    assert "Accept-Language" in answer.headers["Vary"]


def test_the_schemas_refusal_is_localized_as_far_as_the_catalog_goes(accounts):
    client = accounts.signed_in()  # no choice: the browser's language
    said = client.post("/api/v1/sessions", json=session(client_id="x", notes="n" * 2001),
                       headers=GERMAN).get_json()
    assert said["message"] == "Some fields are not valid: client_id, notes"
    assert said["localized"]["message"] == "Einige Felder sind nicht gültig."
    assert said["localized"]["fields"] == {
        "client_id": ["Muss eine auf dem Gerät erzeugte UUID sein."],
        # marshmallow writes its limit into the sentence, which then has no catalog
        # entry: it stays English (the scripts check these limits before sending)
        "notes": ["Longer than maximum length 2000."]}


@pytest.mark.parametrize("headers", [{}, {"Accept-Language": "en-GB"}, {"Accept-Language": "fr"}])
def test_an_english_request_gets_no_localized_part(accounts, headers):
    client = accounts.signed_in()
    answer = client.post("/api/v1/push/test", json={}, headers=headers)
    assert answer.status_code == 409
    assert "localized" not in answer.get_json()
    assert "Accept-Language" in answer.headers["Vary"]


def test_the_person_choice_beats_the_browser(accounts):
    client = accounts.signed_in(locale="en")
    assert "localized" not in client.post("/api/v1/push/test", json={}, headers=GERMAN).get_json()


def test_a_signed_out_request_follows_the_browser(client):
    said = client.get("/api/v1/sessions", headers=GERMAN).get_json()
    assert said["message"] == "Sign in to continue."
    assert said["localized"]["message"] == "Melde dich an, um weiterzumachen."
