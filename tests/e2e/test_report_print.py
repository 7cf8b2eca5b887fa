"""The report in a real Chromium: the demo month prints to at most 2 pages on A4 and
on US Letter, the print button shows with JavaScript, the share link opens in a fresh
browser without signing in, and Settings makes a link with a copy button."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, PHONE, shot

pytestmark = pytest.mark.e2e


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def sign_in(page, account) -> None:  # noqa: ANN001
    page.goto("/login")
    page.fill("#email", account["email"])
    page.fill("#password", account["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def test_demo_month_prints_to_at_most_two_pages(page, demo_user):
    sign_in(page, demo_user)
    page.goto("/report?days=30")
    expect(page.get_by_role("heading", name="Back pain diary")).to_be_visible()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-charts", "2")  # drawn before printing
    shot(page, "report-30-days")
    ARTIFACTS.mkdir(exist_ok=True)
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=True)
        (ARTIFACTS / f"report-30-days-{paper}.pdf").write_bytes(pdf)
        assert 1 <= _pages(pdf) <= 2, f"{paper}: {_pages(pdf)} pages"
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    # On paper the two charts stand side by side, each within its half of the page.
    charts = page.locator(".report-chart canvas")
    expect(charts).to_have_count(2)
    halves = [charts.nth(i).bounding_box() for i in range(2)]
    assert all(box and box["height"] > 40 for box in halves)
    assert halves[0]["x"] + halves[0]["width"] <= halves[1]["x"]


def test_share_link_in_a_fresh_browser(page, browser, live_server, demo_user):
    sign_in(page, demo_user)
    page.goto("/settings#sharing")
    page.fill("#share-label", "Physio")
    page.get_by_role("button", name="Make a share link").click()
    url = page.locator("#new-share-url").input_value()
    assert "/s/" in url
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    shot(page, "settings-share-made")

    fresh = browser.new_context(**PHONE)
    other = fresh.new_page()
    problems = []
    other.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    response = other.goto(url)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(other.get_by_role("heading", name="Back pain diary")).to_be_visible()
    expect(other.get_by_role("link", name=re.compile("Settings|History|Today"))).to_have_count(0)
    shot(other, "shared-report")
    fresh.close()
    assert not problems

    # Withdrawn: the link is dead in the fresh browser too.
    page.goto("/settings#sharing")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("Link withdrawn")).to_be_visible()
    fresh = browser.new_context(**PHONE)
    assert fresh.new_page().goto(url).status == 404
    fresh.close()
