"""When it hurts more, Today notices (issue 19): the caution card after a session
that made pain worse (today or yesterday) with the programme's held target, the
flare-up page and Today's flare-up card with "I'm better", the programme offered
when none runs and how a finished one went."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from tests.progress_data import at_noon, local_day

ZONE = "Europe/Berlin"


def words(response) -> str:  # noqa: ANN001
    body = response.get_data(as_text=True)
    body = body[body.index("<main"):body.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&#39;", "'")


def log(client, offset: int, before=None, after=None, worse_strap=False, angle=40):  # noqa: ANN001
    response = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": at_noon(offset, ZONE),
        "pain_before": before, "pain_after": after,
        "entries": [{"stretch": "double-knee-to-chest"},
                    {"stretch": "slr-strap", "side": "left", "angle_deg": angle,
                     "worse": worse_strap}]})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize(("offset", "before", "after", "worse", "said"), [
    (1, 3, 7, True, "Your pain went up 4 points after the straight-leg raise with a strap yesterday."),
    (0, 3, 5, False, "Your pain went up 2 points during today's session."),
    (0, 5, 4, True, "You marked the straight-leg raise with a strap as making your pain worse today."),
])
def test_today_leads_with_a_caution_after_a_bad_session(member, offset, before, after, worse, said):
    member.post("/api/v1/programs", json={"affected_leg": "left",
                                          "start_date": local_day(3, ZONE).isoformat()})
    session = log(member, offset, before, after, worse)
    page = member.get("/")
    text = words(page)
    assert said in text
    assert text.index("Go easy today") < text.index("Today ")  # it leads
    assert ("Stop the straight-leg raise with a strap" in text) is worse
    assert f'href="/sessions/{session["id"]}"' in page.get_data(as_text=True)
    assert "Check the warning signs" in text
    if offset == 1:  # yesterday was day 3 (30-45): today, day 4, keeps it
        assert "today's target stays at 30–45°" in text
        assert "today's target for the left leg is 30–45°, held after yesterday's pain" in text
    else:
        assert "tomorrow's target stays at 37.5–52.5°" in text


@pytest.mark.parametrize(("offset", "before", "after"), [(2, 3, 7), (0, 3, 4), (0, None, 9)])
def test_no_caution_for_a_fine_or_older_session(member, offset, before, after):
    log(member, offset, before, after)
    assert "Go easy today" not in words(member.get("/"))


def test_a_flare_up_from_today_to_better(member):
    assert "I'm having a flare-up" in words(member.get("/"))
    page = member.get("/flare-up")
    assert page.status_code == 200 and 'name="days"' in page.get_data(as_text=True)
    response = member.post("/flare-up", data={"days": "4", "note": "Lifted a box",
                                              "start_date": local_day(0, ZONE).isoformat()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    text = words(member.get("/"))
    assert "Flare-up: 4 days left" in text
    assert "Stop anything that makes the pain worse" in text and "Warning signs" in text
    assert "knee-to-chest" in text.lower()
    assert "I'm better" in text and "I'm having a flare-up" not in text
    assert "Flare-up: 4 days left" in words(member.get("/flare-up"))
    assert member.post("/flare-up/end").status_code == 302
    text = words(member.get("/"))
    assert "Flare-up:" not in text and "I'm having a flare-up" in text
    assert "has no target today" not in text  # no programme runs
    assert "Lifted a box" in words(member.get("/flare-up"))  # listed as an earlier one


@pytest.mark.parametrize(("data", "said"), [
    ({"days": "15"}, "How many days: choose 1–14 days."),
    ({"days": "many"}, "How many days: choose 1–14 days."),
    ({"days": "3", "start_date": (dt.date.today() - dt.timedelta(days=30)).isoformat()},
     "Started on: choose a start within the last 14 days."),
    ({"days": "3", "note": "n" * 501}, "Note: at most 500 characters."),
])
def test_the_flare_up_form_says_what_is_wrong_in_words(member, data, said):
    response = member.post("/flare-up", data=data)
    assert response.status_code == 422
    assert said in words(response)
    assert member.get("/api/v1/flare-ups").get_json()["items"] == []


def test_a_second_flare_up_is_refused_in_words(member):
    member.post("/flare-up", data={"days": "3"})
    page = member.get("/flare-up")
    assert 'action="/flare-up/end"' in page.get_data(as_text=True)
    response = member.post("/flare-up", data={"days": "2"})
    assert response.status_code == 422 and "already running" in words(response)


def test_settings_and_log_lead_to_the_flare_up_and_the_programme(member):
    assert 'href="/flare-up"' in member.get("/settings").get_data(as_text=True)
    assert 'href="/program"' in member.get("/log").get_data(as_text=True)


def test_today_offers_the_programme_when_none_runs(member):
    log(member, 0)
    text = words(member.get("/"))
    assert "Start the straight-leg-raise programme" in text
    member.post("/api/v1/programs", json={"affected_leg": "right"})
    assert "Start the straight-leg-raise programme" not in words(member.get("/"))


def test_today_says_how_a_finished_programme_went(member):
    start = local_day(11, ZONE)
    member.post("/api/v1/programs", json={"affected_leg": "left", "length_days": 7,
                                          "start_date": start.isoformat()})
    log(member, 11, angle=35)
    log(member, 5, angle=66)
    text = words(member.get("/"))
    assert "Your programme has finished" in text
    assert "Your leg went from 35° on day 1 (inside its 30–45°) to 66° on day 7 " \
           "(inside its 60–75°)." in text
    assert "a few raises a week in the 60–75° band" in text


def test_the_flare_up_page_needs_a_sign_in(shared_app):
    client = shared_app.test_client()
    assert client.get("/flare-up").status_code in (302, 401)


def test_the_programme_page_shows_hold_days_and_pauses(member):
    member.post("/api/v1/programs", json={"affected_leg": "left",
                                          "start_date": local_day(6, ZONE).isoformat()})
    log(member, 6, 2, 6)  # day 1: pain rose 4 points
    member.post("/api/v1/flare-ups", json={"start_date": local_day(4, ZONE).isoformat(), "days": 2})
    page = member.get("/program")
    text = words(page)
    assert "Paused for a flare-up: 2 days" in text
    assert "pain rose" in text and "held" in text
    assert "1 hold day so far, 11 days in all" in text  # paused days are no programme days


def test_the_report_and_a_share_link_list_the_flare_ups(member, shared_app):
    member.post("/api/v1/flare-ups", json={"start_date": local_day(5, ZONE).isoformat(), "days": 2,
                                           "note": "Moved house"})
    text = words(member.get("/report?days=30"))
    assert "Flare-ups" in text and "2 days" in text and "Moved house" in text
    link = member.post("/api/v1/shares", json={"label": "Physio", "days": 30}).get_json()
    path = "/s/" + link["url"].rsplit("/s/", 1)[1]
    shared = shared_app.test_client().get(path)
    assert shared.status_code == 200 and "Moved house" in words(shared)
    figures = shared_app.test_client().get(path + "/progress.json").get_json()
    assert figures["flare_ups"][0]["note"] == "Moved house"


@pytest.mark.parametrize("path", ["/flare-up", "/flare-up/end"])
def test_the_flare_up_forms_need_csrf(member, path):
    if path.endswith("/end"):
        assert member.post("/api/v1/flare-ups", json={}).status_code == 201
    response = member.post(path, data={"days": "3"}, headers={"X-CSRF-Token": ""})
    assert response.status_code == 400
    assert [f["active"] for f in member.get("/api/v1/flare-ups").get_json()["items"]] == (
        [True] if path.endswith("/end") else [])


def test_better_on_the_first_day_keeps_that_day_paused_and_says_so(member):
    member.post("/api/v1/programs", json={"affected_leg": "left",
                                          "start_date": local_day(2, ZONE).isoformat()})
    member.post("/flare-up", data={"days": "3"})
    member.post("/flare-up/end")
    text = words(member.get("/"))
    assert "Today was a flare-up day, so your programme has no target today" in text
    assert "today's target for the left leg" not in text
