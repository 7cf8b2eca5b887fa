"""The Reminders page (/reminders) and /sw.js: forms validated by the API's schemas,
errors by label, per-user isolation, links from Settings and Today, no inline code."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.integration.test_security import INLINE
from tracker.extensions import db
from tracker.reminders.models import Reminder


def form(**fields) -> MultiDict:
    data = MultiDict({"time": "07:30", "timezone": "Europe/Berlin", "message": "",
                      "skip_if_logged": "on", "enabled": "on"})
    data.setlist("weekdays", ["0", "2", "4"])
    for key, value in fields.items():
        if isinstance(value, list):
            data.setlist(key, value)
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def reminders_of(client) -> list[Reminder]:  # noqa: ANN001
    with client.application.app_context():
        rows = db.session.scalars(select(Reminder).where(Reminder.user_id == client.user["id"])).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def test_page_shows_panel_and_instructions(member):
    page = member.get("/reminders").get_data(as_text=True)
    assert "Enable notifications" in page and "Send a test" in page
    assert "Add to Home Screen" in page and "16.4" in page
    assert "cannot receive push notifications" in page
    for pattern, what in INLINE:
        assert pattern.search(page) is None, what


@pytest.mark.parametrize("path", ["/settings", "/"])
def test_reached_from_settings_and_today(member, path):
    assert 'href="/reminders"' in member.get(path).get_data(as_text=True)


def test_signed_out_goes_to_login(shared_app):
    response = shared_app.test_client().get("/reminders")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_add_edit_remove(member):
    response = member.post("/reminders", data=form(message="Strap by the bed"))
    assert response.status_code == 302 and "saved=added" in response.headers["Location"]
    (reminder,) = reminders_of(member)
    assert (reminder.time, reminder.weekdays, reminder.message) == ("07:30", [0, 2, 4], "Strap by the bed")
    assert reminder.skip_if_logged and reminder.enabled and reminder.next_fire_at is not None
    page = member.get("/reminders?saved=added").get_data(as_text=True)
    assert "Reminder added." in page and "Mon, Wed, Fri" in page

    edited = member.post(f"/reminders/{reminder.id}", data=form(time="21:15", enabled=None,
                                                                 skip_if_logged=None))
    assert edited.status_code == 302
    (reminder,) = reminders_of(member)
    assert (reminder.time, reminder.enabled, reminder.skip_if_logged) == ("21:15", False, False)
    assert reminder.next_fire_at is None

    assert member.post(f"/reminders/{reminder.id}/delete").status_code == 302
    assert reminders_of(member) == []


@pytest.mark.parametrize("fields, label", [
    ({"time": "25:00"}, "Time"), ({"time": None}, "Time"), ({"weekdays": []}, "Days"),
    ({"weekdays": ["9"]}, "Days"), ({"timezone": "Mars/Base"}, "Time zone"),
    ({"message": "x" * 201}, "Message"),
])
def test_bad_form_is_422_with_the_label(member, fields, label):
    response = member.post("/reminders", data=form(**fields))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"<b>{label}</b>" in page and 'class="field-error"' in page
    assert reminders_of(member) == []


def test_bad_edit_keeps_the_reminder(member):
    member.post("/reminders", data=form())
    (reminder,) = reminders_of(member)
    response = member.post(f"/reminders/{reminder.id}", data=form(time="7"))
    assert response.status_code == 422
    assert reminders_of(member)[0].time == "07:30"


@pytest.mark.parametrize("suffix", ["", "/delete"])
def test_another_users_reminder_is_404(member, other, suffix):
    member.post("/reminders", data=form())
    (reminder,) = reminders_of(member)
    assert other.post(f"/reminders/{reminder.id}{suffix}", data=form(time="09:00")).status_code == 404
    assert reminders_of(member)[0].time == "07:30"


def test_form_without_csrf_is_refused(member):
    member.csrf_token = None
    assert member.post("/reminders", data=form()).status_code == 400
    assert reminders_of(member) == []


def test_service_worker_imports_the_push_handlers_by_their_hashed_url(client):
    """One worker (tracker/pwa) for the offline shell and push: it imports
    static/sw-push.js under its fingerprinted name, so a change there updates it."""
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache, max-age=0"
    source = response.get_data(as_text=True)
    push = re.search(r'"push": "(/static/sw-push\.[0-9a-f]{8}\.js)"', source)
    assert push and "if (CONFIG.push) importScripts(CONFIG.push);" in source
    handlers = client.get(push.group(1))
    assert handlers.status_code == 200
    assert "self.backstretchPush = " in handlers.get_data(as_text=True)
    assert 'addEventListener("push"' in handlers.get_data(as_text=True)
