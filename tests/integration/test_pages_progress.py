"""The Progress and Programme pages without JavaScript: the text summaries and tables
say what the figures say (dates as "7 Nov"), the range choices, relief per stretch only
where the figures differ (else one sentence why), the calendar as months of weeks with
flare-up pauses, starting and ending a programme through the form (errors by their
label), Today's two-line summary, and the tab bar link."""
from __future__ import annotations

import re
import uuid
from html import unescape

import pytest

from tests.progress_data import DAYS, SKIPPED, at_noon, local_day, log_month
from tracker.dates import short_date

ZONE = "Europe/Berlin"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def text(response) -> str:  # noqa: ANN001
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def csrf(client, path="/program") -> str:  # noqa: ANN001
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def test_progress_page_tells_the_months_story(member):
    log_month(member)
    response = member.get("/progress")
    assert response.status_code == 200
    page = text(response)
    assert "Pain this week 3, down 4 from 7 at the start: a meaningful drop." in page
    # the pain table: one row a day, newest first, with its mean and 7-day mean
    rows = re.findall(r"<tr><th scope=\"row\">[^<]+</th><td class=\"num\">([\d.]+)</td>", page)
    assert len(rows) == DAYS and rows[0] == "3" and rows[-1] == "7"
    assert f"{short_date(local_day(DAYS - 1, ZONE))} – {short_date(local_day(0, ZONE))}" in page
    assert f"Best raise on {short_date(local_day(0, ZONE))}: left 59°, right 75°." in page
    assert f"<th scope=\"row\">{short_date(local_day(0, ZONE), weekday=True)}</th>" in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}", re.sub(r"<[^>]+>", "", page))  # no ISO dates shown
    # every session included the same three stretches: one sentence instead of a list
    assert ("Relief was much the same for all 3 stretches. On average, pain fell by 1 in "
            "the sessions with each. Less than 1 point apart, they are too close to tell one "
            "from another") in page
    assert 'class="list-plain relief"' not in page
    logged = page.count('class="logged')
    assert logged == DAYS - len(SKIPPED) and page.count('class="missed') == len(SKIPPED)
    assert 'data-chart="pain"' in page and 'data-chart="slr"' in page
    assert re.search(r'src="/static/js/progress\.[0-9a-f]{8}\.js"', page)
    assert re.search(r'href="/static/vendor/uplot/uPlot\.min\.[0-9a-f]{8}\.css"', page)
    assert re.search(r'data-uplot="/static/vendor/uplot/uPlot\.min\.[0-9a-f]{8}\.js"', page)


@pytest.mark.parametrize("days", [30, 90, 365])
def test_range_choices(member, days):
    page = text(member.get(f"/progress?days={days}"))
    assert f'href="/progress?days={days}" aria-current="page"' in page
    assert page.count('<td class="missed"') == days  # a calendar cell a day
    assert ('class="calendar compact"' in page) is (days == 365)


@pytest.mark.parametrize("days", ["7", "31", "abc", "-1", "1" * 50])
def test_other_ranges_are_refused(member, days):
    response = member.get(f"/progress?days={days}")
    assert response.status_code == 400
    assert "Choose 30, 90 or 365 days." in text(response)


def test_empty_progress_page_explains_itself(member):
    page = text(member.get("/progress"))
    assert "No pain scores in these days." in page
    assert "A stretch shows here once 3 sessions" in page
    assert "data-chart" not in page  # no room kept for charts with nothing to draw


