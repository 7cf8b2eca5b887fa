"""Browser fixtures: Debian's Chromium driven by Playwright (never a downloaded
browser), a phone-sized page, and a guard that fails the test on any console error
or Content-Security-Policy violation.

Without Chromium the browser tests skip, saying why; under CI (CI=true) a missing
Chromium is a failure, since CI installs it."""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


def _chromium() -> str | None:
    for candidate in (os.environ.get("TRACKER_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(autouse=True)
def _patient_expect():
    """The suite shares two cores with other work: give the pages, the service worker
    and IndexedDB time before an expectation fails."""
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def app(make_app):
    # Browser tests sign in several times a minute; the limits have tests of their own
    # (tests/integration/test_account_limits.py, test_security.py).
    return make_app(RATELIMIT_ENABLED=False)


@pytest.fixture
def demo_user(app, users):
    """A person with the demo's month of sessions, check-ins and a programme."""
    from tracker.auth.models import User
    from tracker.db_types import utcnow
    from tracker.extensions import db
    from tracker.logbook import demo

    account = users.create(timezone="Europe/London")
    with app.app_context():
        demo.seed(db.session.get(User, account["id"]), 30, utcnow())
        db.session.commit()
    return account


@pytest.fixture(scope="session")
def browser():
    path = _chromium()
    if path is None:
        message = "no Chromium found (apt-get install chromium, or set TRACKER_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must run the browser tests")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    problems: list[str] = []
    # A refused form answers 422 on purpose; Chromium logs that page load as an error.
    page.on("console", lambda m: problems.append(m.text) if m.type == "error"
            and "status of 422" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    if request.node.rep_call_failed if hasattr(request.node, "rep_call_failed") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"), full_page=True)
    context.close()
    assert not problems, f"browser console errors: {problems}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call_failed = report.failed


def shot(page, name: str) -> None:
    """Keep a phone-sized screenshot in test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, user, today: str = "Today") -> None:
    """Sign in through the form, in whatever language it speaks, and land on Today:
    the heading ``today`` (``"Heute"`` for a person who chose German)."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.fill("#email", user["email"])
    page.fill("#password", user["password"])
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", name=today, exact=True)).to_be_visible()


def wait_until(page, check: str, arg=None, *, what: str, timeout_ms: int = 20_000) -> None:
    """Wait until the page function ``check`` (it may be async: IndexedDB, the Cache
    API) gives a truthy value for ``arg``, looking again every 25 ms; fail naming
    ``what`` after ``timeout_ms``. page.wait_for_function cannot do this: it takes an
    async function's promise itself for a truthy value and returns at once."""
    page.evaluate(f"""async ([arg, timeout, what]) => {{
        const check = {check};
        const end = Date.now() + timeout;
        while (!(await check(arg))) {{
          if (Date.now() > end) throw new Error(`waited ${{timeout}} ms for ${{what}}`);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }}
      }}""", [arg, timeout_ms, what])


def sign_out(page) -> None:
    """Sign out as a person does (Settings' Sign out asks first) and land on Sign in."""
    from playwright.sync_api import expect

    page.goto("/sign-out")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


@contextlib.contextmanager
def first_load(browser, live_server, user, path: str):
    """``(page, sizes)``: ``path`` opened signed in as ``user`` with nothing cached and no
    service worker, once the network is idle; ``sizes`` lists (url, bytes on the wire,
    headers included) of every request the first load made."""
    signed_in = browser.new_context(base_url=live_server.url, service_workers="block", **PHONE)
    sign_in(signed_in.new_page(), user)
    fresh = browser.new_context(base_url=live_server.url, service_workers="block",
                                storage_state=signed_in.storage_state(), **PHONE)
    page = fresh.new_page()
    sizes: list[tuple[str, int]] = []
    page.on("requestfinished", lambda r: sizes.append(
        (r.url, r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"])))
    page.goto(path)
    page.wait_for_load_state("networkidle")
    try:
        yield page, sizes
    finally:
        signed_in.close()
        fresh.close()
