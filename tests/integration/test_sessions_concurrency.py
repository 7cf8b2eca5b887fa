"""Concurrent replays of one create: a phone retrying over a flaky connection can
send the same session (or check-in) several times at once. Every replay must answer
with the one stored row (201 for the first, 200 for the rest), never a second row and
never a 5xx: over real HTTP against the threaded live server, and from threads that
each have their own test client. A double-tapped custom stretch is created once and
the other requests get 409."""
from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections import Counter

import pytest
import requests
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.flareups.models import FlareUp
from tracker.logbook.models import Checkin, SessionEntry, Stretch, StretchSession

THREADS = 8
ROUNDS = 3


def session_body() -> dict:
    return {"client_id": str(uuid.uuid4()),
            "performed_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "pain_before": 4, "pain_after": 3,
            "entries": [{"stretch": "double-knee-to-chest"},
                        {"stretch": "slr-strap", "side": "left", "angle_deg": 40}]}


def checkin_body() -> dict:
    return {"client_id": str(uuid.uuid4()),
            "recorded_at": dt.datetime.now(dt.timezone.utc).isoformat(), "score": 5}


BODIES = {"/api/v1/sessions": session_body, "/api/v1/checkins": checkin_body}


def rows(app, model, client_id: str | None = None) -> int:
    query = select(func.count()).select_from(model)
    if client_id is not None:
        query = query.where(model.client_id == client_id)
    with app.app_context():
        return db.session.scalar(query)


def all_at_once(send, n: int = THREADS) -> list:
    """Run ``send()`` in ``n`` threads released together; their results (or errors)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = send()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return results


def assert_one_created(outcomes: list[tuple[int, int | None]]) -> None:
    statuses = Counter(status for status, _id in outcomes)
    assert statuses == Counter({201: 1, 200: len(outcomes) - 1}), statuses
    assert len({row_id for _status, row_id in outcomes}) == 1


@pytest.mark.parametrize("path", list(BODIES))
def test_concurrent_replays_over_http_make_one_row(app, live_server, users, user, path):
    token = users.token(user)
    model = StretchSession if path.endswith("sessions") else Checkin
    for _round in range(ROUNDS):
        body = BODIES[path]()

        def send() -> tuple[int, int | None]:
            response = requests.post(live_server.url + path, json=body, timeout=30,
                                     headers={"Authorization": f"Bearer {token}"})
            return response.status_code, response.json().get("id")

        outcomes = all_at_once(send)
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        assert_one_created(outcomes)
        assert rows(app, model, body["client_id"]) == 1
    assert rows(app, model) == ROUNDS


def test_concurrent_replays_with_test_clients_make_one_row(app, users, user):
    clients = [users.login(app.test_client(), user) for _ in range(THREADS)]
    body = session_body()
    lock = threading.Lock()

    def send() -> tuple[int, int | None]:
        with lock:
            client = clients.pop()
        response = client.post("/api/v1/sessions", json=body)
        return response.status_code, response.get_json().get("id")

    outcomes = all_at_once(send)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert_one_created(outcomes)
    assert rows(app, StretchSession) == 1
    assert rows(app, SessionEntry) == 2


def test_different_client_ids_at_once_all_land(app, live_server, users, user):
    token = users.token(user)

    def send() -> int:
        response = requests.post(live_server.url + "/api/v1/sessions", json=session_body(),
                                 headers={"Authorization": f"Bearer {token}"}, timeout=30)
        return response.status_code

    assert all_at_once(send) == [201] * THREADS
    assert rows(app, StretchSession) == THREADS


def test_concurrent_custom_stretch_with_one_slug_is_made_once(app, live_server, users, user):
    token = users.token(user)

    def send() -> int:
        response = requests.post(live_server.url + "/api/v1/stretches", timeout=30,
                                 json={"name": "Cat camel", "spine": "neutral", "hold_seconds": 5},
                                 headers={"Authorization": f"Bearer {token}"})
        return response.status_code

    statuses = Counter(all_at_once(send))
    assert statuses == Counter({201: 1, 409: THREADS - 1}), statuses
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stretch).where(
            Stretch.owner_id == user["id"])) == 1


def test_a_double_tapped_flare_up_starts_once(app, live_server, users, user):
    """One flare-up at a time holds under concurrent starts: one 201, the rest 409."""
    token = users.token(user)

    def send() -> int:
        response = requests.post(live_server.url + "/api/v1/flare-ups", json={"days": 3},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=30)
        return response.status_code

    assert sorted(all_at_once(send)) == [201] + [409] * (THREADS - 1)
    assert rows(app, FlareUp) == 1
