"""The Progress charts in the person's language (issue 23), on a phone-sized Chromium:
a German person's legend reads "So., 6. Dez." and decimals with a comma ("4,7"), the
x axis "6. Dez.", the series and axis words German; an English person's charts keep
"Sun 6 Dec", "6 Dec" and "4.7" (never the American "12/6")."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from babel import Locale
from babel.numbers import format_decimal
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_progress import RECORD_CANVAS_TEXT
from tracker.auth.models import User
from tracker.dates import short_date
from tracker.db_types import utcnow
from tracker.domain.clock import local_date
from tracker.extensions import db
from tracker.logbook.demo import seed

pytestmark = pytest.mark.e2e

GERMAN_DAY = re.compile(r"^\d{1,2}\. (Jan\.|Feb\.|März|Apr\.|Mai|Juni|Juli|Aug\.|Sept\.|Okt\.|"
                        r"Nov\.|Dez\.)$")
ENGLISH_DAY = re.compile(r"^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$")
LOCALES = {"de": Locale.parse("de"), "en": Locale.parse("en_GB")}
TODAY = {"de": "Heute", "en": "Today"}  # Today's heading, where sign-in lands


@pytest.fixture
def person(app, users):
    """``person(locale)``: an account that chose ``locale`` (None: the browser's), with a
    demo month ending today."""
    def make(locale: str | None) -> dict:
        user = users.create(locale=locale)
        with app.app_context():
            seed(db.session.get(User, user["id"]), 30, utcnow())
            db.session.commit()
        user["today"] = local_date(utcnow(), user["timezone"])
        return user
    return make


def open_progress(page, user, code: str) -> dict:  # noqa: ANN001
    page.add_init_script(RECORD_CANVAS_TEXT)
    sign_in(page, user, TODAY[code])
    page.goto("/progress")
    expect(page.locator("html")).to_have_attribute("data-charts", "2")
    return page.request.get("/api/v1/progress?days=30").json()


def said(value: float, code: str) -> str:
    """A legend figure as the language writes it ("4.7" / "4,7"), like ``decimal``."""
    return format_decimal(round(value, 1), format="#,##0.#", locale=LOCALES[code])


def fractional_day(rolling: list[dict]) -> int:
    """A day whose 7-day mean shows a decimal, away from a rounding tie."""
    for index, point in enumerate(rolling):
        tenths = point["value"] * 10
        if round(tenths) % 10 and abs(tenths - int(tenths) - 0.5) > 0.1:
            return index
    raise AssertionError("the demo month has no 7-day mean with a decimal")


def read_day(page, index: int) -> None:  # noqa: ANN001
    """The keyboard moves the pain chart's legend to day ``index``."""
    chart = page.locator("[data-chart='pain']")
    chart.focus()
    page.keyboard.press("Home")
    for _ in range(index):
        page.keyboard.press("ArrowRight")
    expect(chart).to_have_attribute("aria-valuenow", str(index))


def check_charts(page, user, code: str, day_label: re.Pattern) -> None:  # noqa: ANN001
    body = open_progress(page, user, code)
    rolling = body["pain"]["rolling_7d"]
    values = page.locator("[data-chart='pain'] .u-legend .u-value")
    # the legend reads the latest day first, as the server writes it in this language
    today = short_date(user["today"], weekday=True, locale=LOCALES[code])
    expect(values.first).to_have_text(today)
    # a decimal as the language writes it
    index = fractional_day(rolling)
    read_day(page, index)
    day = dt.date.fromisoformat(rolling[index]["date"])
    expect(values.first).to_have_text(short_date(day, weekday=True, locale=LOCALES[code]))
    expect(values.nth(2)).to_have_text(said(rolling[index]["value"], code))
    # the x axis in days, in this language's style
    texts = page.evaluate("() => window.chartTexts")
    labels = {text for chart, text in texts if chart == "pain"}
    x_labels = {label.split("\n")[0] for label in labels if not re.fullmatch(r"\d+", label)
                and "0–10" not in label}
    assert x_labels and all(day_label.match(label) for label in x_labels), x_labels
    assert not any(re.search(r"\d+/\d+", label) for label in labels), labels


def test_german_charts(browser, live_server, person):
    user = person("de")
    context = browser.new_context(base_url=live_server.url, locale="de-DE",
                                  viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        check_charts(page, user, "de", GERMAN_DAY)
        expect(page.locator("html")).to_have_attribute("lang", "de")
        # German words on the charts: the axis title, the legend's series, the slider
        texts = page.evaluate("() => window.chartTexts")
        assert ("pain", "Schmerz 0–10") in [tuple(t) for t in texts]
        assert ("slr", "Grad") in [tuple(t) for t in texts]
        legend = page.locator("[data-chart='pain'] .u-legend")
        expect(legend).to_contain_text("Schmerz")
        expect(legend).to_contain_text("Datum")
        expect(page.locator("[data-chart='slr'] .u-legend")).to_contain_text("Ziel")
        expect(page.locator("[data-chart='pain']")).to_have_attribute(
            "aria-label", "Schmerz pro Tag: Pfeiltasten wechseln den Tag")
        assert re.search(r"\d,\d", page.locator("[data-chart='pain']")
                         .get_attribute("aria-valuetext"))
    finally:
        context.close()
    assert not problems, problems


def test_english_charts(page, person):
    user = person(None)
    check_charts(page, user, "en", ENGLISH_DAY)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert re.search(r"\d\.\d", page.locator("[data-chart='pain']")
                     .get_attribute("aria-valuetext"))
