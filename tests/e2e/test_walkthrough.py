"""The walk-through's small things (issue 19) in a real Chromium: the tab bar at 360 px
(icons drawn, labels of at least 14 px that never overlap, clip or run together,
nothing wider than the screen), focus on the result of making a share link and of an
import (with and without JavaScript), sign-out from Settings behind a confirmation,
the report's "Sessions" headings whole on screen and on paper, and axe-core on the
new views (a dead share link, sign-out, the results) in light and dark."""
from __future__ import annotations

import json
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, shot, sign_in
from tests.e2e.test_pwa import AXE, check_axe

pytestmark = pytest.mark.e2e

NARROW = {**PHONE, "viewport": {"width": 360, "height": 780}}


@pytest.fixture
def context_of(browser, live_server):
    """``context_of(**options)``: a new browser context on the live server that fails
    the test on any console error, closed afterwards."""
    made, problems = [], []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        # (a dead share link answers 404 on purpose; Chromium logs that page load)
        context.on("console", lambda m: problems.append(m.text) if m.type == "error"
                   and "status of 404" not in m.text else None)
        context.on("weberror", lambda e: problems.append(str(e.error)))
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    assert not problems, f"browser console errors: {problems}"


# ------------------------------------------------------------------ the tab bar at 360 px

TABS = """() => [...document.querySelectorAll('.tabbar a')].map(a => {
    const label = a.querySelector('.tab-label'), icon = a.querySelector('svg.tab-icon');
    const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const drawn = icon.querySelector('use').getBBox();
    const text = document.createRange(); text.selectNodeContents(label);
    return {
      text: label.textContent, tab: box(a), label: box(label), icon: box(icon),
      drawn: [drawn.width, drawn.height],
      hidden: icon.getAttribute('aria-hidden'),
      fontSize: parseFloat(getComputedStyle(label).fontSize),
      clipped: label.scrollWidth > label.clientWidth,
      lines: new Set([...text.getClientRects()].map(r => Math.round(r.top))).size,
    };
})"""


def _apart(a: list[float], b: list[float]) -> bool:
    """Two boxes [left, top, right, bottom] do not overlap."""
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


LABELS = {"en-GB": ["Today", "Log", "History", "Progress", "Stretches", "Settings"],
          # German runs longer: the Settings tab says "Mehr" (the page: "Einstellungen")
          "de-DE": ["Heute", "Eintragen", "Verlauf", "Fortschritt", "Übungen", "Mehr"]}


@pytest.mark.parametrize("language", LABELS)
@pytest.mark.parametrize("path", ["/", "/settings"])
def test_the_tab_bar_at_360_px(context_of, user, path, language):
    page = context_of(**NARROW, locale=language).new_page()
    if language == "en-GB":
        sign_in(page, user)
    else:
        page.goto("/login")
        page.fill("#email", user["email"])
        page.fill("#password", user["password"])
        page.get_by_role("button", name="Anmelden").click()
        expect(page.get_by_role("heading", name="Heute", exact=True)).to_be_visible()
    page.goto(path)
    expect(page.locator(".tabbar a")).to_have_count(6)
    # The icons come from the sprite file: wait until every one has drawn.
    page.wait_for_function("""() => [...document.querySelectorAll('.tabbar use')]
        .every(u => u.getBBox().width > 0)""")
    tabs = page.evaluate(TABS)
    assert [t["text"] for t in tabs] == LABELS[language]
    width = page.evaluate("innerWidth")
    assert width == 360
    for t in tabs:
        name = t["text"]
        assert t["fontSize"] >= 14, (name, t["fontSize"])
        assert t["hidden"] == "true"
        assert t["icon"][2] - t["icon"][0] >= 20 and t["icon"][3] - t["icon"][1] >= 20, name
        assert min(t["drawn"]) > 8, (name, t["drawn"])  # something drawn, not an empty box
        assert not t["clipped"] and t["lines"] == 1, name
        inside = t["tab"]
        assert inside[0] <= t["label"][0] and t["label"][2] <= inside[2], (name, t)
        assert inside[0] <= t["icon"][0] and t["icon"][2] <= inside[2], (name, t)
        assert 0 <= inside[0] and inside[2] <= width, (name, inside)
        assert t["icon"][3] <= t["label"][1] + 0.5, name  # the icon above its label
    for i, a in enumerate(tabs):
        for b in tabs[i + 1:]:
            assert _apart(a["tab"], b["tab"]), (a["text"], b["text"])
    for a, b in zip(tabs, tabs[1:]):
        # labels never run together: a visible gap between neighbours
        assert b["label"][0] - a["label"][2] >= 4, (a["text"], b["text"])
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"tabbar-360{path.replace('/', '-')}")


