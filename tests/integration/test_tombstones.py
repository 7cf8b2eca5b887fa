"""Deleting is final: a device replaying the create of a deleted session or check-in
(an offline queue flushing late) gets 410 Gone and the row stays deleted."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest


def session_body(client_id: str) -> dict:
    when = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).isoformat()
    return {"client_id": client_id, "performed_at": when,
            "entries": [{"stretch": "double-knee-to-chest"}]}


def checkin_body(client_id: str) -> dict:
    when = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).isoformat()
    return {"client_id": client_id, "recorded_at": when, "score": 4}


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/sessions", session_body),
    ("/api/v1/checkins", checkin_body),
])
def test_replay_after_delete_is_gone(auth, path, body):
    client_id = str(uuid.uuid4())
    created = auth.post(path, json=body(client_id))
    assert created.status_code == 201
    assert auth.delete(f"{path}/{created.get_json()['id']}").status_code == 204

    replay = auth.post(path, json=body(client_id))
    assert replay.status_code == 410
    assert "client_id" in replay.get_json()["fields"]
    assert auth.get(path).get_json()["meta"]["total"] == 0


def test_a_tombstone_is_per_user(auth, users, client):
    client_id = str(uuid.uuid4())
    created = auth.post("/api/v1/sessions", json=session_body(client_id))
    auth.delete(f"/api/v1/sessions/{created.get_json()['id']}")
    other = users.login(client.application.test_client(), users.create())
    assert other.post("/api/v1/sessions", json=session_body(client_id)).status_code == 201


def test_the_log_form_says_so_instead_of_recreating(auth):
    client_id = str(uuid.uuid4())
    created = auth.post("/api/v1/sessions", json=session_body(client_id))
    auth.delete(f"/api/v1/sessions/{created.get_json()['id']}")
    page = auth.post("/log", data={"client_id": client_id,
                                   "entries[double-knee-to-chest][done]": "1"})
    assert page.status_code == 422
    assert b"deleted" in page.data
    assert auth.get("/api/v1/sessions").get_json()["meta"]["total"] == 0
