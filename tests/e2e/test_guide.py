"""The guided session (/guide) on a phone in a real Chromium: a whole session, one step
per screen with no vertical scroll, saved once; light and dark with axe-core; a reload
in the middle resumes at the same step with the same answers; offline it syncs once;
without JavaScript the page points to the log form."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import PHONE, first_load, shot, sign_in, sign_out
from tests.e2e.test_pwa import AXE, check_axe
from tests.e2e.test_drafts import wait_until_guide_kept
from tracker.extensions import db
from tracker.logbook.models import StretchSession

pytestmark = pytest.mark.e2e

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]




def saved_sessions(app) -> list[StretchSession]:
    with app.app_context():
        found = list(db.session.scalars(select(StretchSession)))
        for s in found:
            _ = [e.stretch.slug for e in s.entries]
        db.session.remove()
        return found


def current_step(page):
    return page.locator("[data-step]:visible")


# Where the shown step ends on the page, and how much of the screen the tab bar leaves.
STEP_FITS = """() => {
    const step = document.querySelector("[data-step]:not([hidden]), [data-resume]:not([hidden])");
    const bar = document.querySelector(".tabbar");
    return [step.getBoundingClientRect().bottom + scrollY, innerHeight - (bar ? bar.offsetHeight : 0)];
}"""


def assert_fits(page, where: str) -> None:
    """The step is all on the screen, above the tab bar: nothing of it to scroll to."""
    bottom, room = page.evaluate(STEP_FITS)
    assert bottom <= room, f"{where}: the step ends at {bottom:.0f}px, the screen has {room}px"


def pick_pain(page, score: int) -> None:
    current_step(page).locator(f"label.pain-{score}").click()


def start_programme(page) -> None:
    response = page.request.post("/api/v1/programs", data={"affected_leg": "left"},
                                 headers={"X-CSRF-Token": csrf(page)})
    assert response.status == 201, response.text()


def csrf(page) -> str:
    return page.request.get("/api/v1/auth/csrf").json()["csrf_token"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_whole_guided_session_is_saved_once(page, app, user, scheme):
    page.emulate_media(color_scheme=scheme)
    axe = AXE.read_text() if AXE.exists() else None
    sign_in(page, user)
    start_programme(page)
    page.get_by_role("link", name="Start today's session").click()

    expect(current_step(page).get_by_text("How much does your back hurt now?")).to_be_visible()
    assert_fits(page, "pain before")
    shot(page, f"guide-{scheme}-1-pain-before")
    if axe:
        check_axe(page, axe, TAGS, "guide: pain before")
    pick_pain(page, 6)

    names = []
    for n in range(1, 10):
        step = current_step(page)
        expect(step.locator(".guide-count")).to_be_visible()
        if step.get_attribute("data-step") != "stretch":
            break
        expect(step.locator(".guide-count")).to_have_text(f"Stretch {n} of 4")
        name = step.get_attribute("data-name")
        names.append(name)
        expect(step.get_by_role("heading", name=name)).to_be_visible()
        expect(step.locator("svg.pose title")).not_to_have_text("")
        shot(page, f"guide-{scheme}-2-stretch-{n}")
        assert_fits(page, name)
        if axe and n == 1:
            check_axe(page, axe, TAGS, f"guide: {name}")
        if step.get_attribute("data-slug") == "slr-strap":
            expect(step.locator(".guide-target")).to_contain_text("left leg")
            step.locator("input[name$='[angle_left]']").fill("45")
        step.get_by_role("button", name="Done").click()
        expect(page.locator(f"[data-step][data-name='{name}']")).to_be_hidden()

    assert len(names) == 4, names
    expect(current_step(page).get_by_text("How much does your back hurt now?")).to_be_visible()
    assert_fits(page, "pain after")
    pick_pain(page, 4)

    summary = current_step(page)
    expect(summary.get_by_role("heading", name="Your session")).to_be_visible()
    expect(summary).to_contain_text("Pain 6 → 4")
    expect(summary).to_contain_text("Your left leg reached 45°")
    assert_fits(page, "summary")
    shot(page, f"guide-{scheme}-3-summary")
    if axe:
        check_axe(page, axe, TAGS, "guide: summary")
    summary.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session saved.")).to_be_visible()

    [session] = saved_sessions(app)
    assert (session.pain_before, session.pain_after) == (6, 4)
    assert len({e.stretch.slug for e in session.entries}) == 4
    assert {(e.side, e.angle_deg) for e in session.entries if e.stretch.slug == "slr-strap"} == {("left", 45.0)}
    # Saved: the guide starts afresh, with nothing to resume.
    page.goto("/guide")
    expect(current_step(page).get_by_text("How much does your back hurt now?")).to_be_visible()
    expect(page.locator("[data-resume]")).to_be_hidden()


def test_skip_and_made_it_worse(page, app, user):
    sign_in(page, user)
    page.goto("/guide")
    pick_pain(page, 3)
    first = current_step(page)
    first.get_by_role("button", name="Skip").click()
    second = current_step(page)
    worse_name = second.get_attribute("data-name")
    second.get_by_role("button", name="This made my pain worse").click()
    advice = second.locator("[data-worse-advice]")
    expect(advice).to_be_visible()
    expect(advice).to_contain_text("Stop this stretch now")
    assert_fits(page, "made it worse")
    shot(page, "guide-light-worse")
    advice.get_by_role("button", name="Next").click()
    while current_step(page).get_attribute("data-step") == "stretch":
        current_step(page).get_by_role("button", name="Skip").click()
    pick_pain(page, 5)
    summary = current_step(page)
    expect(summary).to_contain_text("skipped")
    expect(summary).to_contain_text("made it worse")
    summary.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session saved.")).to_be_visible()
    [session] = saved_sessions(app)
    assert [(e.stretch.name, e.worse) for e in session.entries] == [
        (worse_name, True)] * len(session.entries)


def test_back_returns_to_the_previous_step_with_its_answers(page, user):
    sign_in(page, user)
    page.goto("/guide")
    pick_pain(page, 7)
    current_step(page).get_by_role("button", name="Back").click()
    expect(current_step(page).locator("input[name=pain_before][value='7']")).to_be_checked()


def test_a_reload_in_the_middle_resumes_at_the_same_step(page, user):
    sign_in(page, user)
    page.goto("/guide")
    pick_pain(page, 6)
    current_step(page).get_by_role("button", name="Done").click()
    third = current_step(page).get_attribute("data-name")
    wait_until_guide_kept(page)
    page.reload()
    resume = page.locator("[data-resume]")
    expect(resume).to_be_visible()
    assert_fits(page, "resume")
    resume.get_by_role("button", name="Continue where you left off").click()
    expect(current_step(page).get_by_role("heading", name=third)).to_be_visible()
    current_step(page).get_by_role("button", name="Back").click()
    current_step(page).get_by_role("button", name="Back").click()
    expect(current_step(page).locator("input[name=pain_before][value='6']")).to_be_checked()
    # Start over: a fresh session from the first step.
    page.reload()
    page.get_by_role("button", name="Start over").click()
    expect(current_step(page).get_by_text("How much does your back hurt now?")).to_be_visible()
    expect(current_step(page).locator("input[name=pain_before]:checked")).to_have_count(0)


def test_another_person_on_the_same_phone_sees_no_draft(browser, live_server, users):
    first, second = users.create(), users.create()
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    sign_in(page, first)
    page.goto("/guide")
    pick_pain(page, 8)
    wait_until_guide_kept(page)  # the first person's draft is on the phone
    sign_out(page)
    sign_in(page, second)
    page.goto("/guide")
    expect(current_step(page).get_by_text("How much does your back hurt now?")).to_be_visible()
    expect(page.locator("[data-resume]")).to_be_hidden()
    context.close()


def test_without_javascript_the_guide_points_to_the_log_form(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", user["email"])
    page.fill("#password", user["password"])
    page.get_by_role("button", name="Sign in").click()
    page.goto("/guide")
    link = page.get_by_role("link", name="Log your session on the form")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    context.close()


def test_guide_first_load_weighs_at_most_60_kb(browser, live_server, user):
    """Compressed, its script and the drawings included, with no cache to help."""
    with first_load(browser, live_server, user, "/guide") as (page, sizes):
        expect(current_step(page).get_by_text("How much does your back hurt now?")).to_be_visible()
        total = sum(size for _url, size in sizes)
        print(f"/guide first load: {total} bytes over {len(sizes)} requests")
        assert total <= 60_000, sizes
        assert any("guide" in url and url.endswith(".js") for url, _ in sizes), sizes


def test_an_offline_guided_session_syncs_exactly_once(page, app, user):
    from tests.e2e.test_pwa import sessions_on_server, wait_for_control

    sign_in(page, user)
    wait_for_control(page)
    page.goto("/guide")  # once online: the page is kept for offline use
    expect(current_step(page).get_by_text("How much does your back hurt now?")).to_be_visible()
    page.context.set_offline(True)
    page.reload()
    pick_pain(page, 5)
    while current_step(page).get_attribute("data-step") == "stretch":
        current_step(page).get_by_role("button", name="Done").click()
    pick_pain(page, 3)
    current_step(page).get_by_role("button", name="Save session").click()
    unsynced = page.locator("[data-outbox-list] .unsynced")
    expect(unsynced).to_have_count(1)  # on Today, waiting for the connection
    assert sessions_on_server(app) == 0
    page.context.set_offline(False)
    expect(unsynced).to_have_count(0)
    page.reload()
    page.wait_for_load_state("networkidle")
    assert sessions_on_server(app) == 1
    [session] = saved_sessions(app)
    assert (session.pain_before, session.pain_after) == (5, 3)