# ------------------------------------------------------------------ focus on the result


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_new_share_link_gets_focus(context_of, user, javascript):
    page = context_of(**PHONE, java_script_enabled=javascript).new_page()
    sign_in(page, user)
    page.goto("/settings")
    page.fill("#share-label", "Physio")
    page.get_by_role("button", name="Make a share link").click()
    result = page.locator("[data-result]")
    expect(result).to_be_focused()
    expect(result).to_be_in_viewport()
    expect(result.get_by_role("heading", name="Link made")).to_be_visible()
    assert "/s/" in page.locator("#new-share-url").input_value()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "status"
    # The next Tab reaches the link itself.
    page.keyboard.press("Tab")
    expect(page.locator("#new-share-url")).to_be_focused()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_import_result_gets_focus(context_of, users, javascript):
    source = users.create()
    page = context_of(**PHONE, java_script_enabled=javascript).new_page()
    sign_in(page, source)
    page.request.post("/api/v1/reminders", data={"time": "08:00"}, headers={
        "X-CSRF-Token": page.request.get("/api/v1/auth/csrf").json()["csrf_token"]})
    backup = page.request.get("/api/v1/export?format=json").body()
    assert json.loads(backup)["reminders"]
    page.context.clear_cookies()
    sign_in(page, users.create())
    page.goto("/settings")
    page.set_input_files("#import-file", files=[{"name": "backup.json", "mimeType": "application/json",
                                                 "buffer": backup}])
    page.get_by_role("button", name="Import").click()
    result = page.locator("[data-result]")
    expect(result).to_be_focused()
    expect(result).to_be_in_viewport()
    expect(result.get_by_role("heading", name="Imported")).to_be_visible()
    expect(result).to_contain_text("1 reminder added")


# ------------------------------------------------------------------ sign out from Settings


def test_sign_out_from_settings_after_confirming(page, user):
    sign_in(page, user)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-out$"))
    expect(page.get_by_role("heading", name="Sign out of Backstretch on this device?")).to_be_visible()
    shot(page, "sign-out-confirm")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/settings")
    expect(page).to_have_url(re.compile(r"/login\?next=/settings$"))
    assert page.request.get("/api/v1/me").status == 401


def test_cancelling_sign_out_keeps_you_signed_in(page, user):
    sign_in(page, user)
    page.goto("/settings")
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    assert page.request.get("/api/v1/me").status == 200
    page.goto("/")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()


# ------------------------------------------------------------------ the report's headings

SESSIONS_LINES = """() => [...document.querySelectorAll('.report :is(h2, h3, th, dt)')]
    .filter(e => e.textContent.trim() === 'Sessions')
    .map(e => { const r = document.createRange(); r.selectNodeContents(e);
                return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })"""


@pytest.mark.parametrize("media", ["screen", "print"])
def test_the_reports_sessions_headings_never_break(context_of, demo_user, media):
    page = context_of(**PHONE).new_page()
    page.goto("/login")
    page.fill("#email", demo_user["email"])
    page.fill("#password", demo_user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    page.goto("/report?days=30")
    expect(page.get_by_role("heading", name="Relief per stretch")).to_be_visible()
    page.emulate_media(media=media)
    lines = page.evaluate(SESSIONS_LINES)
    assert len(lines) == 3, lines  # at a glance, day by day, relief per stretch
    assert lines == [1, 1, 1], lines


# ------------------------------------------------------------------ accessibility of the new views


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_new_views_pass_axe(context_of, user, scheme):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `make test` (npm ci) first")
    axe = AXE.read_text()
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    page = context_of(**NARROW, color_scheme=scheme).new_page()
    page.goto(f"/s/{uuid.uuid4().hex}")
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    check_axe(page, axe, tags, "dead share link")
    sign_in(page, user)
    check_axe(page, axe, tags, "Today's tab bar")
    page.goto("/sign-out")
    check_axe(page, axe, tags, "sign-out")
    page.goto("/settings")
    page.get_by_role("button", name="Make a share link").click()
    expect(page.locator("[data-result]")).to_be_focused()
    check_axe(page, axe, tags, "share link made")
    page.set_input_files("#import-file", files=[{"name": "empty.json", "mimeType": "application/json",
                                                 "buffer": b'{"format_version": 1}'}])
    page.get_by_role("button", name="Import").click()
    expect(page.locator("[data-result]")).to_be_focused()
    check_axe(page, axe, tags, "import done")
    if scheme == "dark":
        shot(page, "import-done-dark")