def log_session(client, offset: int, stretches: list[str],  # noqa: ANN001
                before: int, after: int) -> None:
    response = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": at_noon(offset, ZONE),
        "pain_before": before, "pain_after": after,
        "entries": [{"stretch": slug, **({"side": "left"} if slug.startswith("single") else {})}
                    for slug in stretches]})
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize(("sessions", "shown"), [
    # 3 points apart: a list, largest relief first
    ([(["single-knee-to-chest"], 6, 3)] * 3 + [(["double-knee-to-chest"], 5, 5)] * 3,
     ['<span class="muted">fell 3 · 3 sessions</span>',
      '<span class="muted">stayed the same · 3 sessions</span>']),
    # 1 point apart is enough
    ([(["single-knee-to-chest"], 6, 4)] * 3 + [(["double-knee-to-chest"], 6, 5)] * 4,
     ['fell 2 · 3 sessions', 'fell 1 · 4 sessions']),
    # the same sessions: one sentence why
    ([(["single-knee-to-chest", "double-knee-to-chest"], 6, 4)] * 3,
     ["Relief was much the same for both stretches. On average, pain fell by 2 in the "
      "sessions with each. Less than 1 point apart, they are too close to tell one from "
      "another"]),
    # +0.3 and -0.3: one fell, one rose, less than a point apart
    ([(["single-knee-to-chest"], 5, 4)] + [(["single-knee-to-chest"], 5, 5)] * 2
     + [(["double-knee-to-chest"], 5, 6)] + [(["double-knee-to-chest"], 5, 5)] * 2,
     ["Relief was much the same for both stretches. On average, pain changed by less than a "
      "point"]),
    # one stretch with enough sessions: nothing to compare it with
    ([(["single-knee-to-chest"], 6, 5)] * 3 + [(["double-knee-to-chest"], 6, 2)] * 2,
     ["Only Single knee-to-chest has 3 sessions with pain scores before and after so far "
      "(pain fell 1 on average in its 3), so there is nothing to compare it with yet."]),
])
def test_relief_per_stretch_only_where_it_differs(member, sessions, shown):
    for offset, (stretches, before, after) in enumerate(sessions):
        log_session(member, offset, stretches, before, after)
    page = text(member.get("/progress"))
    listed = 'class="list-plain relief"' in page
    assert listed is shown[0].startswith(("<span", "fell"))
    for fragment in shown:
        assert fragment in page


def test_calendar_is_months_of_weeks_with_the_paused_days(member):
    for offset in (0, 1, 5):
        log_session(member, offset, ["single-knee-to-chest"], 5, 4)
    response = member.post("/api/v1/flare-ups", json={
        "start_date": local_day(4, ZONE).isoformat(), "days": 2})
    assert response.status_code == 201, response.get_data(as_text=True)
    page = text(member.get("/progress"))
    first, today = local_day(29, ZONE), local_day(0, ZONE)
    months = (today.year - first.year) * 12 + today.month - first.month + 1
    assert page.count('<table class="calendar-month">') == months
    assert f"<caption>{today.strftime('%b')}</caption>" in page
    assert page.count('<thead><tr><th scope="col"><span aria-hidden="true">M</span>'
                      '<span class="visually-hidden">Monday</span></th>') == months
    # the two paused days, said in words too; the logged ones
    for offset in (4, 3):
        day = short_date(local_day(offset, ZONE), weekday=True)
        assert (f'<td class="missed paused" title="{day}"><span class="visually-hidden">{day}: '
                "none, flare-up pause</span></td>") in page
    assert page.count('<td class="logged"') == 3 and page.count("paused") >= 3
    assert '<span class="key paused"></span> flare-up pause' in page
    # and the charts' caption names them
    assert (f"Shaded grey: a flare-up pause ({short_date(local_day(4, ZONE))} – "
            f"{short_date(local_day(3, ZONE))}).") in page


def test_charts_library_is_loaded_only_on_the_progress_page(member):
    assert "uplot" in member.get("/progress").get_data(as_text=True).lower()
    for path in ("/", "/log", "/history", "/program"):
        assert "uplot" not in member.get(path).get_data(as_text=True).lower(), path


def test_tab_bar_links_progress(member):
    page = member.get("/").get_data(as_text=True)
    assert 'href="/progress"' in page
    assert 'href="/progress" aria-current="page"' in member.get("/progress").get_data(as_text=True)


