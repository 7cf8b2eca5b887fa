"""The check-ins API (/api/v1/checkins): a pain score outside a session, with its
context and note; idempotent by client_id; listed by the user's local day; another
user's check-in is not found."""
from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from tests.support import stored
from tracker.logbook.models import Checkin

UTC = dt.timezone.utc
FIELDS = {"id", "client_id", "recorded_at", "local_date", "score", "context", "note"}


def checkin_body(**overrides) -> dict:
    body = {"client_id": str(uuid.uuid4()),
            "recorded_at": (dt.datetime.now(UTC) - dt.timedelta(minutes=5)).isoformat(),
            "score": 4, "context": "waking", "note": "stiff after sleep"}
    body.update(overrides)
    return body


def count(client) -> int:
    """Check-ins stored for the client's user."""
    return stored(client, Checkin)


@pytest.fixture
def created(api) -> dict:
    response = api.post("/api/v1/checkins", json=checkin_body())
    assert response.status_code == 201
    return response.get_json()


def test_create(api):
    body = checkin_body()
    response = api.post("/api/v1/checkins", json=body)
    assert response.status_code == 201
    c = response.get_json()
    assert set(c) == FIELDS
    assert (c["client_id"], c["score"], c["context"], c["note"]) == (
        body["client_id"], 4, "waking", "stiff after sleep")
    sent = dt.datetime.fromisoformat(body["recorded_at"])
    assert dt.datetime.fromisoformat(c["recorded_at"]) == sent
    assert count(api) == 1


def test_defaults(api):
    body = checkin_body()
    del body["context"], body["note"]
    c = api.post("/api/v1/checkins", json=body).get_json()
    assert (c["context"], c["note"]) == ("other", "")


@pytest.mark.parametrize("context", ["waking", "after_sitting", "evening", "other"])
def test_every_context(api, context):
    response = api.post("/api/v1/checkins", json=checkin_body(context=context))
    assert response.status_code == 201
    assert response.get_json()["context"] == context


@pytest.mark.parametrize("score", [0, 10])
def test_score_bounds(api, score):
    assert api.post("/api/v1/checkins", json=checkin_body(score=score)).status_code == 201


def test_replay_is_idempotent(api):
    body = checkin_body()
    first = api.post("/api/v1/checkins", json=body)
    again = api.post("/api/v1/checkins", json={**body, "score": 9})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert count(api) == 1


def test_client_ids_are_per_user(api, other):
    body = checkin_body()
    assert api.post("/api/v1/checkins", json=body).status_code == 201
    assert other.post("/api/v1/checkins", json=body).status_code == 201
    assert count(api) == count(other) == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"score": -1}, "score"),
    ({"score": 11}, "score"),
    ({"score": 3.5}, "score"),
    ({"score": "5"}, "score"),
    ({"score": True}, "score"),
    ({"score": None}, "score"),
    ({"context": "morning"}, "context"),
    ({"context": ""}, "context"),
    ({"note": "x" * 1001}, "note"),
    ({"note": 5}, "note"),
    ({"recorded_at": "2025-05-01T08:00:00"}, "recorded_at"),
    ({"recorded_at": "2025-05-01"}, "recorded_at"),
    ({"recorded_at": (dt.datetime.now(UTC) + dt.timedelta(days=2)).isoformat()}, "recorded_at"),
    ({"recorded_at": "1999-01-01T00:00:00+00:00"}, "recorded_at"),
    ({"client_id": "abc"}, "client_id"),
    ({"client_id": 7}, "client_id"),
    ({"mood": "ok"}, "mood"),
    ({"local_date": "2025-01-01"}, "local_date"),
])
def test_invalid_checkin_names_the_field(api, change, field):
    response = api.post("/api/v1/checkins", json=checkin_body(**change))
    assert response.status_code == 422
    assert field in response.get_json()["fields"]
    assert count(api) == 0


@pytest.mark.parametrize("missing", ["client_id", "recorded_at", "score"])
def test_required_fields(api, missing):
    body = checkin_body()
    del body[missing]
    response = api.post("/api/v1/checkins", json=body)
    assert response.status_code == 422
    assert missing in response.get_json()["fields"]


def test_note_of_the_maximum_length(api):
    response = api.post("/api/v1/checkins", json=checkin_body(note="x" * 1000))
    assert response.status_code == 201


