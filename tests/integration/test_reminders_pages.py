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
    data.setlist("channels", ["push"])
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
    assert "Turn on notifications" in page and "Send a test" in page
    # Only a browser without JavaScript shows that it is needed.
    assert re.search(r"<noscript>[^<]*<p[^>]*>Turning on notifications needs JavaScript", page)
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


# --- the page a declarative notification's "Snooze 30 min" opens ---------------------------------


def _token(client, reminder: Reminder) -> str:  # noqa: ANN001
    from tracker.reminders import service

    with client.application.app_context():
        return service.snooze_token(reminder.user_id, reminder.id)


def test_a_snooze_link_asks_first_then_snoozes_without_signing_in(member, shared_app):
    member.post("/reminders", data=form())
    (reminder,) = reminders_of(member)
    stranger = shared_app.test_client(use_cookies=True)  # Safari opening the link, no session
    page = stranger.get(f"/reminders/snooze/{_token(member, reminder)}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Remind me later?" in text and "Snooze 30 min" in text
    assert reminders_of(member)[0].snoozed_until is None  # a GET changes nothing
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)
    done = stranger.post(f"/reminders/snooze/{_token(member, reminder)}", data={"csrf_token": csrf})
    assert done.status_code == 200 and "Snoozed" in done.get_data(as_text=True)
    assert reminders_of(member)[0].snoozed_until is not None
    for pattern, what in INLINE:
        assert pattern.search(text) is None, what


@pytest.mark.parametrize("token", ["not-a-token", "WzEsMV0.axVgLg.kwqRD3vfReu-7hztjlC-3Y0Cv_o"])
def test_a_bad_snooze_link_says_it_no_longer_works(member, token):
    response = member.post(f"/reminders/snooze/{token}", data={})
    assert response.status_code == 404
    assert "no longer works" in response.get_data(as_text=True)


def test_a_snooze_link_needs_the_csrf_token(member, shared_app):
    member.post("/reminders", data=form())
    (reminder,) = reminders_of(member)
    stranger = shared_app.test_client()
    assert stranger.post(f"/reminders/snooze/{_token(member, reminder)}").status_code == 400
    assert reminders_of(member)[0].snoozed_until is None


def test_today_says_when_a_reminder_cannot_reach_the_person(member):
    assert 'id="unreachable"' not in member.get("/").get_data(as_text=True)  # no reminder
    member.post("/reminders", data=form(time="07:30"))
    member.post("/reminders", data=form(time="18:00"))
    page = member.get("/").get_data(as_text=True)
    assert "Your 07:30, 18:00 reminders can't reach you: no phone has notifications on." in page
    assert 'href="/reminders#notifications"' in page
    from tests.push_receiver import Device

    sub = Device().subscription("https://fcm.googleapis.com/fcm/send/today-" + str(member.user["id"]))
    assert member.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    assert 'id="unreachable"' not in member.get("/").get_data(as_text=True)
    assert 'id="unreachable"' not in member.get("/reminders").get_data(as_text=True)


def test_a_switched_off_reminder_is_no_warning(member):
    member.post("/reminders", data=form(enabled=None))
    assert 'id="unreachable"' not in member.get("/").get_data(as_text=True)
    assert 'id="unreachable"' not in member.get("/reminders").get_data(as_text=True)


def test_next_says_after_your_flare_up(member):
    member.post("/reminders", data=form(time="07:30", weekdays=[str(d) for d in range(7)]))
    assert member.post("/api/v1/flare-ups", json={"days": 3}).status_code == 201
    page = member.get("/reminders").get_data(as_text=True)
    assert re.search(r"Next: \w{3}( \d+ \w{3})? 07:30, after your flare-up", page), page


# --- quiet hours on the Reminders page ----------------------------------------------------------


def test_quiet_hours_from_the_page(member):
    member.post("/reminders", data=form(time="06:30", weekdays=[str(d) for d in range(7)]))
    response = member.post("/reminders/quiet", data={"start": "22:00", "end": "07:00"})
    assert response.status_code == 302 and response.headers["Location"].endswith("saved=quiet#quiet")
    page = member.get("/reminders?saved=quiet").get_data(as_text=True)
    assert "Quiet hours saved." in page
    assert "Nothing arrives from 22:00 to 07:00" in page
    assert re.search(r"Next: (today|tomorrow) 07:00, after your quiet hours", page)
    off = member.post("/reminders/quiet", data={"off": "1"})
    assert off.status_code == 302
    page = member.get("/reminders").get_data(as_text=True)
    assert "Nothing arrives" not in page and "after your quiet hours" not in page


@pytest.mark.parametrize("fields, field, said", [
    ({"start": "22:00", "end": "22:00"}, "quiet_end", "an end different from their start"),
    ({"start": "", "end": "07:00"}, "quiet_start", "24-hour time"),
    ({"start": "25:00", "end": "07:00"}, "quiet_start", "24-hour time"),
])
def test_bad_quiet_hours_are_422_at_their_field(member, fields, field, said):
    response = member.post("/reminders/quiet", data=fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert "Please fix" not in page  # the add form is not blamed
    assert member.get("/api/v1/me").get_json()["quiet_hours"] is None
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', page)
    assert error and said in error.group(1), page
