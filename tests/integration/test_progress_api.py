"""GET /api/v1/progress over a month logged through the API: every figure against
what the month adds up to, another person's data never counted, the ETag, the
range limits."""
from __future__ import annotations

import uuid

import pytest

from tests.progress_data import DAYS, SKIPPED, angle, at_noon, local_day, log_month, score

ZONE = "Europe/Berlin"


@pytest.fixture
def month(member, other):
    """``member`` with a logged month, beside ``other`` with a month of high figures."""
    log_month(other, high=True)
    log_month(member)
    return member


def progress(client, days=30, **kwargs):  # noqa: ANN001
    response = client.get(f"/api/v1/progress?days={days}", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_pain_figures_of_the_month(month):
    body = progress(month)
    assert body["days"] == 30 and body["to"] == local_day(0, ZONE).isoformat()
    pain = body["pain"]
    assert len(pain["daily"]) == DAYS
    first = pain["daily"][0]
    # a check-in and a session's pain_before on the same day, both 7
    assert first == {"date": local_day(29, ZONE).isoformat(), "mean": 7.0, "min": 7, "max": 7,
                     "count": 2}
    skipped = next(d for d in pain["daily"] if d["date"] == local_day(SKIPPED[0], ZONE).isoformat())
    assert skipped["count"] == 1  # the check-in only: pain_after never counts
    assert [d["mean"] for d in pain["daily"]] == [float(score(o)) for o in range(DAYS - 1, -1, -1)]
    assert (pain["baseline"], pain["current"], pain["change"], pain["change_pct"],
            pain["meaningful"]) == (7.0, 3.0, -4.0, -57.1, True)
    assert pain["summary"] == "Pain this week 3, down 4 from 7 at the start: a meaningful drop."
    rolling = {r["date"]: r["value"] for r in pain["rolling_7d"]}
    assert rolling[local_day(0, ZONE).isoformat()] == 3.0
    assert rolling[local_day(6, ZONE).isoformat()] == round((3 + 6 * 5) / 7, 2)
    assert rolling[local_day(27, ZONE).isoformat()] == 7.0


def test_slr_relief_adherence_of_the_month(month):
    body = progress(month)
    slr = body["slr"]["daily"]
    assert len(slr) == DAYS - len(SKIPPED)
    assert slr[0] == {"date": local_day(29, ZONE).isoformat(), "best_left": 30.0, "best_right": 75.0}
    assert slr[-1]["best_left"] == angle(0) == 59.0  # the hamstring stretch's 110 is not counted
    assert body["slr"]["program"] is None
    relief = {r["stretch"]: r for r in body["relief"]}
    assert set(relief) == {"double-knee-to-chest", "slr-strap", "supine-hamstring"}
    # slr-strap is logged twice a session (both legs): its sessions count once
    assert relief["slr-strap"] == {"stretch": "slr-strap", "name": "Straight-leg raise with a strap",
                                   "mean": 1.0, "count": DAYS - len(SKIPPED)}
    assert body["adherence"] == {
        "current_streak": 10, "longest_streak": DAYS - 12, "days_logged": DAYS - len(SKIPPED),
        "sessions_7d": 7, "calendar": [
            {"date": local_day(o, ZONE).isoformat(), "logged": o not in SKIPPED, "paused": False}
            for o in range(DAYS - 1, -1, -1)]}
    assert body["flags"] == []


def test_a_shorter_window_keeps_the_baseline_from_the_start(month):
    body = progress(month, days=7)
    assert len(body["pain"]["daily"]) == 7
    assert body["pain"]["baseline"] == 7.0  # the first 3 logged days, before the window
    assert body["pain"]["meaningful"] is True
    assert body["adherence"]["days_logged"] == 7
    assert body["adherence"]["longest_streak"] == DAYS - 12  # streaks look at all history


def test_another_persons_data_is_never_counted(other, member):
    log_month(other, high=True)
    body = progress(member)
    assert body["pain"]["daily"] == [] and body["pain"]["baseline"] is None
    assert body["relief"] == [] and body["slr"]["daily"] == []
    assert body["adherence"]["days_logged"] == 0 and body["flags"] == []
    # and the other person's own figures are theirs alone
    mine = progress(other)
    assert {d["mean"] for d in mine["pain"]["daily"]} == {10.0}


def test_empty_account(member):
    body = progress(member, days=7)
    assert body["pain"]["daily"] == [] and body["pain"]["meaningful"] is False
    assert body["pain"]["summary"] == "No pain scores in the last 7 days."
    assert body["adherence"]["current_streak"] == 0
    assert len(body["adherence"]["calendar"]) == 7


def test_flags_in_the_window(member):
    response = member.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": at_noon(1, ZONE),
        "pain_before": 3, "pain_after": 6,
        "entries": [{"stretch": "double-knee-to-chest", "worse": True}]})
    assert response.status_code == 201
    flags = progress(member)["flags"]
    assert {f["code"] for f in flags} == {"pain_increase", "stretch_worse"}
    assert all(f["session_id"] == response.get_json()["id"] for f in flags)


