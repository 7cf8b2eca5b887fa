"""Reminders in a phone-sized Chromium over real HTTP: the page (add a reminder, the
notification panel, light and dark), and the service worker's push side: a push
delivered through DevTools' ``ServiceWorker.deliverPushMessage`` shows the
notification, "Snooze 30 min" snoozes through the signed token, a click opens the
log page."""
from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot
from tests.e2e.test_journey import sign_up
from tracker.extensions import db
from tracker.reminders import payload, service
from tracker.reminders.models import Reminder

pytestmark = pytest.mark.e2e


def _add_reminder(page, hhmm="07:30"):
    page.goto("/reminders")
    form = page.locator("form[action='/reminders']")
    form.locator("input[name='time']").fill(hhmm)
    form.get_by_role("button", name="Add reminder").click()
    expect(page.get_by_role("status").filter(has_text="Reminder added")).to_be_visible()


def test_reminders_page(page):
    sign_up(page, "remind@example.com")
    page.goto("/")
    page.get_by_role("link", name="Set a daily reminder").click()
    expect(page.get_by_role("heading", name="Reminders", exact=True)).to_be_visible()
    # Chromium can receive push; permission not asked yet: the button is offered.
    expect(page.get_by_role("button", name="Turn on notifications")).to_be_visible()
    expect(page.get_by_text("needs JavaScript")).to_be_hidden()
    _add_reminder(page)
    item = page.locator("ul.reminders > li").first
    expect(item.locator(".reminder-time")).to_have_text("07:30")
    expect(item).to_contain_text("Every day")
    expect(item).to_contain_text(re.compile(r"Next: (today|tomorrow) 07:30"))
    # No device has notifications on yet: said at the top, with the way to fix it.
    warning = page.locator("#unreachable")
    expect(warning).to_contain_text("can't reach you yet")
    warning.get_by_role("link", name="Turn on notifications on this phone").click()
    expect(page.get_by_role("button", name="Turn on notifications")).to_be_in_viewport()

    page.goto("/reminders")
    expect(page.get_by_role("button", name="Turn on notifications")).to_be_visible()
    page.locator("ul.reminders details summary").first.click()  # the edit form, open
    shot(page, "reminders-light")
    page.emulate_media(color_scheme="dark")
    shot(page, "reminders-dark")


def _registration_id(cdp, scope: str) -> str:
    found: dict[str, str] = {}
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda e: found.update({r["scopeURL"]: r["registrationId"] for r in e["registrations"]}))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 30  # CI shares two cores with the suite
    while scope not in found and time.monotonic() < deadline:
        time.sleep(0.05)
        cdp.send("ServiceWorker.enable")  # re-sends the current registrations
    return found[scope]


NOTIFICATIONS = """async () => {
  const reg = await navigator.serviceWorker.ready;
  return (await reg.getNotifications()).map(n => ({
    title: n.title, body: n.body, tag: n.tag, icon: n.icon, badge: n.badge, data: n.data,
    actions: (n.actions || []).map(a => a.action)}));
}"""


def test_service_worker_shows_pushes_snoozes_and_opens(page, live_server, app):
    sign_up(page, "push@example.com")
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    _add_reminder(page)
    expect(page.locator("[data-state='off']")).to_be_visible()  # registered, not subscribed
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    with app.app_context():
        reminder = db.session.scalar(db.select(Reminder))
        # The JSON the dispatcher sends (declarative Web Push), its public address
        # another name for this server: the worker keeps taps on its own origin.
        tag = payload.tag(reminder.id, "2027-05-01")
        data = payload.payload(reminder_id=reminder.id, body=payload.body_text(
            "Strap by the bed", payload.Target(4, 10, 37.5, 52.5)), tag=tag,
            base_url="https://stretch.example.org", occurrence="2027-05-01",
            snooze=service.snooze_token(reminder.user_id, reminder.id)).decode()
        reminder_id = reminder.id

    cdp = page.context.new_cdp_session(page)
    registration = _registration_id(cdp, live_server.url + "/")
    cdp.send("ServiceWorker.deliverPushMessage",
             {"origin": live_server.url, "registrationId": registration, "data": data})
    shown = []
    deadline = time.monotonic() + 30  # CI shares two cores with the suite
    while not shown and time.monotonic() < deadline:
        shown = page.evaluate(NOTIFICATIONS)
        time.sleep(0.1)
    assert len(shown) == 1, shown
    note = shown[0]
    assert note["title"] == payload.TITLE
    assert note["body"] == "Day 4 of 10: aim for 38–53°. Strap by the bed"
    assert note["tag"] == tag == f"reminder-{reminder_id}@2027-05-01"
    assert note["icon"].endswith("/static/icons/icon-192.png") and note["badge"]
    assert note["data"]["url"] == live_server.url + "/guide"
    if page.evaluate("Notification.maxActions") >= 2:
        assert note["actions"] == ["log", "snooze"]

    # A push without data still shows something (Safari withdraws permission otherwise).
    cdp.send("ServiceWorker.deliverPushMessage",
             {"origin": live_server.url, "registrationId": registration, "data": ""})

    worker = page.context.service_workers[0]
    snoozed = worker.evaluate("""async () => {
      const [n] = (await self.registration.getNotifications()).filter(n => n.data.snooze);
      return self.backstretchPush.onClick(n, 'snooze');
    }""")
    assert snoozed is True
    with app.app_context():
        assert db.session.get(Reminder, reminder_id).snoozed_until is not None

    # A plain click focuses this window and takes it to the log page.
    cdp.send("ServiceWorker.deliverPushMessage",
             {"origin": live_server.url, "registrationId": registration, "data": data})
    deadline = time.monotonic() + 30  # CI shares two cores with the suite
    while not [n for n in page.evaluate(NOTIFICATIONS) if n["data"].get("snooze")] \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    worker.evaluate("""async () => {
      const [n] = (await self.registration.getNotifications()).filter(n => n.data.snooze);
      await self.backstretchPush.onClick(n, '');
    }""")
    expect(page).to_have_url(re.compile(r"/guide$"))
    assert json.loads(data)["notification"]["navigate"] == "https://stretch.example.org/guide"
