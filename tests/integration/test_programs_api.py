"""The SLR programme API: start (ending the running one), current, list, end; the
days carry the best angles from the SLR stretches only; bad input is a 422 naming
the field; another person's programme is never seen."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.progress_data import at_noon, local_day

ZONE = "Europe/Berlin"


def start(client, **body):  # noqa: ANN001
    return client.post("/api/v1/programs", json={"affected_leg": "left", **body})


def log_raise(client, offset: int, left: float, right: float, stretch="slr-strap"):  # noqa: ANN001
    response = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": at_noon(offset, ZONE),
        "entries": [{"stretch": stretch, "side": "left", "angle_deg": left},
                    {"stretch": stretch, "side": "right", "angle_deg": right}]})
    assert response.status_code == 201, response.get_data(as_text=True)


def test_start_with_defaults(api):
    response = start(api)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    today = local_day(0, ZONE)
    assert body["start_date"] == today.isoformat()
    assert body["end_date"] == (today + dt.timedelta(days=9)).isoformat()
    assert (body["length_days"], body["affected_leg"], body["state"]) == (10, "left", "active")
    assert body["status"] is None and body["gap"] is None and body["ended_at"] is None
    assert body["sentence"] == "Day 1 of 10: no angle logged yet; the target is 30–45°."
    assert [(d["day"], d["target_low"], d["target_high"]) for d in body["days"]] == [
        (1, 30, 45), (2, 30, 45), (3, 30, 45), (4, 37.5, 52.5), (5, 45, 60), (6, 52.5, 67.5),
        (7, 60, 75), (8, 60, 75), (9, 60, 75), (10, 60, 75)]
    assert api.get("/api/v1/programs/current").get_json() == body


def test_days_carry_the_best_slr_angles_and_the_status(api):
    started = start(api, start_date=local_day(4, ZONE).isoformat(), length_days=7,
                    affected_leg="right").get_json()
    assert len(started["days"]) == 7
    log_raise(api, 4, 70, 33)
    log_raise(api, 4, 72, 38.5, stretch="slr-assisted")      # the day's best counts
    log_raise(api, 0, 75, 80, stretch="supine-hamstring")     # not the SLR: ignored
    log_raise(api, 0, 74, 44)                                 # day 5: band 45-60
    body = api.get("/api/v1/programs/current").get_json()
    days = body["days"]
    assert (days[0]["best_left"], days[0]["best_right"], days[0]["result"]) == (72, 38.5, "in")
    assert (days[4]["best_left"], days[4]["best_right"], days[4]["result"]) == (74, 44, "under")
    assert days[1]["best_left"] is None and days[1]["result"] is None
    assert body["status"] == "behind"
    assert body["gap"] == 30
    assert body["sentence"] == "Day 5 of 7: 44°, under today's 45–60°."


def test_starting_a_new_programme_ends_the_old_one(api):
    first = start(api).get_json()
    second = start(api, affected_leg="right", length_days=7).get_json()
    assert api.get("/api/v1/programs/current").get_json()["id"] == second["id"]
    listed = api.get("/api/v1/programs").get_json()
    assert [p["id"] for p in listed["items"]] == [second["id"], first["id"]]
    assert [p["state"] for p in listed["items"]] == ["active", "ended"]
    assert listed["items"][1]["ended_at"] is not None
    assert listed["meta"]["total"] == 2


def test_end_the_current_programme(api):
    start(api)
    ended = api.post("/api/v1/programs/current/end")
    assert ended.status_code == 200 and ended.get_json()["state"] == "ended"
    assert api.get("/api/v1/programs/current").status_code == 404
    assert api.post("/api/v1/programs/current/end").status_code == 404
    assert len(api.get("/api/v1/programs").get_json()["items"]) == 1


def test_no_programme_is_a_404(api):
    response = api.get("/api/v1/programs/current")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    assert api.get("/api/v1/programs").get_json()["items"] == []


def test_another_persons_programme_is_never_seen(api, other):
    start(other)
    assert api.get("/api/v1/programs/current").status_code == 404
    assert api.get("/api/v1/programs").get_json()["items"] == []
    assert api.post("/api/v1/programs/current/end").status_code == 404
    assert other.get("/api/v1/programs/current").status_code == 200
    # and the other's angles never reach my programme
    start(api)
    log_raise(other, 0, 40, 40)
    assert api.get("/api/v1/programs/current").get_json()["days"][0]["best_left"] is None


def far(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


@pytest.mark.parametrize("body, field", [
    ({"affected_leg": "middle"}, "affected_leg"),
    ({"affected_leg": None}, "affected_leg"),
    ({"affected_leg": ""}, "affected_leg"),
    ({"length_days": 6}, "length_days"),
    ({"length_days": 11}, "length_days"),
    ({"length_days": "10"}, "length_days"),
    ({"length_days": 7.5}, "length_days"),
    ({"length_days": True}, "length_days"),
    ({"start_date": far(400)}, "start_date"),
    ({"start_date": far(-400)}, "start_date"),
    ({"start_date": "2027-02-30"}, "start_date"),
    ({"start_date": "tomorrow"}, "start_date"),
    ({"start_date": "9999-12-31"}, "start_date"),
    ({"start_date": "0001-01-01"}, "start_date"),
    ({"status": "ended"}, "status"),
])
def test_bad_input_is_a_422_naming_the_field(api, body, field):
    response = api.post("/api/v1/programs", json={"affected_leg": "left", **body})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["fields"]
    assert api.get("/api/v1/programs/current").status_code == 404


def test_missing_leg_is_a_422(api):
    response = api.post("/api/v1/programs", json={})
    assert response.status_code == 422 and "affected_leg" in response.get_json()["fields"]


@pytest.mark.parametrize("length", [7, 8, 9, 10])
def test_every_length(api, length):
    body = start(api, length_days=length).get_json()
    assert len(body["days"]) == length and body["days"][-1]["target_low"] == 60


def test_body_must_be_json(api):
    response = api.post("/api/v1/programs", data="affected_leg=left",
                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def log_session(client, offset: int, before: int | None, after: int | None,  # noqa: ANN001
                worse: bool = False) -> None:
    response = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": at_noon(offset, ZONE),
        "pain_before": before, "pain_after": after,
        "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": 40, "worse": worse}]})
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize(("before", "after", "worse", "hold"), [
    (3, 5, False, True),     # up 2 points: the threshold
    (3, 4, False, False),
    (6, 3, True, True),      # a stretch marked "made it worse", though pain fell
    (None, 7, False, False),  # no score before: no rise to read
])
def test_a_bad_session_holds_the_next_days_target(api, before, after, worse, hold):
    """Started 3 days ago (day 4 today); yesterday (day 3) had the session."""
    start(api, start_date=local_day(3, ZONE).isoformat())
    log_session(api, 1, before, after, worse)
    body = api.get("/api/v1/programs/current").get_json()
    days = body["days"]
    assert days[2]["hold"] is hold and not days[3]["hold"]
    assert [d["step"] for d in days[:5]] == ([1, 2, 3, 3, 4] if hold else [1, 2, 3, 4, 5])
    assert (days[3]["target_low"], days[3]["target_high"]) == ((30, 45) if hold else (37.5, 52.5))
    assert len(days) == (11 if hold else 10) and body["length_days"] == 10
    assert body["end_date"] == (local_day(3, ZONE) + dt.timedelta(days=len(days) - 1)).isoformat()
    assert ("Today's target stays at 30–45°" in body["sentence"]) is hold


def test_three_hold_days_suggest_a_pause(api):
    start(api, start_date=local_day(3, ZONE).isoformat())
    for offset in (3, 2):
        log_session(api, offset, 2, 5)
    assert "clinician" not in api.get("/api/v1/programs/current").get_json()["sentence"]
    log_session(api, 1, 2, 5)
    body = api.get("/api/v1/programs/current").get_json()
    assert [d["hold"] for d in body["days"][:4]] == [True, True, True, False]
    assert "Pain has risen on 3 programme days: pause the programme and ask a clinician" \
        in body["sentence"]
    assert body["days"][3]["step"] == 1