@pytest.mark.parametrize(("zone", "local_wall", "day"), [
    ("America/Los_Angeles", dt.datetime(2025, 7, 10, 23, 30), "2025-07-10"),
    ("Pacific/Auckland", dt.datetime(2025, 1, 11, 7, 0), "2025-01-11"),
    ("Asia/Kolkata", dt.datetime(2025, 3, 5, 0, 10), "2025-03-05"),
    ("Europe/Berlin", dt.datetime(2025, 10, 26, 2, 30), "2025-10-26"),  # DST ends
])
def test_local_date_is_the_users_day(shared_users, zone, local_wall, day):
    client = shared_users.signed_in(zone)
    instant = local_wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    response = client.post("/api/v1/checkins", json=checkin_body(recorded_at=instant.isoformat()))
    c = response.get_json()
    assert c["local_date"] == day


def _at(client, day: int, hour: int = 8) -> int:
    when = dt.datetime(2025, 5, day, hour, tzinfo=ZoneInfo("Europe/Berlin"))
    response = client.post("/api/v1/checkins", json=checkin_body(recorded_at=when.isoformat()))
    assert response.status_code == 201
    return response.get_json()["id"]


@pytest.mark.parametrize(("query", "expected"), [
    ("", [(4, 20), (4, 8), (3, 8), (2, 8), (1, 8)]),
    ("?from=2025-05-03", [(4, 20), (4, 8), (3, 8)]),
    ("?to=2025-05-02", [(2, 8), (1, 8)]),
    ("?from=2025-05-04&to=2025-05-04", [(4, 20), (4, 8)]),
    ("?from=2025-05-02&to=2025-05-03&per_page=1", [(3, 8)]),
    ("?from=2025-05-02&to=2025-05-03&per_page=1&page=2", [(2, 8)]),
    ("?from=2026-01-01", []),
])
def test_list_by_date_range(api, query, expected):
    ids = {(d, h): _at(api, d, h) for d, h in [(1, 8), (2, 8), (3, 8), (4, 8), (4, 20)]}
    body = api.get(f"/api/v1/checkins{query}").get_json()
    assert set(body) == {"items", "meta"}
    assert [c["id"] for c in body["items"]] == [ids[k] for k in expected]


def test_list_meta(api):
    for day in (1, 2, 3):
        _at(api, day)
    meta = api.get("/api/v1/checkins?per_page=2").get_json()["meta"]
    assert meta == {"total": 3, "page": 1, "per_page": 2, "pages": 2}


@pytest.mark.parametrize(("query", "field"), [
    ("?from=2025-05-03&to=2025-05-01", "from"),
    ("?to=soon", "to"),
    ("?per_page=0", "per_page"),
    ("?page=-1", "page"),
])
def test_bad_list_arguments(api, query, field):
    response = api.get(f"/api/v1/checkins{query}")
    assert response.status_code in (400, 422)
    assert field in response.get_json()["fields"]


def test_list_shows_only_mine(api, other):
    mine = _at(api, 1)
    _at(other, 1)
    assert [c["id"] for c in api.get("/api/v1/checkins").get_json()["items"]] == [mine]


def test_read_and_delete(api, created):
    url = f"/api/v1/checkins/{created['id']}"
    assert api.get(url).get_json() == created
    response = api.delete(url)
    assert response.status_code == 204
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404
    assert count(api) == 0


@pytest.mark.parametrize("method", ["get", "delete"])
def test_another_users_checkin_is_404(api, other, created, method):
    url = f"/api/v1/checkins/{created['id']}"
    response = getattr(other, method)(url)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert api.get(url).get_json() == created


@pytest.mark.parametrize("checkin_id", [0, 999_999, 2**31, 10**30])
def test_unknown_checkin_is_404(api, checkin_id):
    assert api.get(f"/api/v1/checkins/{checkin_id}").status_code == 404
    assert api.delete(f"/api/v1/checkins/{checkin_id}").status_code == 404


def test_signed_out_is_401(shared_app):
    assert shared_app.test_client().get("/api/v1/checkins").status_code == 401


def test_bearer_token(shared_users):
    user = shared_users.create()
    headers = {"Authorization": f"Bearer {shared_users.token(user)}"}
    client = shared_users.app.test_client()
    response = client.post("/api/v1/checkins", json=checkin_body(), headers=headers)
    assert response.status_code == 201
    assert client.get("/api/v1/checkins", headers=headers).get_json()["meta"]["total"] == 1