def test_unchanged_answer_is_a_304_by_etag(member):
    log_month(member)
    first = member.get("/api/v1/progress?days=30")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = member.get("/api/v1/progress?days=30", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    # another range is another answer
    assert member.get("/api/v1/progress?days=31", headers={"If-None-Match": etag}).status_code == 200
    # new data changes the answer
    member.post("/api/v1/checkins", json={"client_id": str(uuid.uuid4()),
                                          "recorded_at": at_noon(0, ZONE), "score": 9})
    changed = member.get("/api/v1/progress?days=30", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_etag_differs_between_people(member, other):
    for client in (member, other):
        client.post("/api/v1/checkins", json={"client_id": str(uuid.uuid4()),
                                              "recorded_at": at_noon(0, ZONE), "score": 4})
    assert member.get("/api/v1/progress").headers["ETag"] == \
        other.get("/api/v1/progress").headers["ETag"]  # same figures, same tag ...
    other.post("/api/v1/checkins", json={"client_id": str(uuid.uuid4()),
                                         "recorded_at": at_noon(1, ZONE), "score": 8})
    etag = member.get("/api/v1/progress").headers["ETag"]
    assert other.get("/api/v1/progress", headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize("days", ["6", "731", "0", "-7", "abc", "7.5", "1" * 40])
def test_days_out_of_range_is_a_422_naming_days(member, days):
    response = member.get(f"/api/v1/progress?days={days}")
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"days"}


@pytest.mark.parametrize("days", [7, 30, 365, 730])
def test_days_in_range(member, days):
    body = progress(member, days=days)
    assert len(body["adherence"]["calendar"]) == days


def test_default_range_is_30_days(member):
    assert member.get("/api/v1/progress").get_json()["days"] == 30


def test_needs_sign_in(shared_app):
    response = shared_app.test_client().get("/api/v1/progress")
    assert response.status_code == 401 and response.is_json


def test_bearer_token(shared_users):
    user = shared_users.create()
    token = shared_users.token(user)
    client = shared_users.app.test_client()
    response = client.get("/api/v1/progress?days=7", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


@pytest.mark.parametrize("with_data", [True, False])
def test_hand_written_json_is_the_schemas_dump(shared_app, member, with_data):
    """The route writes the long lists by hand for speed; ProgressSchema stays the
    contract (and the OpenAPI document): both must give the same JSON."""
    from tracker.auth.models import User
    from tracker.db_types import utcnow
    from tracker.extensions import db
    from tracker.progress import schemas, service

    if with_data:
        log_month(member)
        member.post("/api/v1/sessions", json={
            "client_id": str(uuid.uuid4()), "performed_at": at_noon(2, ZONE),
            "pain_before": 2, "pain_after": 5, "entries": [{"stretch": "slr-strap", "side": "left",
                                                            "angle_deg": 44.5, "worse": True}]})
        member.post("/api/v1/programs", json={"affected_leg": "left",
                                              "start_date": local_day(3, ZONE).isoformat()})
        socks = member.post("/api/v1/psfs/activities", json={"name": "Socks"}).get_json()["id"]
        for offset, score in ((14, 3), (0, 6)):
            member.post("/api/v1/psfs/ratings", json={
                "client_id": str(uuid.uuid4()), "rated_at": at_noon(offset, ZONE),
                "scores": [{"activity_id": socks, "score": score}]})
    with shared_app.app_context():
        user = db.session.get(User, member.user["id"])
        for days in (7, 30, 365):
            figures = service.progress(user, days, utcnow())
            assert schemas.dump_progress(figures) == schemas.ProgressSchema().dump(figures)
    assert member.get("/api/v1/progress").get_json() == progress(member)


def fresh(app, client, days=30):  # noqa: ANN001
    """The figures computed now, bypassing the answer cache."""
    from tracker.auth.models import User
    from tracker.db_types import utcnow
    from tracker.extensions import db
    from tracker.progress import schemas, service

    with app.app_context():
        user = db.session.get(User, client.user["id"])
        return schemas.dump_progress(service.progress(user, days, utcnow()))


def test_the_answer_cache_never_serves_stale_figures(shared_app, member):
    """Every kind of write changes the next answer (the cache is checked against the
    person's data on each request)."""
    def session(offset, before, angle):  # noqa: ANN001, ANN202
        return {"client_id": str(uuid.uuid4()), "performed_at": at_noon(offset, ZONE),
                "pain_before": before, "pain_after": before - 1,
                "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": angle}]}

    log_month(member)
    seen = [progress(member)]
    created = member.post("/api/v1/sessions", json=session(0, 9, 33)).get_json()
    writes = [
        lambda: None,  # (the create above)
        lambda: member.patch(f"/api/v1/sessions/{created['id']}", json={"pain_before": 2}),
        lambda: member.patch(f"/api/v1/sessions/{created['id']}", json={
            "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": 88}]}),
        lambda: member.delete(f"/api/v1/sessions/{created['id']}"),
        lambda: member.post("/api/v1/checkins", json={
            "client_id": str(uuid.uuid4()), "recorded_at": at_noon(0, ZONE), "score": 10}),
        lambda: member.delete(f"/api/v1/checkins/{member.get('/api/v1/checkins').get_json()['items'][0]['id']}"),
        lambda: member.post("/api/v1/programs", json={"affected_leg": "left"}),
        lambda: member.post("/api/v1/programs/current/end"),
    ]
    for write in writes:
        response = write()
        assert response is None or response.status_code < 300, response.get_data(as_text=True)
        answer = progress(member)
        assert answer == fresh(shared_app, member)
        assert answer != seen[-1]
        seen.append(answer)


def test_time_zone_change_moves_the_window(shared_app, member):
    log_month(member)
    progress(member)
    assert member.patch("/api/v1/me", json={"timezone": "Pacific/Kiritimati"}).status_code == 200
    assert progress(member) == fresh(shared_app, member)
