"""When it hurts more, on a phone in a real Chromium: a guided session that raised
pain and had a stretch marked "made it worse" turns Today into a caution first,
with the programme's target held; a flare-up started from Today pauses things and
"I'm better" ends it. Light and dark screenshots land in test-artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot, sign_in
from tests.e2e.test_guide import current_step, pick_pain, start_programme

pytestmark = pytest.mark.e2e


def bad_guided_session(page) -> None:
    """Pain 3 before, the strap raise marked "made it worse", pain 7 after."""
    page.goto("/guide")
    pick_pain(page, 3)
    while current_step(page).get_attribute("data-step") == "stretch":
        step = current_step(page)
        name = step.get_attribute("data-name")
        if step.get_attribute("data-slug") == "slr-strap":
            step.locator("input[name$='[angle_left]']").fill("40")
            step.get_by_role("button", name="This made my pain worse").click()
            step.locator("[data-worse-advice]").get_by_role("button", name="Next").click()
        else:
            step.get_by_role("button", name="Done").click()
        expect(page.locator(f"[data-step][data-name='{name}']")).to_be_hidden()
    pick_pain(page, 7)
    current_step(page).get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session saved.")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_today_leads_with_a_caution_after_a_bad_session(page, user, scheme):
    page.emulate_media(color_scheme=scheme)
    sign_in(page, user)
    start_programme(page)
    bad_guided_session(page)
    page.goto("/")
    caution = page.locator(".caution-card")
    expect(caution).to_contain_text("Your pain went up 4 points after the straight-leg raise "
                                    "with a strap today.")
    expect(caution).to_contain_text("Stop the straight-leg raise with a strap")
    expect(caution).to_contain_text("tomorrow's target stays at 30–45°")
    expect(caution.get_by_role("link", name="Check the warning signs")).to_be_visible()
    # It leads: above Today's own card, in view without scrolling.
    first_card = page.locator("main section.card").first
    expect(first_card).to_have_class("card caution-card")
    expect(caution).to_be_in_viewport()
    shot(page, f"today-{scheme}-bad-session")


def test_a_flare_up_started_and_ended_from_today(page, user):
    sign_in(page, user)
    page.get_by_role("link", name="I'm having a flare-up").click()
    page.get_by_label("How many days to pause").select_option("3")
    page.get_by_label("Note").fill("Bent over the washing machine")
    page.get_by_role("button", name="Pause for a flare-up").click()
    card = page.locator(".flare-card")
    expect(card.get_by_role("heading", name="Flare-up: 3 days left")).to_be_visible()
    expect(card).to_contain_text("Stop anything that makes the pain worse")
    expect(page.get_by_role("link", name="I'm having a flare-up")).to_have_count(0)
    shot(page, "today-light-flare-up")
    card.get_by_role("button", name="I'm better").click()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.locator(".flare-card")).to_have_count(0)
    expect(page.get_by_role("link", name="I'm having a flare-up")).to_be_visible()
