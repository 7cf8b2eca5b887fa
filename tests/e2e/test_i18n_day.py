"""A day in German on a phone (issue 23), as a person lives it: a German browser signs
up, answers the warning-signs check, does the guided session, logs a pain check-in,
looks at progress, sets a reminder, opens the report and Settings. Every screen is in
German (<html lang="de">, German headings and buttons, German dates and decimal
commas), and each is kept as a screenshot in test-artifacts/ (day-de-*.png) for people
to look at, in light and dark."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, shot

pytestmark = pytest.mark.e2e

GERMAN_PHONE = {**PHONE, "locale": "de-DE", "timezone_id": "Europe/Berlin"}


@pytest.fixture(params=["light", "dark"])
def german_phone(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url, color_scheme=request.param,
                                  **GERMAN_PHONE)
    problems: list[str] = []
    context.on("console", lambda m: problems.append(m.text) if m.type == "error"
               and "status of 422" not in m.text else None)
    context.on("weberror", lambda e: problems.append(str(e.error)))
    page = context.new_page()
    page.scheme = request.param
    yield page
    context.close()
    assert not problems, problems


def look(page, name: str) -> None:
    """Every screen: German, and kept for people to look at."""
    expect(page.locator("html")).to_have_attribute("lang", "de")
    shot(page, f"day-de-{name}-{page.scheme}")


def test_a_day_in_german(german_phone):
    page = german_phone
    page.goto("/register")
    expect(page.get_by_role("heading", name="Konto erstellen")).to_be_visible()
    look(page, "01-register")
    page.fill("#email", f"tag-{page.scheme}@example.com")
    page.fill("#password", "ein langes Passwort 42")
    page.get_by_role("button", name="Konto erstellen").click()

    # The warning-signs check comes first, in German.
    expect(page.get_by_role("heading", name=re.compile("Warnzeichen"))).to_be_visible()
    look(page, "02-warning-signs")
    page.locator("#none_apply").check()
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_role("heading", name="Heute", exact=True)).to_be_visible()
    look(page, "03-today")

    # The guided session, start to summary.
    page.goto("/guide")
    step = page.locator("[data-step]:visible")
    expect(step).to_have_attribute("data-step", "pain_before")
    look(page, "04-guide-pain-before")
    step.locator("label.pain-6").click()
    shots = 0
    while (current := page.locator("[data-step]:visible")).get_attribute("data-step") == "stretch":
        name = current.get_attribute("data-name")
        if shots < 2:
            look(page, f"05-guide-stretch-{shots}")
            shots += 1
        if current.locator("input[name$='[angle_left]']").count():
            current.locator("input[name$='[angle_left]']").fill("42.5")
        current.locator("[data-answer='done']").click()
        expect(page.locator(f"[data-step][data-name='{name}']")).to_be_hidden()
    expect(page.locator("[data-step]:visible")).to_have_attribute("data-step", "pain_after")
    page.locator("[data-step]:visible label.pain-4").click()
    summary = page.locator("[data-step='summary']")
    expect(summary.locator("[data-summary-pain]")).to_have_text("Schmerz 6 → 4")
    look(page, "06-guide-summary")
    summary.locator("button[type='submit']").click()
    page.wait_for_url(lambda url: "/guide" not in url)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    look(page, "07-after-the-session")

    # A quick pain check-in on Today.
    page.goto("/")
    page.locator("form.checkin label.pain-3, form.quick-checkin label.pain-3, label.pain-3").first.click()
    page.get_by_role("button", name="Schmerzeintrag speichern").click()
    expect(page.get_by_text(re.compile(r"3/10"))).to_be_visible()
    look(page, "08-today-after-check-in")

    # History: German dates.
    page.goto("/history")
    expect(page.get_by_role("heading", name="Verlauf", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"\d{1,2}\. (Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez)\."))
    look(page, "09-history")

    # Progress and the programme.
    page.goto("/progress")
    expect(page.get_by_role("heading", name="Fortschritt", exact=True)).to_be_visible()
    look(page, "10-progress")
    page.goto("/program")
    look(page, "11-program")

    # A reminder at 07:30 on weekdays.
    page.goto("/reminders")
    expect(page.get_by_role("heading", name="Erinnerungen", exact=True)).to_be_visible()
    look(page, "12-reminders")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Hinzufügen", exact=True))
    form.locator("input[name='time']").fill("07:30")
    form.get_by_role("button", name="Hinzufügen", exact=True).click()
    expect(page.get_by_text(re.compile(r"Nächste: "))).to_be_visible()
    look(page, "13-reminder-added")

    # The report for a clinician, and Settings with the language choice.
    page.goto("/report")
    expect(page.locator("main, body").first).to_contain_text("Schmerz")
    look(page, "14-report")
    page.goto("/settings")
    expect(page.locator("#locale")).to_have_value("de")
    look(page, "15-settings")
    page.goto("/stretches")
    look(page, "16-stretches")
    page.goto("/stretches/slr-strap")
    look(page, "17-stretch")
    page.goto("/safety")
    look(page, "18-warning-signs-again")
