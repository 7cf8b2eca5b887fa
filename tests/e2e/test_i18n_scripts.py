"""The scripts speak the person's language (issue 23): a German person's pages carry the
German "js" catalog (<script id="i18n-catalog">), and what static/js writes into them
is German: the log form's rules checked before a session is kept offline
(serialize.js, outbox.js), the notice once it is kept, and the guided session's
timer, measuring button, resume line and summary (guide.js, timer.js, measure.js).

The templates around them are other work: these tests find buttons and fields by
their data attributes and names, not by their (translated) labels."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_drafts import wait_until_guide_kept, wait_until_kept
from tests.e2e.test_pwa import phone, wait_for_control  # noqa: F401 - phone is a fixture

pytestmark = pytest.mark.e2e

# outbox.js has run (it sets up the form's offline checks as it loads): replay.js,
# which it imports first, has put the outbox's storage on the page.
OUTBOX_READY = "() => !!self.BackstretchOutbox"


@pytest.fixture
def german(users) -> dict:
    return users.create(locale="de")


def csrf(page) -> str:
    return page.request.get("/api/v1/auth/csrf").json()["csrf_token"]


def log_form(page):
    return page.locator("form[data-offline='session']")


def save_offline(page) -> None:
    log_form(page).locator("button[type='submit']").click()


def test_the_log_forms_rules_and_the_offline_notice_in_german(page, german):
    sign_in(page, german, "Heute")
    wait_for_control(page)  # the worker keeps the scripts the form loads once offline
    page.goto("/log")
    page.wait_for_function(OUTBOX_READY)
    assert page.evaluate("() => JSON.parse(document.getElementById('i18n-catalog').textContent)"
                         "['Tick at least one stretch you did.']")
    page.context.set_offline(True)
    for box in log_form(page).locator("input[name$='[done]']").all():
        box.uncheck(force=True)
    save_offline(page)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Da stimmt etwas nicht")
    expect(summary).to_contain_text("Hak mindestens eine Übung ab, die du gemacht hast.")
    expect(summary).not_to_contain_text("Tick at least one stretch")

    # A per-side stretch with no side ticked: its field's name and the rule in German.
    card = page.locator("#card-slr-strap")
    card.locator("input[name$='[done]']").check(force=True)
    for side in card.locator("input[name$='[sides]']").all():
        side.uncheck(force=True)
    save_offline(page)
    expect(summary.get_by_role("link", name=re.compile(r", Seiten: Hak links, rechts oder beide ab\.$"))) \
        .to_be_visible()

    # Out of range: the limits the page gave, in the sentence's German.
    card.locator("input[name$='[sides]'][value='left']").check(force=True)
    reps = card.locator("input[name$='[reps]']")
    maximum = reps.get_attribute("max")
    reps.evaluate("(input) => { input.value = '9999'; }")
    save_offline(page)
    expect(summary).to_contain_text(f"Wiederholungen: Muss zwischen {reps.get_attribute('min')} und {maximum} liegen.")

    # Fixed: kept on the phone, and it says so in German.
    reps.evaluate("(input) => { input.value = '3'; }")
    save_offline(page)
    expect(page.get_by_text("Auf diesem Handy gespeichert; wird übertragen, sobald du wieder online bist.")) \
        .to_be_visible()
    expect(summary).to_have_count(0)
    page.context.set_offline(False)


def test_the_guided_session_in_german(page, german):
    sign_in(page, german, "Heute")
    response = page.request.post("/api/v1/programs", data={"affected_leg": "left"},
                                 headers={"X-CSRF-Token": csrf(page)})
    assert response.status == 201, response.text()
    page.goto("/guide")
    step = page.locator("[data-step]:visible")
    expect(step).to_have_attribute("data-step", "pain_before")
    step.locator("label.pain-6").click()

    # The first stretch: its hold timer (timer.js) speaks German.
    first = page.locator("[data-step='stretch']:visible")
    expect(first.locator(".timer-now")).to_have_text("Geh in Position")
    expect(first.locator(".timer-actions button.primary")).to_have_text("Start")
    expect(first.locator(".timer-actions button.secondary")).to_have_text("Von vorn")

    skipped = None
    resumed = False
    while (current := page.locator("[data-step]:visible")).get_attribute("data-step") == "stretch":
        name = current.get_attribute("data-name")
        if current.get_attribute("data-slug") == "slr-strap":
            # measure.js: the button beside the angle, in German.
            expect(current.locator(".measure-button")).to_have_text(
                ["Linkes Bein mit Handy messen", "Rechtes Bein mit Handy messen"])
            # The measuring dialog: a browser without motion readings says so, in German.
            current.locator(".measure-button").first.click()
            dialog = page.locator("dialog.measure")
            expect(dialog.locator(".measure-title")).to_have_text("Linkes Bein messen")
            expect(dialog.locator(".measure-zero")).to_have_text("Null setzen")
            expect(dialog.locator(".measure-message")).to_have_text(
                re.compile(r"^Dieses Gerät liefert keine Bewegungsdaten"))
            dialog.get_by_role("button", name="Schließen").click()
            expect(dialog).to_be_hidden()
            current.locator("input[name$='[angle_left]']").fill("45.5")
            current.locator("[data-answer='done']").click()
        elif skipped is None:
            skipped = name
            current.locator("[data-answer='skip']").click()
        else:
            current.locator("[data-answer='done']").click()
        expect(page.locator(f"[data-step][data-name='{name}']")).to_be_hidden()
        if not resumed:
            # A reload resumes, saying when the session began (guide.js), in German.
            resumed = True
            wait_until_guide_kept(page)
            page.reload()
            expect(page.locator("[data-resume-when]")).to_have_text(
                re.compile(r"^Du hast heute um \d\d:\d\d Uhr eine Einheit begonnen\.$"))
            page.locator("[data-resume-continue]").click()

    expect(page.locator("[data-step]:visible")).to_have_attribute("data-step", "pain_after")
    page.locator("[data-step]:visible label.pain-4").click()

    summary = page.locator("[data-step='summary']")
    expect(summary).to_be_visible()
    expect(summary.locator("[data-summary-pain]")).to_have_text("Schmerz 6 → 4")
    expect(summary.locator("[data-summary-target]")).to_have_text(
        re.compile(r"^Dein linkes Bein hat 45,5° erreicht: (unter dem|über dem|im) heutigen Ziel von \d+–\d+°\.$"))
    items = summary.locator("[data-summary] li")
    expect(items.filter(has_text=skipped)).to_contain_text("ausgelassen")
    expect(items.filter(has_text="L 45,5°")).to_contain_text("erledigt · L 45,5°")
    expect(summary).not_to_contain_text("skipped")


def test_the_log_forms_kept_draft_in_german(page, german):
    sign_in(page, german, "Heute")
    page.goto("/log")
    expect(log_form(page)).to_have_attribute("data-draft", "none")
    page.fill("#notes", "Steif am Morgen")
    wait_until_kept(page, "Steif am Morgen")
    page.goto("/")
    page.goto("/log")
    expect(log_form(page)).to_have_attribute("data-draft", "kept")
    notice = page.locator(".draft-notice")
    expect(notice.locator("p")).to_have_text("Wir haben behalten, was du eingegeben hast.")
    notice.get_by_role("button", name="Neu beginnen").click()
    expect(page.locator("#notes")).to_have_value("")


def test_a_refused_replay_is_said_in_german(phone, app, german):
    """A session queued offline that the server then refuses: the reason and the
    field's message come in German (the API's ``localized`` part), not as the API's
    English."""
    from tests.e2e.conftest import shot
    from tests.e2e.test_pwa import sessions_on_server, tick_and_measure

    page = phone(expected=("status of 422",)).pages[0]  # Chromium logs the refusal
    sign_in(page, german, "Heute")
    wait_for_control(page)
    page.goto("/log")
    page.wait_for_function(OUTBOX_READY)
    page.context.set_offline(True)
    # A stretch of the person's own deleted meanwhile, say: the server refuses its slug.
    page.evaluate("""() => { for (const input of document.querySelectorAll("#card-slr-strap [name]")) {
        input.name = input.name.replace("[slr-strap]", "[gone-stretch]"); } }""")
    tick_and_measure(page, "42")
    save_offline(page)
    expect(page.get_by_text("Auf diesem Handy gespeichert; wird übertragen")).to_be_visible()
    page.context.set_offline(False)
    alert = page.locator("#outbox-alerts [role=alert]")
    expect(alert).to_contain_text("wurde nicht angenommen: Einige Einträge sind ungültig.")
    expect(alert).to_contain_text("Unbekannte Übung.")
    expect(alert.get_by_role("link", name="Korrigieren")).to_be_visible()
    shot(page, "offline-refused-de")
    assert "Unknown" not in alert.inner_text() and "not valid" not in alert.inner_text()
    assert sessions_on_server(app) == 0
