"""Nothing typed is lost (issue 18): the log form keeps its fields on the phone
(static/js/drafts.js, logdraft.js) across Today and back and a reload; "Start over"
empties it; a refused save keeps it; saving it (online, by the plain form post, or
queued offline) forgets it; a draft older than a day is offered, not put back;
another person on the same phone never sees it. Phone-sized Chromium, as a person
would use it."""
from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import ARTIFACTS, shot, sign_in, sign_out, wait_until
from tests.e2e.test_pwa import wait_for_control
from tracker.extensions import db
from tracker.logbook.models import StretchSession

pytestmark = pytest.mark.e2e

KEPT = "We kept what you typed."
NOTES = "Stiff after the drive."




def log_form(page):
    return page.locator("form[data-offline='session']")


def open_log(page, draft: str):
    """Open Log from the tab bar and wait until the form's draft is settled:
    "kept", "offered" or "none"."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log", exact=True).click()
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    expect(log_form(page)).to_have_attribute("data-draft", draft)


def open_today(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()


def fill_part(page) -> None:
    """Pain before, the strap raise ticked (both legs) with reps and a left angle, notes."""
    page.locator("fieldset.pain-scale").first.locator("label.pain-6").click()
    card = page.locator("#card-slr-strap")
    card.locator("input[name$='[done]']").check()
    expect(card.locator("input[name$='[sides]'][value=right]")).to_be_checked()
    card.locator("input[name$='[reps]']").fill("7")
    card.locator("input[name$='[angle_left]']").fill("42")
    page.fill("#notes", NOTES)
    wait_until_kept(page, NOTES)


def expect_filled(page) -> None:
    expect(page.locator("#pain_before-6")).to_be_checked()
    card = page.locator("#card-slr-strap")
    expect(card.locator("input[name$='[done]']")).to_be_checked()
    expect(card.locator("[data-card-fields]")).to_have_attribute("open", "")
    expect(card.locator("input[name$='[sides]'][value=left]")).to_be_checked()
    expect(card.locator("input[name$='[sides]'][value=right]")).to_be_checked()
    expect(card.locator("input[name$='[reps]']")).to_have_value("7")
    expect(card.locator("input[name$='[angle_left]']")).to_have_value("42")
    expect(page.locator("#notes")).to_have_value(NOTES)
    expect(page.locator("#notes-count")).to_have_text(f"{len(NOTES)} / 2000 characters")


def expect_empty(page) -> None:
    expect(page.locator("fieldset.pain-scale input:checked")).to_have_count(0)
    expect(page.locator("input[name$='[done]']:checked")).to_have_count(0)
    expect(page.locator("#card-slr-strap input[name$='[angle_left]']")).to_have_value("")
    expect(page.locator("#notes")).to_have_value("")
    expect(page.locator(".draft-notice")).to_have_count(0)


def client_id(page) -> str:
    return page.locator("input[name='client_id']").input_value()


# Every draft on this phone, as stored: [{person, kind, value, saved}].
DRAFTS = """() => new Promise((ok, fail) => {
    const r = indexedDB.open("backstretch-drafts");
    r.onerror = () => fail(r.error);
    r.onsuccess = () => {
      const db = r.result;
      if (!db.objectStoreNames.contains("drafts")) { db.close(); ok([]); return; }
      const q = db.transaction("drafts").objectStore("drafts").getAll();
      q.onsuccess = () => { db.close(); ok(q.result); };
    };
  })"""

# Make every draft look last saved at the given time (ms).
AGE_DRAFTS = """saved => new Promise((ok, fail) => {
    const r = indexedDB.open("backstretch-drafts");
    r.onsuccess = () => {
      const db = r.result;
      const tx = db.transaction("drafts", "readwrite");
      const store = tx.objectStore("drafts");
      const q = store.getAll();
      q.onsuccess = () => { for (const d of q.result) store.put({ ...d, saved }); };
      tx.oncomplete = () => { db.close(); ok(q.result.length); };
      tx.onerror = () => fail(tx.error);
    };
  })"""


def wait_until_kept(page, notes: str) -> None:
    """Typing keeps the draft a moment later (an IndexedDB write): wait until the
    stored log draft holds `notes` before leaving the page, as a person's next tap
    comes well after their last key."""
    wait_until(page, f"""async notes => (await ({DRAFTS})()).some((d) => d.kind === 'log'
        && JSON.stringify(d.value.fields).includes(JSON.stringify(notes)))""", notes,
               what="the typed log draft to be stored")


def wait_until_guide_kept(page) -> None:
    """The guided session keeps its draft at each step a moment later (an IndexedDB
    write): wait until the stored one is at the step on screen before a reload."""
    wait_until(page, f"""async () => {{
        const at = [...document.querySelectorAll('[data-step]')].findIndex((s) => !s.hidden);
        return (await ({DRAFTS})()).some((d) => d.kind === 'guide' && d.value.step === at); }}""",
               what="the guided session's draft to reach the step on screen")


def wait_until_no_drafts(page) -> None:
    """The draft is forgotten just after the session is queued or its page shown (no
    sign of it on the page but the next visit to Log): wait for the store to empty."""
    wait_until(page, f"async () => (await ({DRAFTS})()).length === 0",
               what="the drafts to be forgotten")


def test_what_was_typed_survives_today_and_a_reload_until_saved(page, app, user):
    sign_in(page, user)
    open_log(page, "none")
    first_id = client_id(page)
    fill_part(page)
    open_today(page)
    open_log(page, "kept")
    expect(page.get_by_role("status").filter(has_text=KEPT)).to_be_visible()
    expect_filled(page)
    assert client_id(page) == first_id  # still the same session

    page.reload()
    expect(log_form(page)).to_have_attribute("data-draft", "kept")
    expect(page.get_by_text(KEPT)).to_be_visible()
    expect_filled(page)

    page.get_by_role("button", name="Start over").click()
    expect_empty(page)
    expect(log_form(page)).to_have_attribute("data-draft", "none")
    assert client_id(page) != first_id
    page.reload()
    expect(log_form(page)).to_have_attribute("data-draft", "none")
    expect_empty(page)

    # Typed again, resumed, saved: the saved session is the one typed, and Log is empty.
    fill_part(page)
    second_id = client_id(page)
    open_today(page)
    open_log(page, "kept")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session saved.")).to_be_visible()
    with app.app_context():
        saved = db.session.scalars(select(StretchSession.client_id)).all()
        db.session.remove()
    assert saved == [second_id]
    open_log(page, "none")
    expect_empty(page)
    assert page.evaluate(DRAFTS) == []


def test_a_refused_save_keeps_the_draft(page, app, user):
    sign_in(page, user)
    open_log(page, "none")
    fill_part(page)
    page.locator("#card-slr-strap input[name$='[angle_left]']").fill("130")  # over 120°
    page.get_by_role("button", name="Save session").click()
    # The server's answer holds what was posted: nothing is put back over it.
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(log_form(page)).to_have_attribute("data-draft", "none")
    expect(page.locator(".draft-notice")).to_have_count(0)
    expect(page.locator("#notes")).to_have_value(NOTES)
    with app.app_context():
        assert db.session.scalars(select(StretchSession.id)).all() == []
        db.session.remove()
    # Left without fixing it: Log still has all of it.
    open_today(page)
    open_log(page, "kept")
    angle = page.locator("#card-slr-strap input[name$='[angle_left]']")
    expect(angle).to_have_value("130")
    expect(page.locator("#notes")).to_have_value(NOTES)

    # Fixed and posted as a browser does without the script's fetch (outbox.js falls
    # back to it): the saved session's page forgets the draft.
    angle.fill("40")
    log_form(page).evaluate("form => HTMLFormElement.prototype.submit.call(form)")
    expect(page.get_by_text("Session saved.")).to_be_visible()
    wait_until_no_drafts(page)
    open_log(page, "none")
    expect_empty(page)


def test_another_person_on_the_phone_never_sees_the_draft(page, users, user):
    other = users.create()
    sign_in(page, user)
    open_log(page, "none")
    fill_part(page)
    open_today(page)
    open_log(page, "kept")
    sign_out(page)

    sign_in(page, other)
    open_log(page, "none")
    expect_empty(page)
    # Typing here keeps the second person's own draft beside the first one's.
    page.fill("#notes", "Second person")
    open_today(page)
    open_log(page, "kept")
    expect(page.locator("#notes")).to_have_value("Second person")
    expect(page.locator("input[name$='[done]']:checked")).to_have_count(0)
    people = {d["person"] for d in page.evaluate(DRAFTS)}
    assert len(people) == 2 and "" not in people
    sign_out(page)

    sign_in(page, user)
    open_log(page, "kept")
    expect_filled(page)


def test_a_draft_older_than_a_day_is_offered_not_forced(page, user):
    sign_in(page, user)
    open_log(page, "none")
    fill_part(page)
    open_today(page)
    saved = int(time.time() * 1000) - 2 * 86_400_000
    assert page.evaluate(AGE_DRAFTS, saved) == 1
    open_log(page, "offered")
    zone = ZoneInfo(user["timezone"])
    then = dt.datetime.fromtimestamp(saved / 1000, zone)
    day = then.strftime("%A %-d %B")
    if then.year != dt.datetime.now(zone).year:  # Intl's en-GB: "Tuesday, 30 December 2025"
        day = then.strftime("%A, %-d %B %Y")
    expect(page.locator(".draft-notice p")).to_have_text(f"You have an unsaved session from {day}.")
    expect_form_untouched(page)
    shot(page, "draft-offered")

    page.get_by_role("button", name="Continue where you left off").click()
    expect(page.locator(".draft-notice")).to_be_focused()
    expect(page.locator(".draft-notice")).to_contain_text(KEPT)
    expect_filled(page)
    # Continued: it is today's draft now.
    page.reload()
    expect(log_form(page)).to_have_attribute("data-draft", "kept")
    expect_filled(page)

    # Offered again and declined: gone for good.
    page.evaluate(AGE_DRAFTS, saved)
    page.reload()
    expect(log_form(page)).to_have_attribute("data-draft", "offered")
    page.get_by_role("button", name="Start over").click()
    expect_empty(page)
    page.reload()
    expect(log_form(page)).to_have_attribute("data-draft", "none")
    expect_empty(page)


def expect_form_untouched(page) -> None:
    """What the page came with: nothing ticked or typed (the offer is the notice)."""
    expect(page.locator("fieldset.pain-scale input:checked")).to_have_count(0)
    expect(page.locator("input[name$='[done]']:checked")).to_have_count(0)
    expect(page.locator("#notes")).to_have_value("")


def test_a_session_queued_offline_forgets_its_draft(page, user):
    sign_in(page, user)
    wait_for_control(page)
    open_log(page, "none")
    fill_part(page)
    open_today(page)
    open_log(page, "kept")
    page.context.set_offline(True)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Saved on this phone; it will sync")).to_be_visible()
    expect(page.locator(".draft-notice")).to_have_count(0)
    expect(log_form(page)).to_have_attribute("data-draft", "none")
    expect(page.locator("#notes-count")).to_have_text("0 / 2000 characters")
    wait_until_no_drafts(page)
    page.reload()  # offline, from the worker's copy of Log
    expect(log_form(page)).to_have_attribute("data-draft", "none")
    expect_empty(page)
    page.context.set_offline(False)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_kept_notice_on_a_phone(page, user, scheme):
    page.emulate_media(color_scheme=scheme)
    sign_in(page, user)
    open_log(page, "none")
    fill_part(page)
    open_today(page)
    open_log(page, "kept")
    notice = page.locator(".draft-notice")
    box = notice.bounding_box()
    assert box["width"] <= 390 and page.evaluate("document.documentElement.scrollWidth") <= 390
    button = notice.get_by_role("button", name="Start over").bounding_box()
    assert button["height"] >= 44
    # The first screen, as a person sees it on coming back to Log.
    page.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"draft-kept-{scheme}.png"))
