"""The PSFS API: name up to five activities, rename and retire them (history stays),
rate them 0-10 in sets that are idempotent by client_id; bad input is a 422 naming the
field, another person's activity a 404."""
from __future__ import annotations

import uuid

import pytest

from tests.progress_data import at_noon

ZONE = "Europe/Berlin"  # the accounts' time zone (tests/support.py)
ACTIVITIES = "/api/v1/psfs/activities"
RATINGS = "/api/v1/psfs/ratings"


def add(client, name: str = "Putting on socks"):  # noqa: ANN001
    return client.post(ACTIVITIES, json={"name": name})


def added(client, *names: str) -> list[int]:  # noqa: ANN001
    ids = []
    for name in names:
        response = add(client, name)
        assert response.status_code == 201, response.get_data(as_text=True)
        ids.append(response.get_json()["id"])
    return ids


def rate(client, scores: list, **body):  # noqa: ANN001
    body.setdefault("client_id", str(uuid.uuid4()))
    return client.post(RATINGS, json={"scores": [{"activity_id": a, "score": s} for a, s in scores],
                                      **body})


def test_name_an_activity_and_list_it(api):
    response = add(api, "  Sitting   through a film ")
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"id", "name", "active", "created_at"}
    assert (body["name"], body["active"]) == ("Sitting through a film", True)
    assert api.get(ACTIVITIES).get_json()["items"] == [body]


@pytest.mark.parametrize(("name", "status"), [
    ("x", 201), ("x" * 80, 201), ("x" * 81, 422), ("", 422), ("   ", 422),
])
def test_name_limits(api, name, status):
    response = add(api, name)
    assert response.status_code == status
    if status == 422:
        assert "name" in response.get_json()["fields"]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "name"), ({"name": 5}, "name"), ({"name": "Socks", "colour": "red"}, "colour"),
])
def test_bad_activity_bodies_name_the_field(api, body, field):
    response = api.post(ACTIVITIES, json=body)
    assert response.status_code == 422 and field in response.get_json()["fields"]


def test_at_most_five_active_and_retiring_frees_a_place(api):
    ids = added(api, "one", "two", "three", "four", "five")
    sixth = add(api, "six")
    assert sixth.status_code == 409
    assert "name" in sixth.get_json()["fields"]
    retired = api.patch(f"{ACTIVITIES}/{ids[0]}", json={"active": False})
    assert retired.status_code == 200 and retired.get_json()["active"] is False
    assert add(api, "six").status_code == 201
    # Bringing the retired one back would make six.
    back = api.patch(f"{ACTIVITIES}/{ids[0]}", json={"active": True})
    assert back.status_code == 409 and "active" in back.get_json()["fields"]


def test_rename_and_empty_patch(api):
    [one] = added(api, "Socks")
    renamed = api.patch(f"{ACTIVITIES}/{one}", json={"name": "Putting on socks"})
    assert renamed.get_json()["name"] == "Putting on socks"
    assert api.patch(f"{ACTIVITIES}/{one}", json={}).get_json() == renamed.get_json()
    assert api.patch(f"{ACTIVITIES}/{one}", json={"name": "x" * 81}).status_code == 422
    assert api.patch(f"{ACTIVITIES}/{one}", json={"active": "no"}).status_code == 422


def test_rate_a_set(api):
    socks, film = added(api, "Socks", "Film")
    response = rate(api, [(socks, 3), (film, 6)], rated_at=at_noon(1, ZONE))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"id", "client_id", "rated_at", "scores", "mean"}
    assert body["mean"] == 4.5
    assert body["scores"] == [{"activity_id": socks, "name": "Socks", "score": 3},
                              {"activity_id": film, "name": "Film", "score": 6}]
    assert api.get(RATINGS).get_json()["items"] == [body]


def test_a_set_may_leave_an_activity_out(api):
    socks, _film = added(api, "Socks", "Film")
    response = rate(api, [(socks, 0)])
    assert response.status_code == 201 and response.get_json()["mean"] == 0.0


