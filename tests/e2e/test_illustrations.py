"""The stretch drawings (issue 18) in a real Chromium on a phone: the stretch page
shows the drawing looping between its two positions; with reduced motion only the
end position shows and nothing moves; the drawing shows offline (the sprite is in the
precache); axe-core finds nothing on the stretch page or behind "How to" on the log
form, light or dark; screenshots of both go to test-artifacts/ for people to look at."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, shot, sign_in
from tests.e2e.test_pwa import AXE, check_axe, wait_for_control
from tests.e2e.test_pwa import phone  # noqa: F401 - a fixture: one persistent profile
from tests.support import Accounts

pytestmark = pytest.mark.e2e

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CYCLE_MS = 9000  # the loop in static/css/app.css: start only near 0, end only at 50-75 %
# The animations of the drawing's layers, by name.
POSE_ANIMATIONS = """() => [...document.querySelectorAll(".pose *")].flatMap(e => e.getAnimations())
    .map(a => a.animationName)"""




@pytest.fixture
def account(app) -> dict:
    return Accounts(app).create()


def layer_box(page, layer: str) -> dict:
    """The drawn size of one <use> layer: zero when the sprite did not load."""
    box = page.locator(f"svg.pose use.{layer}").bounding_box()
    assert box is not None, f"{layer} is not rendered"
    return box


def hold_at(page, ms: int) -> None:
    """Stop the loop at ``ms`` into its cycle (0: the start position, 5500: the end)."""
    page.evaluate("""ms => { for (const a of document.getAnimations()) { a.pause(); a.currentTime = ms; } }""", ms)


def test_the_stretch_page_loops_between_the_two_positions(page, account):
    sign_in(page, account)
    page.goto("/stretches/double-knee-to-chest")
    drawing = page.get_by_role("img", name="Drawing: lying on the back", exact=False)
    expect(drawing).to_be_visible()
    box = drawing.bounding_box()
    assert box["width"] >= 250 and box["height"] >= 120, box  # most of a 390 px phone
    for layer in ("pose-start", "pose-end"):
        drawn = layer_box(page, layer)
        assert drawn["width"] > 50 and drawn["height"] > 20, (layer, drawn)
    assert sorted(page.evaluate(POSE_ANIMATIONS)) == ["pose-end", "pose-start"]
    opacity = "el => getComputedStyle(el).opacity"
    hold_at(page, 0)
    assert page.locator("use.pose-start").evaluate(opacity) == "1"
    assert page.locator("use.pose-end").evaluate(opacity) == "0"
    hold_at(page, CYCLE_MS * 60 // 100)
    assert page.locator("use.pose-start").evaluate(opacity) == "0"
    assert page.locator("use.pose-end").evaluate(opacity) == "1"


def test_with_reduced_motion_only_the_end_position_shows_and_nothing_moves(page, account):
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, account)
    page.goto("/stretches/slr-strap")
    expect(page.locator("svg.pose")).to_be_visible()
    assert page.locator("use.pose-start").evaluate("el => getComputedStyle(el).display") == "none"
    drawn = layer_box(page, "pose-end")
    assert drawn["width"] > 50 and drawn["height"] > 20, drawn
    assert page.locator("use.pose-end").evaluate("el => getComputedStyle(el).opacity") == "1"
    assert page.evaluate(POSE_ANIMATIONS) == []


def test_the_drawing_shows_offline(phone, account):  # noqa: F811 - the imported fixture
    """From the precache: online this phone only showed Today (no drawing there) while
    the worker fetched the log page's HTML, so the drawing was never loaded before."""
    context = phone()
    page = context.pages[0]
    sign_in(page, account)
    wait_for_control(page)
    assert any(p.startswith("/static/img/stretches.") for p in page.evaluate(SHELL_CACHE))
    context.close()
    page = phone(offline=True).pages[0]
    page.goto("/log")
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    card = page.locator("#card-slr-strap")
    card.get_by_text("How to", exact=True).click()
    expect(card.locator("svg.pose")).to_be_visible()
    page.wait_for_load_state("networkidle")
    drawn = card.locator("use.pose-end").bounding_box()
    assert drawn and drawn["width"] > 50 and drawn["height"] > 20, drawn


# The paths in the worker's precache (the versioned "shell-" cache).
SHELL_CACHE = """async () => { const name = (await caches.keys()).find(n => n.startsWith("shell-"));
    const cache = await caches.open(name);
    return (await cache.keys()).map(r => new URL(r.url).pathname); }"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_drawings_pass_axe_light_and_dark(page, account, scheme):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `make test` (npm ci) first")
    axe = AXE.read_text()
    page.emulate_media(color_scheme=scheme)
    sign_in(page, account)
    page.goto("/stretches/slr-assisted")
    expect(page.locator("svg.pose")).to_be_visible()
    hold_at(page, CYCLE_MS * 60 // 100)
    check_axe(page, axe, TAGS, "stretch page")
    shot(page, f"illustration-stretch-{scheme}-end")
    hold_at(page, 0)
    shot(page, f"illustration-stretch-{scheme}-start")
    page.goto("/log")
    card = page.locator("#card-slr-strap")
    card.get_by_text("How to", exact=True).click()
    how_to = card.locator("details.how-to")
    expect(how_to).to_have_attribute("open", "")
    expect(how_to.get_by_role("img", name="Drawing: lying on the back with a strap", exact=False)).to_be_visible()
    expect(how_to.get_by_role("link", name="More about this stretch")).to_be_visible()
    hold_at(page, CYCLE_MS * 60 // 100)
    check_axe(page, axe, TAGS, "log form, How to open")
    how_to.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)  # the phone's screen, not the whole long form
    page.screenshot(path=str(ARTIFACTS / f"illustration-log-{scheme}.png"))


def test_how_to_opens_without_javascript(browser, live_server, account):
    from tests.e2e.conftest import PHONE

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **PHONE)
    try:
        page = context.new_page()
        sign_in(page, account)
        page.goto("/log")
        card = page.locator("#card-double-knee-to-chest")
        drawing = card.get_by_role("img", name="Drawing: lying on the back", exact=False)
        expect(drawing).to_be_hidden()  # closed, the card stays short
        card.get_by_text("How to", exact=True).click()
        expect(drawing).to_be_visible()
        expect(card.get_by_role("link", name="More about this stretch")).to_have_attribute(
            "href", "/stretches/double-knee-to-chest")
    finally:
        context.close()