def test_start_and_end_a_programme_through_the_form(member):
    token = csrf(member)
    response = member.post("/program", data={"csrf_token": token, "affected_leg": "right",
                                             "start_date": local_day(2, ZONE).isoformat(),
                                             "length_days": "7"})
    assert response.status_code == 302
    page = text(member.get(response.headers["Location"]))
    assert "Programme started." in page and "Your programme: right leg" in page
    assert "Day 3 of 7: no angle logged yet; the target is 30–45°." in page
    assert page.count('<th scope="row">') == 7
    body = member.get("/api/v1/programs/current").get_json()
    assert (body["affected_leg"], body["length_days"]) == ("right", 7)

    response = member.post("/program/end", data={"csrf_token": token})
    assert response.status_code == 302
    page = text(member.get("/program"))
    assert "Your programme" not in page and "Earlier programmes" in page
    assert member.get("/api/v1/programs/current").status_code == 404


@pytest.mark.parametrize("form, field, label", [
    ({}, "affected_leg", "Leg with the pain"),
    ({"affected_leg": "middle"}, "affected_leg", "Leg with the pain"),
    ({"affected_leg": "left", "length_days": "11"}, "length_days", "Length (days)"),
    ({"affected_leg": "left", "length_days": "ten"}, "length_days", "Length (days)"),
    ({"affected_leg": "left", "start_date": "2001-01-01"}, "start_date", "Start date"),
    ({"affected_leg": "left", "start_date": "soon"}, "start_date", "Start date"),
])
def test_programme_form_errors_name_the_field_by_its_label(member, form, field, label):
    response = member.post("/program", data={"csrf_token": csrf(member), **form})
    assert response.status_code == 422
    page = text(response)
    # the summary links to the field, which says the same and is marked invalid
    assert f'<a href="#{field}">{label}: ' in page
    assert f'<p class="field-error" id="{field}-error">{label}: ' in page
    assert f'id="{field}"' in page and f'aria-describedby="{field}-error"' in page
    assert member.get("/api/v1/programs/current").status_code == 404


def test_programme_form_needs_csrf(member):
    response = member.post("/program", data={"affected_leg": "left"}, headers={"X-CSRF-Token": ""})
    assert response.status_code == 400
    assert member.get("/api/v1/programs/current").status_code == 404


def test_today_shows_the_two_line_summary(member):
    assert "Pain this week" not in text(member.get("/"))
    log_month(member)
    member.post("/api/v1/programs", json={"affected_leg": "left",
                                          "start_date": local_day(4, ZONE).isoformat()})
    page = text(member.get("/"))
    assert "Pain this week 3, down 4 from 7 at the start: a meaningful drop." in page
    assert "Programme day 5 of 10: today's target for the left leg is 45–60°." in page


@pytest.mark.parametrize("path", ["/progress", "/program"])
def test_pages_need_sign_in(shared_app, path):
    response = shared_app.test_client().get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(("entries", "marked"), [
    ([(52.5, "phone")], True),                       # the phone measured the best
    ([(52.5, "phone"), (48, "manual")], True),       # a lower typed angle changes nothing
    ([(52.5, "phone"), (55, "manual")], False),      # a higher typed angle is the best
    ([(52.5, "manual")], False),
])
def test_programme_table_marks_bests_the_phone_measured(member, entries, marked):
    import datetime as dt
    import uuid

    assert member.post("/api/v1/programs", json={"affected_leg": "left"}).status_code == 201
    for angle, method in entries:
        response = member.post("/api/v1/sessions", json={
            "client_id": str(uuid.uuid4()),
            "performed_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": angle,
                         "angle_method": method}]})
        assert response.status_code == 201, response.get_data(as_text=True)
    page = text(member.get("/program"))
    assert ("measured with </span>phone" in page) is marked
