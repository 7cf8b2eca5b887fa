"""The Progress page on a phone-sized Chromium over real HTTP: with a demo month it
draws both charts (uPlot canvases) with no console errors or CSP violations; a tap or
the keyboard reads a day into the legend and keeps it; the x axis speaks in days ("6
Dec") with one to three days of data; nothing moves as the charts draw (layout shift);
the calendar of 365 days fits a 390 px phone with weekday and month labels; flare-ups
are hatched grey on both charts (and the charts draw when the figures have none); the
programme band keeps 3:1 against the card; axe-core passes with the charts drawn.
Light and dark screenshots are kept in test-artifacts/."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, shot
from tests.e2e.test_pwa import AXE, check_axe
from tracker.auth.models import User
from tracker.dates import short_date
from tracker.db_types import utcnow
from tracker.domain.clock import local_date
from tracker.extensions import db
from tracker.logbook.demo import seed

pytestmark = pytest.mark.e2e

DAY_LABEL = re.compile(r"^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$")
WEEKDAY_LABEL = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}( \d{4})?$")
# Every text uPlot draws on a chart's canvases, by chart: the axes live only there.
RECORD_CANVAS_TEXT = """(() => {
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  window.chartTexts = [];
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    const chart = this.canvas.closest && this.canvas.closest("[data-chart]");
    if (chart) window.chartTexts.push([chart.dataset.chart, String(text)]);
    return fillText.call(this, text, ...rest);
  };
})()"""
# The layout shifts of the page so far (buffered), without those right after input,
# read once the browser has rendered two more frames.
LAYOUT_SHIFT = """() => new Promise((done) => {
  let sum = 0;
  const add = (entries) => { for (const e of entries) if (!e.hadRecentInput) sum += e.value; };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ type: "layout-shift", buffered: true });
  requestAnimationFrame(() => requestAnimationFrame(() => {
    add(observer.takeRecords());
    observer.disconnect();
    done(sum);
  }));
})"""
# How many colours a 16 x 16 px patch of a chart's canvas holds, around a point given
# as fractions of the plot's width and height (1 = one flat colour, or nothing).
PATCH_COLOURS = """([chart, fx, fy]) => {
  const el = document.querySelector(`[data-chart='${chart}']`);
  const canvas = el.querySelector("canvas");
  const plot = el.querySelector(".u-over").getBoundingClientRect();
  const box = canvas.getBoundingClientRect();
  const ratio = canvas.width / box.width;
  const x = Math.round((plot.left - box.left + fx * plot.width) * ratio);
  const y = Math.round((plot.top - box.top + fy * plot.height) * ratio);
  const pixels = canvas.getContext("2d").getImageData(x - 8, y - 8, 16, 16).data;
  const colours = new Set();
  for (let i = 0; i < pixels.length; i += 4) colours.add(pixels.slice(i, i + 4).join());
  return colours.size;
}"""


@pytest.fixture
def people(app, users):
    """``people(days)``: a new account with ``days`` days of demo data ending today."""
    def make(days: int) -> dict:
        user = users.create()
        with app.app_context():
            seed(db.session.get(User, user["id"]), days, utcnow())
            db.session.commit()
        user["today"] = local_date(utcnow(), user["timezone"])
        return user
    return make


@pytest.fixture
def demo_user(people):
    return people(30)


@pytest.fixture
def quiet_page(browser, live_server, request):
    """``quiet_page(**context options)``: a page like ``page`` (phone-sized, console
    errors fail the test) without a service worker, so page.route sees every request."""
    contexts, problems = [], []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, service_workers="block",
                                      **{**PHONE, **options})
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, f"browser console errors: {problems}"


def sign_in(page, user):
    page.goto("/login")
    page.fill("#email", user["email"])
    page.fill("#password", user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()


def open_progress(page, user, days: int = 30):
    sign_in(page, user)
    page.goto(f"/progress?days={days}")
    expect(page.locator("html")).to_have_attribute("data-charts", "2")


def legend(page, chart: str):
    """The legend's cells: the day first, then each series' value."""
    return page.locator(f"[data-chart='{chart}'] .u-legend .u-value")


def figures(page, days: int = 30) -> dict:
    return page.request.get(f"/api/v1/progress?days={days}").json()


def figure(value: float) -> str:
    """A legend figure as English pages write it: "4.5", a whole one without ".0"."""
    return f"{round(value, 1):g}"


def day_centre(index: int, count: int) -> float:
    """Where day ``index`` of ``count`` sits across the plot: the x axis runs from half
    a day before the first to half a day after the last."""
    return (index + 0.5) / count


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
    # without hovering, each legend reads the latest day in the app's date style
    for chart in ("pain", "slr"):
        expect(legend(page, chart).first).to_have_text(short_date(demo_user["today"], weekday=True))
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


def test_a_tap_reads_a_day_into_the_legend_and_keeps_it(page, demo_user):
    open_progress(page, demo_user)
    daily = figures(page)["pain"]["daily"]
    assert len(daily) == 30
    values = legend(page, "pain")
    over = page.locator("[data-chart='pain'] .u-over")
    box = over.bounding_box()
    for index in (4, 17):
        day = dt.date.fromisoformat(daily[index]["date"])
        over.tap(position={"x": box["width"] * day_centre(index, 30), "y": 30})
        expect(values.nth(0)).to_have_text(short_date(day, weekday=True))
        expect(values.nth(1)).to_have_text(figure(daily[index]["mean"]))
    # a tap elsewhere leaves the day in the legend
    page.get_by_role("heading", name="Pain", exact=True).tap()
    expect(values.nth(0)).to_have_text(short_date(day, weekday=True))
    expect(values.nth(1)).to_have_text(figure(daily[17]["mean"]))


def test_the_keyboard_moves_the_day_read(page, demo_user):
    open_progress(page, demo_user)
    body = figures(page)
    daily, rolling = body["pain"]["daily"], body["pain"]["rolling_7d"]
    chart = page.locator("[data-chart='pain']")
    expect(chart).to_have_attribute("tabindex", "0")
    expect(chart).to_have_attribute("role", "slider")
    expect(chart).to_have_attribute("aria-label", re.compile("^Pain per day: arrow keys"))
    chart.focus()
    values = legend(page, "pain")
    for keys, index in ((["End"], 29), (["ArrowLeft", "ArrowLeft"], 27), (["Home"], 0),
                        (["ArrowRight"], 1), (["PageUp"], 8)):
        for key in keys:
            page.keyboard.press(key)
        day = short_date(dt.date.fromisoformat(daily[index]["date"]), weekday=True)
        expect(values.nth(0)).to_have_text(day)
        expect(chart).to_have_attribute("aria-valuenow", str(index))
        read = (f"{day}: Pain {figure(daily[index]['mean'])}, "
                f"7-day {figure(rolling[index]['value'])}, Start ")
        expect(chart).to_have_attribute("aria-valuetext", re.compile(f"^{read}"))


@pytest.mark.parametrize("days", [1, 2, 3])
def test_a_short_chart_is_labelled_in_days(page, people, days):
    person = people(days)
    page.add_init_script(RECORD_CANVAS_TEXT)
    open_progress(page, person)
    texts = page.evaluate("window.chartTexts")
    # the pain axis: one label a day of data, "6 Dec", never years or hours
    labels = {text for chart, text in texts if chart == "pain"}
    x_labels = labels - {"Pain 0–10", *map(str, range(0, 11, 2))}
    expected = {short_date(person["today"] - dt.timedelta(days=n)) for n in range(days)}
    assert x_labels == expected
    # the raise chart also runs over the programme's 10 days: days too
    labels = {text for chart, text in texts if chart == "slr"}
    x_labels = labels - {"Degrees", *(f"{n}°" for n in range(0, 101, 20))}
    assert x_labels and all(DAY_LABEL.match(label) for label in x_labels), x_labels


def test_the_calendar_of_a_year_fits_a_phone(page, people):
    person = people(365)
    open_progress(page, person, days=365)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    calendar = page.locator(".calendar")
    box = calendar.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
    assert box["height"] < 700, box  # compact: 13 small months, not 53 rows of weeks
    # a day a cell, each still big enough to see
    cells = calendar.locator("td.logged, td.missed")
    expect(cells).to_have_count(365)
    assert cells.first.bounding_box()["width"] >= 10
    # month labels, the first with its year when it is not this one
    first = person["today"] - dt.timedelta(days=364)
    months = (person["today"].year - first.year) * 12 + person["today"].month - first.month + 1
    captions = calendar.locator("caption")
    expect(captions).to_have_count(months)
    expect(captions.first).to_have_text(
        first.strftime("%b") + ("" if first.year == person["today"].year else f" {first.year}"))
    expect(captions.last).to_have_text(person["today"].strftime("%b"))
    # weekday labels over every month: M T W T F S S, with their names for screen readers
    for table in calendar.locator("table").all():
        expect(table.locator("thead th [aria-hidden]")).to_have_text(list("MTWTFSS"))
    expect(calendar.locator("table").first.locator("thead th .visually-hidden")).to_have_text(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
    shot(page, "progress-365-calendar")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nothing_moves_as_the_charts_draw(quiet_page, demo_user, scheme):
    # Not Chromium's mobile emulation: it marks the shifts of a loading page as
    # following input (hadRecentInput), which would hide them from the sum.
    page = quiet_page(is_mobile=False, color_scheme=scheme)
    sign_in(page, demo_user)
    page = page.context.new_page()  # no input on this page
    # hold the figures until the page has painted, as a slow connection does
    held = []
    page.route("**/api/v1/progress?*", lambda route: held.append(route))
    with page.expect_request("**/api/v1/progress?*"):
        page.goto("/progress")
    # Functions, not expressions: Playwright evals an expression in the page, which
    # the page's CSP (no 'unsafe-eval') refuses.
    page.wait_for_function(
        "() => performance.getEntriesByType('paint').some((e) => e.name === 'first-contentful-paint')")
    while not held:  # the route's handler runs when Playwright next hears from the page
        page.wait_for_function("() => true")
    held[0].continue_()
    expect(page.locator("html")).to_have_attribute("data-charts", "2")
    expect(legend(page, "slr").first).to_have_text(short_date(demo_user["today"], weekday=True))
    shift = page.evaluate(LAYOUT_SHIFT)
    print(f"layout shift on /progress ({scheme}): {shift:.4f}")
    assert shift < 0.1
    # below the fold too: each chart drew inside the room kept for it
    for drawn, kept in page.evaluate("""[...document.querySelectorAll(".chart")].map((el) =>
            [el.getBoundingClientRect().height, parseFloat(getComputedStyle(el).minHeight)])"""):
        assert abs(drawn - kept) < 1, (drawn, kept)


def flare(today: dt.date, first: int, last: int) -> dict:
    """A flare-up from ``first`` to ``last`` days ago, as GET /api/v1/progress has it."""
    start, end = today - dt.timedelta(days=first), today - dt.timedelta(days=last)
    return {"id": 1, "start_date": start.isoformat(), "end_date": end.isoformat(),
            "days": first - last + 1, "note": "", "active": False}


@pytest.mark.parametrize("flare_ups", ["given", "absent"])
def test_flare_ups_are_hatched_on_both_charts(quiet_page, demo_user, flare_ups):
    page = quiet_page()

    def figures_with(route):
        response = route.fetch()
        body = response.json()
        body.pop("flare_ups", None)
        if flare_ups == "given":  # days 10 to 12 of the 30
            body["flare_ups"] = [flare(demo_user["today"], 19, 17)]
        route.fulfill(response=response, json=body)

    page.route("**/api/v1/progress?*", figures_with)
    open_progress(page, demo_user)
    # near the top of each plot, clear of data, grid and bands: hatched in the pause
    # (many colours), empty elsewhere
    for chart in ("pain", "slr"):
        paused = page.evaluate(PATCH_COLOURS, [chart, day_centre(11, 30), 0.05])
        elsewhere = page.evaluate(PATCH_COLOURS, [chart, day_centre(25, 30), 0.05])
        assert elsewhere == 1
        assert (paused > 2) is (flare_ups == "given"), (chart, paused)
    # the legend says when a day read is in the pause
    page.locator("[data-chart='pain']").focus()
    page.keyboard.press("Home")
    for _ in range(11):
        page.keyboard.press("ArrowRight")
    day = short_date(demo_user["today"] - dt.timedelta(days=18), weekday=True)
    expect(legend(page, "pain").first).to_have_text(
        f"{day} · flare-up pause" if flare_ups == "given" else day)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rgb or #rrggbb colours."""
    def luminance(colour: str) -> float:
        digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:])
        channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(("scheme", "part"), [
    ("dark", "--band"),        # the band's fill against the card
    ("dark", "--band-edge"),
    ("light", "--band-edge"),  # in light mode its edge carries it
])
def test_the_programme_band_stands_out_from_the_card(page, scheme, part):
    page.emulate_media(color_scheme=scheme)
    page.goto("/login")
    band, card = page.evaluate("""(names) => names.map((name) =>
        getComputedStyle(document.documentElement).getPropertyValue(name).trim())""",
                               [part, "--surface"])
    ratio = contrast(band, card)
    print(f"{scheme} {part} {band} on {card}: {ratio:.2f}:1")
    assert ratio >= 3


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_progress_with_charts_passes_axe(page, demo_user, scheme):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `make test` (npm ci) first")
    page.emulate_media(color_scheme=scheme)
    open_progress(page, demo_user)
    check_axe(page, AXE.read_text(), ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
              f"/progress ({scheme})")
