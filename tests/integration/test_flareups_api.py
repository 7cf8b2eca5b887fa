"""The flare-up API and what a flare-up does: start (one at a time), list, end early
("I'm better"); the programme's days move back by the paused days, the streak steps
over them, progress lists them; bad input is a 422 naming the field; another
person's flare-up is never seen."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.progress_data import at_noon, local_day

ZONE = "Europe/Berlin"  # the accounts' time zone (tests/support.py)


def start(client, **body):  # noqa: ANN001
    return client.post("/api/v1/flare-ups", json=body)


def log(client, offset: int, **fields) -> None:  # noqa: ANN001
    response = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": at_noon(offset, ZONE),
        "entries": [{"stretch": "double-knee-to-chest"}], **fields})
    assert response.status_code == 201, response.get_data(as_text=True)


def test_start_with_defaults_then_end_it(api):
    response = start(api)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    today = local_day(0, ZONE)
    assert body == {"id": body["id"], "start_date": today.isoformat(), "days": 3, "note": "",
                    "end_date": (today + dt.timedelta(days=2)).isoformat(), "active": True}
    assert api.get("/api/v1/flare-ups").get_json()["items"] == [body]
    ended = api.post("/api/v1/flare-ups/current/end")
    assert ended.status_code == 200
    # Started today and ended today: today stays its one day.
    assert ended.get_json() | {"id": 0} == {**body, "id": 0, "end_date": today.isoformat(),
                                            "days": 1, "active": False}
    assert api.post("/api/v1/flare-ups/current/end").status_code == 404


def test_ending_early_gives_today_back(api):
    body = start(api, start_date=local_day(3, ZONE).isoformat(), days=7, note="Bent to pick "
                 "up the cat").get_json()
    assert body["active"] and body["note"] == "Bent to pick up the cat"
    ended = api.post("/api/v1/flare-ups/current/end").get_json()
    assert (ended["end_date"], ended["days"], ended["active"]) == (
        local_day(1, ZONE).isoformat(), 3, False)


def test_one_at_a_time(api):
    assert start(api, days=5).status_code == 201
    second = start(api, days=2)
    assert second.status_code == 409
    assert "already running" in second.get_json()["message"]


def test_a_flare_up_over_earlier_days_may_not_overlap_another(api):
    assert start(api, start_date=local_day(10, ZONE).isoformat(), days=3).status_code == 201
    clash = start(api, start_date=local_day(9, ZONE).isoformat(), days=2)
    assert clash.status_code == 409 and "overlap" in clash.get_json()["message"]
    # A past one that is over does not block a new one today.
    assert start(api).status_code == 201


@pytest.mark.parametrize(("body", "field"), [
    ({"days": 0}, "days"),
    ({"days": 15}, "days"),
    ({"days": "3"}, "days"),
    ({"days": 2.5}, "days"),
    ({"days": True}, "days"),
    ({"note": "x" * 501}, "note"),
    ({"note": 5}, "note"),
    ({"start_date": "yesterday"}, "start_date"),
    ({"start_date": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "start_date"),
    ({"start_date": (dt.date.today() - dt.timedelta(days=20)).isoformat()}, "start_date"),
    ({"shape": "round"}, "shape"),
])
def test_bad_input_names_the_field(api, body, field):
    response = start(api, **body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["fields"]
    assert api.get("/api/v1/flare-ups").get_json()["items"] == []


@pytest.mark.parametrize(("days", "note"), [(1, ""), (14, "x" * 500)])
def test_the_limits_themselves_are_accepted(api, days, note):
    assert start(api, days=days, note=note).status_code == 201


def test_another_persons_flare_up_is_never_seen(api, other):
    assert start(other, days=4).status_code == 201
    assert api.get("/api/v1/flare-ups").get_json()["items"] == []
    assert api.post("/api/v1/flare-ups/current/end").status_code == 404
    assert start(api).status_code == 201  # theirs does not block mine


def test_signed_out_is_401(shared_app):
    client = shared_app.test_client()
    assert client.get("/api/v1/flare-ups").status_code == 401


def test_the_programme_waits_for_the_pause(api):
    """Started 4 days ago; a flare-up from 2 days ago to today: the programme has had
    two days, and ends 3 days later than planned."""
    api.post("/api/v1/programs", json={"affected_leg": "left", "length_days": 7,
                                       "start_date": local_day(4, ZONE).isoformat()})
    assert start(api, start_date=local_day(2, ZONE).isoformat(), days=3).status_code == 201
    body = api.get("/api/v1/programs/current").get_json()
    dates = [d["date"] for d in body["days"]]
    assert local_day(2, ZONE).isoformat() not in dates
    assert dates[:3] == [local_day(o, ZONE).isoformat() for o in (4, 3, -1)]
    assert body["end_date"] == (local_day(4, ZONE) + dt.timedelta(days=9)).isoformat()
    assert body["length_days"] == 7
    # Today is the pause's last day: paused, no target.
    assert body["sentence"] == "Paused for a flare-up: the programme goes on when it is over."
    api.post("/api/v1/flare-ups/current/end")  # I'm better: today counts again
    body = api.get("/api/v1/programs/current").get_json()
    assert body["sentence"] == "Day 3 of 7: no angle logged yet; the target is 30–45°."
    assert body["end_date"] == (local_day(4, ZONE) + dt.timedelta(days=8)).isoformat()


def test_the_streak_steps_over_the_pause(api):
    for offset in (6, 5, 1, 0):
        log(api, offset)
    before = api.get("/api/v1/progress?days=7").get_json()["adherence"]
    assert before["current_streak"] == 2
    assert start(api, start_date=local_day(4, ZONE).isoformat(), days=3).status_code == 201
    after = api.get("/api/v1/progress?days=7").get_json()
    assert after["adherence"]["current_streak"] == 4
    assert after["adherence"]["longest_streak"] == 4
    paused = [c["date"] for c in after["adherence"]["calendar"] if c["paused"]]
    assert paused == [local_day(o, ZONE).isoformat() for o in (4, 3, 2)]
    [flare] = after["flare_ups"]
    assert (flare["start_date"], flare["days"], flare["active"]) == (
        local_day(4, ZONE).isoformat(), 3, False)


def test_flare_ups_are_in_the_openapi_document(shared_app):
    paths = shared_app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/flare-ups"])
    assert "post" in paths["/api/v1/flare-ups/current/end"]
