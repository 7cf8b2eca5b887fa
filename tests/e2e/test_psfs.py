"""The PSFS on a phone-sized Chromium: the Progress page draws the mean of each rating
set as a third chart, with no console errors or CSP violations, and its legend reads
the latest rating; the /psfs rating form works by tapping the big buttons."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from playwright.sync_api import expect

from tracker.auth.models import User
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.logbook.demo import seed
from tracker.psfs import service

pytestmark = pytest.mark.e2e


def sign_in(page, user):  # noqa: ANN001
    page.goto("/login")
    page.fill("#email", user["email"])
    page.fill("#password", user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()


@pytest.fixture
def rated_user(app, users):
    """A demo month, and three weekly PSFS ratings of two activities."""
    user = users.create()
    with app.app_context():
        person = db.session.get(User, user["id"])
        now = utcnow()
        seed(person, 30, now)
        ids = [service.add_activity(person, {"name": name}, now).id
               for name in ("Putting on socks", "Sitting through a film")]
        for weeks, scores in ((2, (2, 4)), (1, (3, 5)), (0, (6, 6))):
            service.rate(person, {"client_id": str(uuid.uuid4()),
                                  "rated_at": now - dt.timedelta(weeks=weeks, hours=1),
                                  "scores": [{"activity_id": a, "score": s}
                                             for a, s in zip(ids, scores)]}, now)
        db.session.commit()
    return user


def test_progress_draws_the_psfs_mean(page, rated_user):
    sign_in(page, rated_user)
    page.goto("/progress")
    expect(page.locator("html")).to_have_attribute("data-charts", "3")
    values = page.locator("[data-chart='psfs'] .u-legend .u-value")
    expect(values.nth(1)).to_have_text("6")   # the latest mean
    expect(values.nth(2)).to_have_text("3")   # the first
    expect(page.locator("#psfs-summary")).to_contain_text("meaningful improvement")


def test_rating_by_tapping_the_buttons(page, users):
    user = users.create()
    sign_in(page, user)
    page.goto("/psfs")
    page.fill("#name", "Putting on socks")
    page.get_by_role("button", name="Add activity").click()
    page.locator("fieldset", has_text="Putting on socks").get_by_text("7", exact=True).click()
    page.get_by_role("button", name="Save ratings").click()
    expect(page.get_by_role("status")).to_contain_text("Ratings saved.")
    expect(page.locator("#psfs-summary")).to_contain_text("Your first rating: 7 out of 10")


def test_the_psfs_pages_pass_axe(page, rated_user, app):
    from tests.e2e.test_pwa import AXE, check_axe

    with app.app_context():  # a month in: Today asks again a week after the last rating
        person = db.session.get(User, rated_user["id"])
        person.created_at = utcnow() - dt.timedelta(days=40)
        db.session.commit()
    sign_in(page, rated_user)
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    for path in ("/psfs", "/progress", "/report"):
        page.goto(path)
        if path == "/progress":
            expect(page.locator("html")).to_have_attribute("data-charts", "3")
        check_axe(page, AXE.read_text(), tags, path)


def test_todays_question_passes_axe_and_saves_with_taps(page, users, app):
    from tests.e2e.test_pwa import AXE, check_axe

    user = users.create()
    with app.app_context():
        person = db.session.get(User, user["id"])
        person.created_at = utcnow() - dt.timedelta(days=10)
        service.add_activity(person, {"name": "Putting on socks"}, utcnow())
        db.session.commit()
    sign_in(page, user)
    expect(page.get_by_role("heading", name="How are these going?")).to_be_visible()
    check_axe(page, AXE.read_text(), ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"], "/")
    page.locator("fieldset", has_text="Putting on socks").get_by_text("4", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Ratings saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="How are these going?")).to_have_count(0)
