"""The whole first-day journey on a phone-sized screen, in a real Chromium over
real HTTP: sign up, answer the warning-signs check, read a stretch and run its
timer, log a session with pain and leg angles, find it in History, edit it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e


def sign_up(page, email="phone@example.com"):
    page.goto("/register")
    page.fill("#email", email)
    page.fill("#password", "a long enough password")
    page.select_option("#timezone", "Europe/Berlin")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/safety\?first=1$"))


def test_first_day_journey(page):
    page.goto("/register")
    # The time zone is filled from the phone by JavaScript.
    expect(page.locator("#timezone")).not_to_have_value("")
    shot(page, "register")
    sign_up(page)
    shot(page, "safety-check")
    page.get_by_label("None of these apply to me").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.get_by_role("link", name="Log a session")).to_be_visible()
    shot(page, "today-empty")

    # Read a stretch and run its guided timer, fast-forwarding the clock.
    page.clock.install()
    page.goto("/stretches/single-knee-to-chest")
    expect(page.get_by_role("heading", name="Single knee-to-chest")).to_be_visible()
    timer = page.locator("[data-timer]")
    expect(timer).to_be_visible()
    expect(timer).to_have_attribute("data-state", "idle")
    timer.get_by_role("button", name=re.compile("Start")).click()
    expect(timer).to_have_attribute("data-state", "running")
    shot(page, "stretch-timer-running")
    page.clock.run_for(3 * 2 * 5_000 + 5 * 5_000 + 2_000)  # 3 reps × 2 sides × 5 s + rests
    expect(timer).to_have_attribute("data-state", "done")

    # Log a session: pain before/after, the straight-leg raise angles per leg.
    page.goto("/log")
    page.locator("label.pain-6").first.click()
    card = page.locator("#card-slr-strap")
    # Doses come pre-filled from the stretch: 5 raises held 10 s.
    expect(card.locator("input[name$='[reps]']")).to_have_value("5")
    expect(card.locator("input[name$='[hold_seconds]']")).to_have_value("10")
    # Ticking the card opens its fields, both legs ticked.
    card.locator("input[name$='[done]']").check()
    expect(card.locator("input[name$='[sides]'][value='left']")).to_be_checked()
    card.locator("input[name$='[angle_left]']").fill("40")
    card.locator("input[name$='[angle_right]']").fill("70")
    page.locator("fieldset.pain-scale").nth(1).locator("label.pain-4").click()
    page.fill("#notes", "Felt looser after the strap raises.")
    shot(page, "log-form")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session saved.")).to_be_visible()
    expect(page.get_by_text("40°")).to_be_visible()
    expect(page.get_by_text("70°")).to_be_visible()
    shot(page, "session-saved")

    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("Straight-leg raise with a strap L 40°")).to_be_visible()
    shot(page, "history")

    # Edit (on the session's own page): the angle went higher on a second try.
    page.get_by_role("link", name="Straight-leg raise with a strap").first.click()
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("button", name="Guide me")).to_have_count(0)
    card = page.locator("#card-slr-strap")
    expect(card.locator("input[name$='[angle_left]']")).to_have_value("40")
    card.locator("input[name$='[angle_left]']").fill("45")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("45°")).to_be_visible()


def test_timer_fills_the_log_form(page, users, user):
    page.goto("/login")
    page.fill("#email", user["email"])
    page.fill("#password", user["password"])
    page.get_by_role("button", name="Sign in").click()
    page.clock.install()
    page.goto("/log")
    card = page.locator("#card-double-knee-to-chest")
    card.locator("input[name$='[done]']").check()
    card.locator("input[name$='[reps]']").fill("1")
    card.get_by_role("button", name="Guide me").click()
    timer = card.locator("[data-timer]")
    timer.get_by_role("button", name=re.compile("Start")).click()
    page.clock.run_for(3 * 20_000 + 2 * 5_000 + 2_000)
    expect(timer).to_have_attribute("data-state", "done")
    expect(card.locator("input[name$='[done]']")).to_be_checked()
    expect(card.locator("input[name$='[reps]']")).to_have_value("3")


def test_red_flag_shows_urgent_care_instead_of_stretches(page):
    sign_up(page, "flag@example.com")
    page.goto("/log")  # until the check is answered, Log leads to it
    page.get_by_role("link", name="Answer the check").click()
    page.get_by_label(re.compile("control your bladder")).check()
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("heading", name="Get medical help now")).to_be_visible()
    shot(page, "red-flag-urgent")
    page.goto("/")
    expect(page.get_by_role("heading", name="Get medical help now")).to_be_visible()
    expect(page.get_by_role("link", name="Log a session")).to_have_count(0)
    page.goto("/log")  # the urgent message instead of the form, with a way to answer again
    expect(page.get_by_role("heading", name="Get medical help now")).to_be_visible()
    expect(page.locator("form[action='/log']")).to_have_count(0)
    expect(page.get_by_role("link", name="Answer the check again")).to_be_visible()
