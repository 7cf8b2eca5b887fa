"""How an angle was measured, through the log form without JavaScript: each angle
field has its ``angle_method`` hidden field per leg (``manual`` unless the phone
measured it), which is saved with the entry, restored when editing or re-showing a
form, checked like the API checks it, and shown on the session page and in history."""
from __future__ import annotations

import re

import pytest

from tests.integration.test_pages_logbook import api_session, form, session_id_from, text
from tests.support import stored


@pytest.fixture
def browser(member):
    return member


def entries_of(browser, session_id: int) -> list[tuple]:
    body = browser.get(f"/api/v1/sessions/{session_id}").get_json()
    return [(e["stretch"], e["side"], e["angle_deg"], e["angle_method"]) for e in body["entries"]]


def tick_both_legs(f, p):  # noqa: ANN001
    """Tick a leg-raise card (``p``: its field names, ``f.card(slug)``) and both legs,
    as ticking it does with JavaScript."""
    return f.tick(p("done")).tick(p("sides"), "left").tick(p("sides"), "right")


def test_every_angle_field_has_an_id_and_a_method_per_leg(browser):
    html = browser.get("/log").get_data(as_text=True)
    f = form(browser, "/log")
    for slug in ("supine-hamstring", "slr-assisted", "slr-strap"):
        p = f.card(slug)
        for side in ("left", "right"):
            angle, method = p(f"angle_{side}"), p(f"angle_method_{side}")
            assert f.value(method) == "manual"
            # the measuring button's hook (static/js/measure.js) on the input with a stable id
            assert re.search(rf'<input id="{re.escape(angle)}" name="{re.escape(angle)}"[^>]* data-measure="{side}"', html)
            assert f'<input type="hidden" id="{method}" name="{method}"' in html
            assert html.count(f'name="{method}"') == 1
    # stretches without an angle have neither
    assert f.value(f.card("double-knee-to-chest")("angle_method_left")) is None


@pytest.mark.parametrize(("left", "right"), [("phone", "manual"), ("manual", "phone"),
                                             ("phone", "phone"), ("manual", "manual")])
def test_the_method_of_each_leg_is_saved(browser, left, right):
    f = form(browser, "/log")
    p = f.card("slr-assisted")
    tick_both_legs(f, p).set(p("angle_left"), "45").set(p("angle_right"), "52.5")
    f.set(p("angle_method_left"), left).set(p("angle_method_right"), right)
    sid = session_id_from(browser.post("/log", data=f.data()))
    assert entries_of(browser, sid) == [("slr-assisted", "left", 45.0, left),
                                        ("slr-assisted", "right", 52.5, right)]


def test_a_method_without_an_angle_is_no_angle(browser):
    f = form(browser, "/log")
    p = f.card("slr-strap")
    tick_both_legs(f, p).set(p("angle_right"), "30").set(p("angle_method_left"), "phone")
    sid = session_id_from(browser.post("/log", data=f.data()))
    assert entries_of(browser, sid) == [("slr-strap", "left", None, None),
                                        ("slr-strap", "right", 30.0, "manual")]


@pytest.mark.parametrize("method", ["laser", "PHONE", "p" * 5000])
def test_an_unknown_method_is_shown_at_its_card_and_nothing_is_saved(browser, method):
    f = form(browser, "/log")
    p = f.card("slr-strap")
    tick_both_legs(f, p).set(p("angle_left"), "40").set(p("angle_method_left"), method)
    response = browser.post("/log", data=f.data())
    assert response.status_code == 422
    page = text(response)
    # in words, linked from the error summary to that leg's angle input
    assert (f'<a href="#{p("angle_left")}">Straight-leg raise with a strap, left angle: '
            "measure it again, or type it.</a>") in page
    assert "angle_method" not in re.sub(r"<[^>]+>", " ", page)  # no field keys for people
    assert stored(browser) == 0
    # the form comes back with what was posted
    again = f.__class__(response.get_data(as_text=True), "/log")
    assert again.value(p("angle_left")) == "40"


def test_a_corrected_form_keeps_the_phone_method(browser):
    f = form(browser, "/log")
    p = f.card("slr-strap")
    tick_both_legs(f, p).set(p("angle_left"), "44.5").set(p("angle_method_left"), "phone")
    f.set("pain_before", "11")
    response = browser.post("/log", data=f.data())
    assert response.status_code == 422
    again = f.__class__(response.get_data(as_text=True), "/log")
    assert again.value(p("angle_method_left")) == "phone"
    assert again.value(p("angle_method_right")) == "manual"
    again.set("pain_before", "5")
    sid = session_id_from(browser.post("/log", data=again.data()))
    assert ("slr-strap", "left", 44.5, "phone") in entries_of(browser, sid)


@pytest.fixture
def measured(browser) -> dict:
    return api_session(browser, entries=[
        {"stretch": "slr-assisted", "side": "left", "angle_deg": 45, "angle_method": "phone"},
        {"stretch": "slr-assisted", "side": "right", "angle_deg": 60, "angle_method": "manual"},
    ])


def test_session_page_and_history_mark_phone_measured_angles(browser, measured):
    for page in (f"/sessions/{measured['id']}", "/history"):
        html = browser.get(page).get_data(as_text=True)
        assert html.count("measured with") == 1, page
        assert re.search(r'45°\s*<span class="badge phone"', html), page
        assert re.search(r'60°</span>', html), page


def test_edit_page_keeps_the_methods_and_saving_unchanged_keeps_them(browser, measured):
    url = f"/sessions/{measured['id']}/edit"
    f = form(browser, url)
    p = f.card("slr-assisted")
    assert (f.value(p("angle_method_left")), f.value(p("angle_method_right"))) == ("phone", "manual")
    session_id_from(browser.post(url, data=f.data()))
    assert entries_of(browser, measured["id"]) == [("slr-assisted", "left", 45.0, "phone"),
                                                   ("slr-assisted", "right", 60.0, "manual")]


def test_a_legacy_form_without_method_fields_saves_manual(browser):
    f = form(browser, "/log")
    p = f.card("slr-strap")
    tick_both_legs(f, p).set(p("angle_left"), "41")
    data = f.data()
    for side in ("left", "right"):
        data.poplist(p(f"angle_method_{side}"))
    sid = session_id_from(browser.post("/log", data=data))
    assert ("slr-strap", "left", 41.0, "manual") in entries_of(browser, sid)


def test_another_users_session_stays_hidden(browser, other, measured):
    assert other.get(f"/sessions/{measured['id']}").status_code == 404
    assert "measured with" not in other.get("/history").get_data(as_text=True)
