"""German pages in a real Chromium (issue 23): axe-core finds nothing on any of them,
in light and dark; none scrolls sideways on a 360 px phone, though German runs about a
third longer than English; the page says it is German (<html lang="de">)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, shot, sign_in
from tests.e2e.test_pwa import AXE, check_axe

pytestmark = pytest.mark.e2e

NARROW = {**PHONE, "viewport": {"width": 360, "height": 780}, "locale": "de-DE"}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ["/", "/log", "/guide", "/history", "/stretches", "/stretches/slr-strap", "/safety",
         "/flare-up", "/progress", "/program", "/psfs", "/reminders", "/settings", "/report",
         "/sign-out", "/offline"]
SIGNED_OUT = ["/login", "/register", "/reset-password", "/shl"]


@pytest.fixture
def german_user(app, users):
    """A German person with the demo's month of sessions, check-ins and a programme."""
    from tracker.auth.models import User
    from tracker.db_types import utcnow
    from tracker.extensions import db
    from tracker.logbook import demo

    account = users.create(timezone="Europe/Berlin", locale="de")
    with app.app_context():
        demo.seed(db.session.get(User, account["id"]), 30, utcnow())
        db.session.commit()
    return account


@pytest.fixture
def german_page(browser, live_server):
    contexts, problems = [], []

    def make(scheme: str = "light"):
        context = browser.new_context(base_url=live_server.url, color_scheme=scheme, **NARROW)
        context.on("console", lambda m: problems.append(m.text) if m.type == "error"
                   and "status of 404" not in m.text else None)
        context.on("weberror", lambda e: problems.append(str(e.error)))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


def sideways(page) -> list[str]:
    """What sticks out past the screen's right edge (nothing should)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return [];
        return [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > width + 1)
          .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40));
    }""")


def open_german(page, path: str, axe: str | None, label: str) -> None:
    """Open ``path``: German, nothing past the right edge, and (with axe-core) no
    violation."""
    page.goto(path)
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.lang") == "de", path
    assert sideways(page) == [], path
    if axe:
        check_axe(page, axe, TAGS, label)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_german_pages_fit_360_px_and_pass_axe(german_page, german_user, scheme):
    page = german_page(scheme)
    sign_in(page, german_user, "Heute")
    axe = AXE.read_text() if AXE.exists() else None
    for path in PAGES:
        open_german(page, path, axe, f"{path} ({scheme})")
        if scheme == "light":
            shot(page, "de" + (path.replace("/", "-") if path != "/" else "-today"))
    if not axe:
        pytest.skip("axe-core is not installed (npm ci): widths checked, axe not run")


def test_signed_out_pages_in_german_from_the_browsers_language(german_page):
    page = german_page()
    axe = AXE.read_text() if AXE.exists() else None
    for path in SIGNED_OUT:
        open_german(page, path, axe, path)
    page.goto("/login")
    expect(page.get_by_role("button", name="Anmelden")).to_be_visible()
