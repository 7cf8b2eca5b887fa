"""A SMART Health Link end to end in a real Chromium: made in Settings (the QR code,
copy and share buttons shown once), then opened by someone else in a fresh browser
with no account: asked who they are and the passcode, told when it is wrong, and shown
the report decrypted in the browser (pain, leg raises, flags). The server never sees
the key: the link travels in the URL fragment."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, shot
from tests.e2e.test_pwa import AXE, check_axe

pytestmark = pytest.mark.e2e
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe(page, where: str) -> None:
    if AXE.exists():  # else the walkthrough's axe test says why it skips
        check_axe(page, AXE.read_text(), TAGS, where)


def sign_in(page, user) -> None:
    """Through the form, landing on Today (exact: a day with sessions also shows
    "Logged today")."""
    page.goto("/login")
    page.fill("#email", user["email"])
    page.fill("#password", user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()


def make_link(page, passcode: str = "correct horse") -> str:
    page.goto("/settings#shl")
    section = page.locator("#shl")
    section.get_by_label("Label").fill("Back pain diary for Dr Lee")
    section.get_by_label("Data covers").select_option("30")
    section.get_by_label("Passcode").fill(passcode)
    section.get_by_role("button", name="Make a SMART Health Link").click()
    result = page.locator("#shl [data-result]")
    expect(result).to_contain_text("SMART Health Link made")
    expect(result.get_by_role("img", name="QR code of the SMART Health Link for Back pain diary for Dr Lee")).to_be_visible()
    expect(result.get_by_role("button", name="Copy link")).to_be_visible()
    return page.locator("#new-shl-url").input_value()


def test_the_viewer_decrypts_and_shows_the_report(page, browser, live_server, demo_user):
    sign_in(page, demo_user)
    csrf = {"X-CSRF-Token": page.request.get("/api/v1/auth/csrf").json()["csrf_token"]}
    activity = page.request.post("/api/v1/psfs/activities", data={"name": "Putting on socks"},
                                 headers=csrf)
    assert activity.status == 201, activity.text()
    rating = page.request.post("/api/v1/psfs/ratings", headers=csrf, data={
        "client_id": str(uuid.uuid4()), "scores": [{"activity_id": activity.json()["id"], "score": 4}]})
    assert rating.status == 201, rating.text()
    viewer_url = make_link(page)
    assert viewer_url.startswith(f"{live_server.url}/shl#shlink:/")
    shot(page, "shl-settings-made")
    axe(page, "SMART Health Link made")

    stranger = browser.new_context(**PHONE)  # no cookies: someone else's phone
    problems: list[str] = []
    viewer = stranger.new_page()
    # A wrong passcode answers 401 on purpose; Chromium logs that fetch as an error.
    viewer.on("console", lambda m: problems.append(m.text) if m.type == "error"
              and "status of 401" not in m.text else None)
    viewer.on("pageerror", lambda e: problems.append(str(e)))
    fragments_sent: list[str] = []
    viewer.on("request", lambda r: fragments_sent.append(r.url) if "shlink" in r.url else None)
    viewer.goto(viewer_url)
    expect(viewer.get_by_text("Back pain diary for Dr Lee")).to_be_visible()
    axe(viewer, "SMART Health Link viewer, asking")
    viewer.get_by_label("Who is opening this?").fill("Dr Lee, Riverside Practice")
    viewer.get_by_label("Passcode").fill("not the passcode")
    viewer.get_by_role("button", name="Open the diary").click()
    expect(viewer.get_by_text("That passcode is not right. 9 tries left.")).to_be_visible()
    viewer.get_by_label("Passcode").fill("correct horse")
    viewer.get_by_role("button", name="Open the diary").click()
    report = viewer.locator("[data-shl-report]")
    expect(report.get_by_role("heading", name="Pain (0–10)")).to_be_visible()
    expect(report.get_by_role("heading", name="Straight-leg raise (best angle per day)")).to_be_visible()
    expect(report.get_by_role("heading", name="Flags and notes")).to_be_visible()
    expect(report.locator("section", has=viewer.get_by_role("heading", name="Activities they find hard"))
           ).to_contain_text("Putting on socks: 4")
    expect(report).to_contain_text("The data as it was when the link was made")
    expect(report.locator("table").first.locator("tbody tr").first).to_be_visible()
    expect(viewer.get_by_label("Who is opening this?")).to_be_hidden()
    shot(viewer, "shl-viewer-report")
    axe(viewer, "SMART Health Link viewer, the report")
    stranger.close()
    assert not problems, f"browser console errors: {problems}"
    assert not [u for u in fragments_sent if "#" in u]  # the fragment never goes out

    page.goto("/settings#shl")
    expect(page.locator("#shl")).to_contain_text("Dr Lee, Riverside Practice")
    expect(page.locator("#shl")).to_contain_text("opened 1 time")


def test_a_withdrawn_link_says_so_in_the_viewer(page, browser, live_server, user):
    sign_in(page, user)
    viewer_url = make_link(page)
    page.goto("/settings#shl")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#shl").get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("SMART Health Link withdrawn")).to_be_visible()

    stranger = browser.new_context(**PHONE)
    viewer = stranger.new_page()
    viewer.goto(viewer_url)
    viewer.get_by_label("Who is opening this?").fill("Dr Lee")
    viewer.get_by_label("Passcode").fill("correct horse")
    viewer.get_by_role("button", name="Open the diary").click()
    expect(viewer.get_by_text("This link no longer works")).to_be_visible()
    stranger.close()


def test_the_viewer_speaks_the_readers_language(page, browser, live_server, demo_user):
    """A clinician whose browser asks for German reads the viewer in German: the page's
    words, the scripts' words (t/tn) and its dates and numbers (Intl, de)."""
    sign_in(page, demo_user)
    viewer_url = make_link(page)

    stranger = browser.new_context(**{**PHONE, "locale": "de-DE"})
    problems: list[str] = []
    viewer = stranger.new_page()
    viewer.on("pageerror", lambda e: problems.append(str(e)))
    viewer.goto(viewer_url)
    expect(viewer.locator("html")).to_have_attribute("lang", "de")
    expect(viewer.get_by_role("heading", name="Geteiltes Rückenschmerz-Tagebuch")).to_be_visible()
    expect(viewer.locator("[data-shl-expiry]")).to_contain_text("Der Link gilt bis")
    viewer.get_by_label("Wer öffnet das?").fill("Dr. Lee")
    viewer.get_by_label("Zugangscode").fill("falsch falsch")
    viewer.get_by_role("button", name="Tagebuch öffnen").click()
    expect(viewer.get_by_text("Der Zugangscode stimmt nicht. Noch 9 Versuche.")).to_be_visible()
    viewer.get_by_label("Zugangscode").fill("correct horse")
    viewer.get_by_role("button", name="Tagebuch öffnen").click()
    report = viewer.locator("[data-shl-report]")
    expect(report.get_by_role("heading", name="Schmerz (0–10)")).to_be_visible()
    expect(report.get_by_role("heading", name="Hinweise und Notizen")).to_be_visible()
    expect(report).to_contain_text("Die Daten zum Zeitpunkt, als der Link erstellt wurde")
    expect(report.locator("table").first).to_contain_text("Mittelwert")
    assert "Pain by day" not in report.inner_text()
    stranger.close()
    assert not problems, f"browser errors: {problems}"