def test_replay_by_client_id_answers_the_same_set(api):
    [socks] = added(api, "Socks")
    client_id = str(uuid.uuid4())
    first = rate(api, [(socks, 4)], client_id=client_id)
    again = rate(api, [(socks, 9)], client_id=client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert len(api.get(RATINGS).get_json()["items"]) == 1


@pytest.mark.parametrize(("score", "field"), [
    (11, "scores.0.score"), (-1, "scores.0.score"), ("5", "scores.0.score"),
    (5.5, "scores.0.score"), (True, "scores.0.score"), (None, "scores.0.score"),
])
def test_bad_scores_name_the_field(api, score, field):
    [socks] = added(api, "Socks")
    response = rate(api, [(socks, score)])
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["fields"]
    assert api.get(RATINGS).get_json()["items"] == []


@pytest.mark.parametrize(("body", "field"), [
    ({"client_id": "not-a-uuid"}, "client_id"),
    ({"scores": []}, "scores"),
    ({"rated_at": "2001-01-01T10:00:00"}, "rated_at"),       # no offset
    ({"rated_at": "1999-12-31T10:00:00+00:00"}, "rated_at"),  # before 2000
])
def test_bad_sets_name_the_field(api, body, field):
    [socks] = added(api, "Socks")
    response = api.post(RATINGS, json={"client_id": str(uuid.uuid4()),
                                       "scores": [{"activity_id": socks, "score": 5}], **body})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["fields"]


def test_each_activity_once_per_set(api):
    socks, film = added(api, "Socks", "Film")
    response = rate(api, [(socks, 3), (film, 4), (socks, 5)])
    assert response.status_code == 422
    assert "scores.2.activity_id" in response.get_json()["fields"]


def test_a_retired_activity_keeps_its_history_and_is_not_rated_again(api):
    socks, film = added(api, "Socks", "Film")
    first = rate(api, [(socks, 3), (film, 4)]).get_json()
    assert api.patch(f"{ACTIVITIES}/{socks}", json={"active": False}).status_code == 200
    refused = rate(api, [(film, 6), (socks, 5)])
    assert refused.status_code == 422 and "scores.1.activity_id" in refused.get_json()["fields"]
    assert api.get(RATINGS).get_json()["items"] == [first]
    listed = api.get(ACTIVITIES).get_json()["items"]
    assert [(a["name"], a["active"]) for a in listed] == [("Film", True), ("Socks", False)]


def test_another_persons_activity_is_a_404(api, other):
    [theirs] = added(other, "Their socks")
    [mine] = added(api, "My socks")
    assert rate(api, [(mine, 5), (theirs, 5)]).status_code == 404
    assert api.patch(f"{ACTIVITIES}/{theirs}", json={"name": "Mine now"}).status_code == 404
    assert api.get(ACTIVITIES).get_json()["items"][0]["name"] == "My socks"
    assert other.get(ACTIVITIES).get_json()["items"][0]["name"] == "Their socks"
    assert api.get(RATINGS).get_json()["items"] == []


def test_the_same_client_id_for_two_people_is_two_sets(api, other):
    client_id = str(uuid.uuid4())
    [mine] = added(api, "Socks")
    [theirs] = added(other, "Socks")
    assert rate(api, [(mine, 2)], client_id=client_id).status_code == 201
    assert rate(other, [(theirs, 8)], client_id=client_id).status_code == 201


def test_signed_out_is_401(shared_app):
    client = shared_app.test_client()
    assert client.get(ACTIVITIES).status_code == 401
    assert client.get(RATINGS).status_code == 401


# ---------------------------------------------------------------- on Progress


def test_progress_has_no_psfs_before_a_first_rating(api):
    added(api, "Socks")
    assert api.get("/api/v1/progress").get_json()["psfs"] is None


def test_progress_shows_the_change_and_whether_it_is_meaningful(api):
    socks, film, stairs = added(api, "Socks", "Film", "Stairs")
    assert rate(api, [(socks, 2), (film, 4), (stairs, 6)], rated_at=at_noon(21, ZONE)).status_code == 201
    assert rate(api, [(socks, 3), (film, 5), (stairs, 6)], rated_at=at_noon(14, ZONE)).status_code == 201
    # The mean rises 2 (4 -> 6): meaningful. Socks +3: meaningful; film +2: not (3 needed
    # for one activity); stairs falls: never called meaningful.
    assert rate(api, [(socks, 5), (film, 6), (stairs, 7)], rated_at=at_noon(7, ZONE)).status_code == 201
    assert rate(api, [(socks, 5), (film, 6), (stairs, 7)], rated_at=at_noon(0, ZONE)).status_code == 201
    api.patch(f"{ACTIVITIES}/{stairs}", json={"active": False})
    assert rate(api, [(socks, 8), (film, 6)], rated_at=at_noon(0, ZONE)).status_code == 201
    body = api.get("/api/v1/progress").get_json()["psfs"]
    assert body["mean"] == {"first": 4.0, "last": 7.0, "change": 3.0, "meaningful": True}
    by_name = {a["name"]: a for a in body["activities"]}
    assert {k: by_name["Socks"][k] for k in ("first", "last", "change", "meaningful")} == {
        "first": 2, "last": 8, "change": 6, "meaningful": True}
    assert (by_name["Film"]["change"], by_name["Film"]["meaningful"]) == (2, False)
    assert (by_name["Stairs"]["change"], by_name["Stairs"]["meaningful"],
            by_name["Stairs"]["active"]) == (1, False, False)
    assert [r["mean"] for r in body["ratings"]] == [4.0, 4.7, 6.0, 6.0, 7.0]
    assert "meaningful improvement" in body["summary"]


def test_a_drop_is_never_meaningful(api):
    [socks] = added(api, "Socks")
    rate(api, [(socks, 9)], rated_at=at_noon(7, ZONE))
    rate(api, [(socks, 2)], rated_at=at_noon(0, ZONE))
    body = api.get("/api/v1/progress").get_json()["psfs"]
    assert body["mean"] == {"first": 9.0, "last": 2.0, "change": -7.0, "meaningful": False}
    assert body["activities"][0]["meaningful"] is False
    assert "meaningful" not in body["summary"].replace("counts as meaningful", "")
