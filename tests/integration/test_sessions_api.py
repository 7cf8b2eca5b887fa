"""The sessions API (/api/v1/sessions): create (idempotent by the device's client_id),
list by date range, read, edit, delete; the user's local calendar day; validation
that names each offending field; other users' sessions are invisible; safety flags."""
from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from tests.support import stored as count
from tracker.logbook.models import SessionEntry

UTC = dt.timezone.utc


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def iso(when: dt.datetime) -> str:
    return when.isoformat()


def session_body(**overrides) -> dict:
    body = {
        "client_id": str(uuid.uuid4()),
        "performed_at": iso(now() - dt.timedelta(hours=1)),
        "pain_before": 5,
        "pain_after": 4,
        "notes": "felt fine",
        "entries": [
            {"stretch": "double-knee-to-chest", "side": "both", "reps": 3, "hold_seconds": 20},
            {"stretch": "supine-hamstring", "side": "left", "reps": 3, "hold_seconds": 20,
             "angle_deg": 45},
        ],
    }
    body.update(overrides)
    return body


def entry(**fields) -> dict:
    return {"stretch": "slr-strap", "side": "left", **fields}


def named(field: str, fields: dict) -> bool:
    """``field`` itself, or a part of it ("entries.1._schema" names entry 1)."""
    return any(key == field or key.startswith(field + ".") for key in fields)


@pytest.fixture
def created(api) -> dict:
    response = api.post("/api/v1/sessions", json=session_body())
    assert response.status_code == 201
    return response.get_json()


# ------------------------------------------------------------------ create


def test_create_answers_the_session(api):
    body = session_body()
    response = api.post("/api/v1/sessions", json=body)
    assert response.status_code == 201
    s = response.get_json()
    assert isinstance(s["id"], int)
    assert s["client_id"] == body["client_id"]
    sent = dt.datetime.fromisoformat(body["performed_at"])
    assert dt.datetime.fromisoformat(s["performed_at"]) == sent
    assert dt.datetime.fromisoformat(s["performed_at"]).utcoffset() is not None
    assert (s["pain_before"], s["pain_after"], s["notes"], s["flags"]) == (5, 4, "felt fine", [])
    assert [(e["stretch"], e["side"], e["angle_deg"]) for e in s["entries"]] == [
        ("double-knee-to-chest", "both", None), ("supine-hamstring", "left", 45.0)]
    assert count(api) == 1 and count(api, SessionEntry) == 2


def test_replay_returns_the_existing_session(api):
    body = session_body()
    first = api.post("/api/v1/sessions", json=body)
    again = api.post("/api/v1/sessions", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert count(api) == 1


def test_replay_with_a_changed_body_keeps_the_first(api):
    body = session_body()
    first = api.post("/api/v1/sessions", json=body).get_json()
    again = api.post("/api/v1/sessions", json={**body, "pain_before": 9, "notes": "changed"})
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"]
    assert (again.get_json()["pain_before"], again.get_json()["notes"]) == (5, "felt fine")
    assert count(api) == 1


def test_replay_answers_the_stored_session_though_its_stretch_is_now_archived(api):
    """The body is checked before the replay check, but a replay is still answered
    with what was stored, even where the same body would be refused as new."""
    slug = api.post("/api/v1/stretches", json={
        "name": "Cat-cow", "spine": "flexion", "hold_seconds": 15}).get_json()["slug"]
    body = session_body(entries=[{"stretch": slug}])
    first = api.post("/api/v1/sessions", json=body)
    assert first.status_code == 201
    assert api.delete(f"/api/v1/stretches/{slug}").status_code == 204  # used: archived
    again = api.post("/api/v1/sessions", json=body)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["entries"][0]["stretch"].startswith(f"{slug}-archived-")
    refused = api.post("/api/v1/sessions", json={**body, "client_id": str(uuid.uuid4())})
    assert refused.status_code == 422 and "entries.0.stretch" in refused.get_json()["fields"]
    assert count(api) == 1


@pytest.mark.parametrize("spelling", [str.upper, lambda u: u.replace("-", "")])
def test_client_id_is_canonical(api, spelling):
    client_id = str(uuid.uuid4())
    first = api.post("/api/v1/sessions", json=session_body(client_id=spelling(client_id)))
    assert first.status_code == 201
    assert first.get_json()["client_id"] == client_id
    again = api.post("/api/v1/sessions", json=session_body(client_id=client_id))
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert count(api) == 1


def test_the_same_client_id_belongs_to_each_user_separately(api, other):
    body = session_body()
    a = api.post("/api/v1/sessions", json=body)
    b = other.post("/api/v1/sessions", json=body)
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.get_json()["id"] != b.get_json()["id"]
    assert count(api) == 1 and count(other) == 1


@pytest.mark.parametrize("client_id", [
    "", "abc", "123", "not-a-uuid-at-all-not-a-uuid-at-all!",
    "{12345678-1234-5678-1234-567812345678}",
    "urn:uuid:12345678-1234-5678-1234-567812345678",
    "12345678-1234-5678-1234-56781234567",      # one digit short
    "g2345678-1234-5678-1234-567812345678",
    5, 12.5, True, None, [], {},
])
def test_client_id_must_be_a_uuid(api, client_id):
    response = api.post("/api/v1/sessions", json=session_body(client_id=client_id))
    assert response.status_code == 422
    assert "client_id" in response.get_json()["fields"]
    assert count(api) == 0


@pytest.mark.parametrize("missing", ["client_id", "performed_at", "entries"])
def test_required_fields(api, missing):
    body = session_body()
    del body[missing]
    response = api.post("/api/v1/sessions", json=body)
    assert response.status_code == 422
    assert missing in response.get_json()["fields"]


def test_only_the_required_fields(api):
    response = api.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": iso(now()),
        "entries": [{"stretch": "double-knee-to-chest"}]})
    assert response.status_code == 201
    s = response.get_json()
    assert (s["pain_before"], s["pain_after"], s["notes"]) == (None, None, "")


@pytest.mark.parametrize(("raw", "expected"), [
    # defaults come from the stretch; whole-body stretches default to "both"
    ({"stretch": "double-knee-to-chest"},
     {"side": "both", "reps": 3, "hold_seconds": 20, "angle_deg": None, "angle_method": None,
      "assisted": None, "worse": False}),
    ({"stretch": "slr-assisted", "side": "right", "angle_deg": 42.26},
     {"side": "right", "reps": 5, "hold_seconds": 10, "angle_deg": 42.3, "angle_method": "manual",
      "assisted": "helper"}),
    ({"stretch": "slr-strap", "side": "left", "angle_deg": 60, "angle_method": "phone"},
     {"assisted": "strap", "angle_method": "phone", "angle_deg": 60.0}),
    ({"stretch": "slr-strap", "side": "left", "assisted": "helper"}, {"assisted": "helper"}),
    ({"stretch": "double-knee-to-chest", "side": "none", "reps": 7, "hold_seconds": 45,
      "worse": True}, {"side": "none", "reps": 7, "hold_seconds": 45, "worse": True}),
])
def test_entry_defaults_and_values(api, raw, expected):
    response = api.post("/api/v1/sessions", json=session_body(entries=[raw]))
    assert response.status_code == 201, response.get_json()
    (out,) = response.get_json()["entries"]
    assert {k: out[k] for k in expected} == expected
    assert out["stretch"] == raw["stretch"] and out["stretch_name"]


def test_entries_keep_their_order(api):
    slugs = ["slr-strap", "double-knee-to-chest", "supine-hamstring", "single-knee-to-chest"]
    entries = [{"stretch": s, "side": "right" if s != "double-knee-to-chest" else "both"}
               for s in slugs]
    response = api.post("/api/v1/sessions", json=session_body(entries=entries))
    assert [e["stretch"] for e in response.get_json()["entries"]] == slugs


# ------------------------------------------------------------------ local_date


@pytest.mark.parametrize(("zone", "local_wall", "day"), [
    # a session late in the evening belongs to that local day, not the UTC day
    ("America/Los_Angeles", dt.datetime(2025, 7, 10, 23, 30), dt.date(2025, 7, 10)),
    ("America/Los_Angeles", dt.datetime(2025, 1, 10, 23, 30), dt.date(2025, 1, 10)),
    ("America/Los_Angeles", dt.datetime(2025, 7, 11, 0, 15), dt.date(2025, 7, 11)),
    # early morning ahead of UTC: the local day has begun, the UTC one has not
    ("Pacific/Auckland", dt.datetime(2025, 1, 11, 7, 0), dt.date(2025, 1, 11)),
    ("Pacific/Auckland", dt.datetime(2025, 7, 11, 0, 30), dt.date(2025, 7, 11)),
    ("Asia/Kolkata", dt.datetime(2025, 3, 5, 0, 10), dt.date(2025, 3, 5)),
    ("Asia/Kolkata", dt.datetime(2025, 3, 5, 23, 50), dt.date(2025, 3, 5)),
    ("Europe/Berlin", dt.datetime(2025, 3, 30, 3, 30), dt.date(2025, 3, 30)),  # DST day
    ("UTC", dt.datetime(2025, 3, 5, 23, 59), dt.date(2025, 3, 5)),
])
@pytest.mark.parametrize("sent_as", ["utc", "local"])
def test_local_date_is_the_users_calendar_day(shared_users, zone, local_wall, day, sent_as):
    client = shared_users.signed_in(zone)
    instant = local_wall.replace(tzinfo=ZoneInfo(zone))
    if sent_as == "utc":
        instant = instant.astimezone(UTC)
    response = client.post("/api/v1/sessions", json=session_body(performed_at=iso(instant)))
    assert response.status_code == 201
    s = response.get_json()
    assert s["local_date"] == day.isoformat()
    assert dt.datetime.fromisoformat(s["performed_at"]) == instant


def test_utc_day_differs_for_a_late_los_angeles_session(shared_users):
    client = shared_users.signed_in("America/Los_Angeles")
    instant = dt.datetime(2025, 7, 10, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert instant.astimezone(UTC).date() == dt.date(2025, 7, 11)
    s = client.post("/api/v1/sessions", json=session_body(performed_at=iso(instant))).get_json()
    assert s["local_date"] == "2025-07-10"
    listed = client.get("/api/v1/sessions?from=2025-07-10&to=2025-07-10").get_json()
    assert [i["id"] for i in listed["items"]] == [s["id"]]
    assert client.get("/api/v1/sessions?from=2025-07-11").get_json()["items"] == []


# ------------------------------------------------------------------ validation

BAD_ENTRY_SESSIONS = [
    # (change to the body, field named in the answer)
    ({"pain_before": -1}, "pain_before"),
    ({"pain_before": 11}, "pain_before"),
    ({"pain_before": 3.5}, "pain_before"),
    ({"pain_before": "5"}, "pain_before"),
    ({"pain_before": True}, "pain_before"),
    ({"pain_before": [5]}, "pain_before"),
    ({"pain_after": -1}, "pain_after"),
    ({"pain_after": 11}, "pain_after"),
    ({"pain_after": 3.5}, "pain_after"),
    ({"pain_after": "5"}, "pain_after"),
    ({"pain_after": False}, "pain_after"),
    ({"notes": "x" * 2001}, "notes"),
    ({"notes": 5}, "notes"),
    ({"performed_at": "2025-05-01T10:00:00"}, "performed_at"),          # naive
    ({"performed_at": "2025-05-01"}, "performed_at"),
    ({"performed_at": "yesterday"}, "performed_at"),
    ({"performed_at": 1714557600}, "performed_at"),
    ({"performed_at": iso(now() + dt.timedelta(days=2))}, "performed_at"),
    ({"performed_at": "1999-12-31T12:00:00+00:00"}, "performed_at"),
    ({"performed_at": "0001-01-01T00:00:00+01:00"}, "performed_at"),
    ({"performed_at": "9999-12-31T23:59:59-12:00"}, "performed_at"),
    ({"performed_at": "2025-05-01T10:00:00+25:00"}, "performed_at"),
    ({"entries": []}, "entries"),
    ({"entries": [{"stretch": "double-knee-to-chest"}] * 51}, "entries"),
    ({"entries": "double-knee-to-chest"}, "entries"),
    ({"entries": [{"stretch": "no-such-stretch"}]}, "entries.0.stretch"),
    ({"entries": [{"stretch": ""}]}, "entries.0.stretch"),
    ({"entries": [{"side": "both"}]}, "entries.0.stretch"),
    ({"entries": [{"stretch": "double-knee-to-chest"}, "oops"]}, "entries.1"),
    ({"entries": [entry(angle_deg=-1)]}, "entries.0.angle_deg"),
    ({"entries": [entry(angle_deg=120.5)]}, "entries.0.angle_deg"),
    ({"entries": [entry(angle_deg="forty")]}, "entries.0.angle_deg"),
    ({"entries": [entry(angle_deg=True)]}, "entries.0.angle_deg"),
    ({"entries": [entry(angle_deg="NaN")]}, "entries.0.angle_deg"),
    ({"entries": [entry(angle_deg="40")]}, "entries.0.angle_deg"),
    ({"entries": [entry(worse="yes")]}, "entries.0.worse"),
    ({"entries": [entry(worse=1)]}, "entries.0.worse"),
    ({"entries": [{"stretch": "double-knee-to-chest", "angle_deg": 30}]}, "entries.0.angle_deg"),
    ({"entries": [{"stretch": "single-knee-to-chest", "side": "left", "angle_deg": 30}]},
     "entries.0.angle_deg"),
    ({"entries": [entry(angle_method="phone")]}, "entries.0.angle_method"),
    ({"entries": [entry(angle_deg=40, angle_method="eyeball")]}, "entries.0.angle_method"),
    ({"entries": [entry(assisted="robot")]}, "entries.0.assisted"),
    ({"entries": [entry(side="both")]}, "entries.0.side"),
    ({"entries": [entry(side="none")]}, "entries.0.side"),
    ({"entries": [{"stretch": "slr-strap"}]}, "entries.0.side"),      # per side: say which
    ({"entries": [{"stretch": "double-knee-to-chest", "side": "left"}]}, "entries.0.side"),
    ({"entries": [{"stretch": "double-knee-to-chest", "side": "up"}]}, "entries.0.side"),
    ({"entries": [entry(reps=0)]}, "entries.0.reps"),
    ({"entries": [entry(reps=51)]}, "entries.0.reps"),
    ({"entries": [entry(reps=2.5)]}, "entries.0.reps"),
    ({"entries": [entry(reps="3")]}, "entries.0.reps"),
    ({"entries": [entry(hold_seconds=0)]}, "entries.0.hold_seconds"),
    ({"entries": [entry(hold_seconds=601)]}, "entries.0.hold_seconds"),
    ({"entries": [entry(hold_seconds=True)]}, "entries.0.hold_seconds"),
    ({"entries": [entry(), entry(side="right", reps=99)]}, "entries.1.reps"),
    ({"entries": [entry(colour="red")]}, "entries.0.colour"),
    ({"mood": "good"}, "mood"),
    ({"id": 7}, "id"),
    ({"local_date": "2025-01-01"}, "local_date"),
    ({"flags": []}, "flags"),
]


@pytest.mark.parametrize(("change", "field"), BAD_ENTRY_SESSIONS)
def test_invalid_session_is_refused_naming_the_field(api, change, field):
    response = api.post("/api/v1/sessions", json=session_body(**change))
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == 422
    assert named(field, body["fields"]), body
    assert count(api) == 0


@pytest.mark.parametrize("change", [
    {"pain_before": 0, "pain_after": 10},
    {"pain_before": 10, "pain_after": 0},
    {"pain_before": None, "pain_after": None},
    {"notes": "x" * 2000},
    {"notes": ""},
    {"notes": "Ünïcödé ✓ 🙂 <b>not html</b>"},
    {"entries": [entry(angle_deg=0)]},
    {"entries": [entry(angle_deg=120)]},
    {"entries": [entry(angle_deg=None)]},
    {"entries": [entry(reps=1, hold_seconds=1)]},
    {"entries": [entry(reps=50, hold_seconds=600)]},
    {"entries": [{"stretch": "double-knee-to-chest"}] * 50},
    {"performed_at": iso(now() + dt.timedelta(hours=23))},
    {"performed_at": "2000-01-01T00:00:00+00:00"},
    {"performed_at": "2025-06-01T08:00:00+05:30"},
    {"performed_at": "2025-06-01T08:00:00Z"},
])
def test_boundary_values_are_accepted(api, change):
    response = api.post("/api/v1/sessions", json=session_body(**change))
    assert response.status_code == 201, response.get_json()


def test_several_bad_fields_are_all_named(api):
    response = api.post("/api/v1/sessions", json=session_body(
        pain_before=11, notes="x" * 2001, entries=[entry(reps=0, hold_seconds=601)]))
    assert response.status_code == 422
    assert {"pain_before", "notes", "entries.0.reps", "entries.0.hold_seconds"} <= set(
        response.get_json()["fields"])


def test_entry_rule_errors_name_every_bad_entry(api):
    response = api.post("/api/v1/sessions", json=session_body(entries=[
        entry(), {"stretch": "nope"}, {"stretch": "double-knee-to-chest", "angle_deg": 5},
        entry(side="both")]))
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {
        "entries.1.stretch", "entries.2.angle_deg", "entries.3.side"}


@pytest.mark.parametrize(("data", "content_type"), [
    ("not json", "application/json"),
    ("{", "application/json"),
    ("[1, 2]", "application/json"),
    ("null", "application/json"),
    ("42", "application/json"),
    ("client_id=x", "application/x-www-form-urlencoded"),
    ("", "text/plain"),
])
def test_malformed_bodies_are_4xx_json(api, data, content_type):
    response = api.post("/api/v1/sessions", data=data, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response.is_json and "fields" in response.get_json()
    assert count(api) == 0


def test_huge_json_integer_is_4xx(api):
    """Python's json refuses integers over 4300 digits with a ValueError: still a 4xx."""
    raw = ('{"client_id": "%s", "performed_at": "2025-01-01T00:00:00Z", "pain_before": 1%s, '
           '"entries": [{"stretch": "double-knee-to-chest"}]}') % (uuid.uuid4(), "0" * 5000)
    response = api.post("/api/v1/sessions", data=raw, content_type="application/json")
    assert 400 <= response.status_code < 500


# ------------------------------------------------------------------ safety flags


@pytest.mark.parametrize(("before", "after", "worse", "expected"), [
    (3, 5, [], [("pain_increase", None)]),
    (0, 10, [], [("pain_increase", None)]),
    (3, 4, [], []),                                  # a rise of 1 is not flagged
    (5, 5, [], []),
    (6, 2, [], []),
    (None, 9, [], []),
    (4, 4, ["supine-hamstring"], [("stretch_worse", "supine-hamstring")]),
    (2, 7, ["double-knee-to-chest"],
     [("pain_increase", None), ("stretch_worse", "double-knee-to-chest")]),
])
def test_flags_in_the_answer(api, before, after, worse, expected):
    entries = [
        {"stretch": "double-knee-to-chest", "worse": "double-knee-to-chest" in worse},
        {"stretch": "supine-hamstring", "side": "left", "worse": "supine-hamstring" in worse},
        {"stretch": "supine-hamstring", "side": "right", "worse": "supine-hamstring" in worse},
    ]
    response = api.post("/api/v1/sessions", json=session_body(
        pain_before=before, pain_after=after, entries=entries))
    assert response.status_code == 201
    s = response.get_json()
    assert [(f["code"], f["stretch"]) for f in s["flags"]] == expected
    assert all(f["message"] for f in s["flags"])
    assert api.get(f"/api/v1/sessions/{s['id']}").get_json()["flags"] == s["flags"]


def test_flags_follow_an_edit(api, created):
    url = f"/api/v1/sessions/{created['id']}"
    raised = api.patch(url, json={"pain_before": 2, "pain_after": 6}).get_json()
    assert [f["code"] for f in raised["flags"]] == ["pain_increase"]
    eased = api.patch(url, json={"pain_after": 3}).get_json()
    assert eased["flags"] == []


# ------------------------------------------------------------------ list


def _log(client, day: dt.date, hour: int = 9, zone: str = "Europe/Berlin") -> dict:
    when = dt.datetime.combine(day, dt.time(hour), ZoneInfo(zone))
    response = client.post("/api/v1/sessions", json=session_body(performed_at=iso(when)))
    assert response.status_code == 201
    return response.get_json()


def test_list_is_an_envelope_newest_first(api):
    days = [dt.date(2025, 5, d) for d in (3, 1, 2)]
    made = {d: _log(api, d)["id"] for d in days}
    body = api.get("/api/v1/sessions").get_json()
    assert set(body) == {"items", "meta"}
    assert [i["id"] for i in body["items"]] == [made[dt.date(2025, 5, d)] for d in (3, 2, 1)]
    assert body["meta"]["total"] == 3 and body["meta"]["page"] == 1
    assert all("entries" in i and "flags" in i for i in body["items"])


@pytest.mark.parametrize(("query", "expected_days"), [
    ("", [5, 4, 3, 2, 1]),
    ("?from=2025-05-02", [5, 4, 3, 2]),
    ("?to=2025-05-02", [2, 1]),
    ("?from=2025-05-02&to=2025-05-04", [4, 3, 2]),
    ("?from=2025-05-03&to=2025-05-03", [3]),
    ("?from=2025-06-01", []),
])
def test_list_by_date_range(api, query, expected_days):
    ids = {d: _log(api, dt.date(2025, 5, d))["id"] for d in range(1, 6)}
    body = api.get(f"/api/v1/sessions{query}").get_json()
    assert [i["id"] for i in body["items"]] == [ids[d] for d in expected_days]
    assert body["meta"]["total"] == len(expected_days)


def test_list_is_paginated(api):
    ids = [_log(api, dt.date(2025, 5, d))["id"] for d in range(1, 6)]
    newest_first = ids[::-1]
    pages = [api.get(f"/api/v1/sessions?per_page=2&page={p}").get_json() for p in (1, 2, 3, 4)]
    assert [[i["id"] for i in p["items"]] for p in pages] == [
        newest_first[:2], newest_first[2:4], newest_first[4:], []]
    assert pages[0]["meta"] == {"total": 5, "page": 1, "per_page": 2, "pages": 3}


def test_per_page_is_capped(api):
    _log(api, dt.date(2025, 5, 1))
    meta = api.get("/api/v1/sessions?per_page=200").get_json()["meta"]
    assert meta["per_page"] <= api.application.config["PAGE_SIZE_MAX"]


@pytest.mark.parametrize(("query", "field"), [
    ("?from=2025-05-05&to=2025-05-01", "from"),
    ("?from=yesterday", "from"),
    ("?to=2025-13-01", "to"),
    ("?page=0", "page"),
    ("?page=abc", "page"),
    ("?page=1.5", "page"),
    ("?per_page=0", "per_page"),
    ("?per_page=201", "per_page"),
])
def test_bad_list_arguments(api, query, field):
    response = api.get(f"/api/v1/sessions{query}")
    assert response.status_code in (400, 422)
    assert field in response.get_json()["fields"]


def test_list_shows_only_my_sessions(api, other):
    mine = _log(api, dt.date(2025, 5, 1))
    _log(other, dt.date(2025, 5, 1))
    body = api.get("/api/v1/sessions").get_json()
    assert [i["id"] for i in body["items"]] == [mine["id"]]


# ------------------------------------------------------------------ read, edit, delete


def test_read(api, created):
    response = api.get(f"/api/v1/sessions/{created['id']}")
    assert response.status_code == 200
    assert response.get_json() == created


@pytest.mark.parametrize("session_id", [0, 999_999, 2**31, 10**30])
def test_missing_session_is_404(api, session_id):
    assert api.get(f"/api/v1/sessions/{session_id}").status_code == 404
    assert api.patch(f"/api/v1/sessions/{session_id}", json={"notes": "x"}).status_code == 404
    assert api.delete(f"/api/v1/sessions/{session_id}").status_code == 404


@pytest.mark.parametrize(("method", "body"), [
    ("get", None), ("patch", {"notes": "mine now"}), ("patch", {"pain_after": 10}),
    ("delete", None),
])
def test_another_users_session_is_404_and_unchanged(api, other, created, method, body):
    url = f"/api/v1/sessions/{created['id']}"
    kwargs = {"json": body} if body is not None else {}
    response = getattr(other, method)(url, **kwargs)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert api.get(url).get_json() == created


def test_404_looks_the_same_for_missing_and_foreign(api, other, created):
    foreign = other.get(f"/api/v1/sessions/{created['id']}").get_json()
    missing = other.get("/api/v1/sessions/999999").get_json()
    assert foreign == missing


@pytest.mark.parametrize(("change", "check"), [
    ({"pain_before": 2}, {"pain_before": 2, "pain_after": 4, "notes": "felt fine"}),
    ({"pain_after": None}, {"pain_before": 5, "pain_after": None}),
    ({"notes": "edited"}, {"notes": "edited", "pain_before": 5}),
    ({"notes": ""}, {"notes": ""}),
])
def test_patch_changes_only_what_is_sent(api, created, change, check):
    response = api.patch(f"/api/v1/sessions/{created['id']}", json=change)
    assert response.status_code == 200
    s = response.get_json()
    assert {k: s[k] for k in check} == check
    assert (s["id"], s["client_id"], s["entries"]) == (
        created["id"], created["client_id"], created["entries"])


def test_patch_replaces_the_entries(api, created):
    response = api.patch(f"/api/v1/sessions/{created['id']}", json={"entries": [
        {"stretch": "slr-strap", "side": "right", "angle_deg": 55, "worse": True}]})
    assert response.status_code == 200
    (e,) = response.get_json()["entries"]
    assert (e["stretch"], e["side"], e["angle_deg"], e["assisted"], e["worse"]) == (
        "slr-strap", "right", 55.0, "strap", True)
    assert count(api, SessionEntry) == 1
    assert api.get(f"/api/v1/sessions/{created['id']}").get_json()["entries"] == [e]


@pytest.mark.parametrize(("zone", "local_wall", "day"), [
    ("America/Los_Angeles", dt.datetime(2025, 7, 10, 23, 30), "2025-07-10"),
    ("Pacific/Auckland", dt.datetime(2025, 7, 11, 6, 0), "2025-07-11"),
    ("Asia/Kolkata", dt.datetime(2025, 7, 11, 1, 0), "2025-07-11"),
])
def test_patch_performed_at_recomputes_local_date(shared_users, zone, local_wall, day):
    client = shared_users.signed_in(zone)
    s = client.post("/api/v1/sessions", json=session_body(
        performed_at="2025-01-01T12:00:00+00:00")).get_json()
    assert s["local_date"] in ("2025-01-01", "2025-01-02")
    instant = local_wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    response = client.patch(f"/api/v1/sessions/{s['id']}", json={"performed_at": iso(instant)})
    assert response.status_code == 200
    assert response.get_json()["local_date"] == day
    assert dt.datetime.fromisoformat(response.get_json()["performed_at"]) == instant


@pytest.mark.parametrize(("change", "field"), [
    ({"client_id": str(uuid.uuid4())}, "client_id"),
    ({"id": 5}, "id"),
    ({"pain_before": 11}, "pain_before"),
    ({"pain_after": "3"}, "pain_after"),
    ({"notes": "x" * 2001}, "notes"),
    ({"entries": []}, "entries"),
    ({"entries": None}, "entries"),
    ({"entries": [{"stretch": "double-knee-to-chest"}] * 51}, "entries"),
    ({"entries": [{"stretch": "nope"}]}, "entries.0.stretch"),
    ({"entries": [{"stretch": "slr-strap", "side": "both"}]}, "entries.0.side"),
    ({"entries": [{"stretch": "double-knee-to-chest", "angle_deg": 20}]}, "entries.0.angle_deg"),
    ({"performed_at": "2025-05-01T10:00:00"}, "performed_at"),
    ({"performed_at": iso(now() + dt.timedelta(days=3))}, "performed_at"),
    ({"performed_at": None}, "performed_at"),
])
def test_invalid_patch_is_refused_and_changes_nothing(api, created, change, field):
    url = f"/api/v1/sessions/{created['id']}"
    response = api.patch(url, json=change)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]
    assert api.get(url).get_json() == created


def test_invalid_patch_keeps_earlier_valid_fields_unsaved(api, created):
    url = f"/api/v1/sessions/{created['id']}"
    response = api.patch(url, json={"notes": "new", "entries": [{"stretch": "nope"}]})
    assert response.status_code == 422
    assert api.get(url).get_json()["notes"] == "felt fine"


def test_delete(api, created):
    url = f"/api/v1/sessions/{created['id']}"
    response = api.delete(url)
    assert response.status_code == 204 and response.data == b""
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404
    assert count(api) == 0 and count(api, SessionEntry) == 0


def test_delete_one_keeps_the_others(api, created):
    second = api.post("/api/v1/sessions", json=session_body()).get_json()
    assert api.delete(f"/api/v1/sessions/{created['id']}").status_code == 204
    assert [i["id"] for i in api.get("/api/v1/sessions").get_json()["items"]] == [second["id"]]
    assert count(api, SessionEntry) == 2


# ------------------------------------------------------------------ who may ask


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/sessions"), ("post", "/api/v1/sessions"), ("get", "/api/v1/sessions/1"),
    ("patch", "/api/v1/sessions/1"), ("delete", "/api/v1/sessions/1"),
])
def test_signed_out_is_401(shared_app, method, path):
    client = shared_app.test_client()
    client.fetch_csrf()  # a signed-out browser still has a CSRF token
    kwargs = {"json": session_body()} if method in ("post", "patch") else {}
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_bearer_token_full_cycle_without_csrf(shared_users):
    user = shared_users.create()
    headers = {"Authorization": f"Bearer {shared_users.token(user)}"}
    client = shared_users.app.test_client()
    client.user = user
    body = session_body()
    created = client.post("/api/v1/sessions", json=body, headers=headers)
    assert created.status_code == 201
    url = f"/api/v1/sessions/{created.get_json()['id']}"
    assert client.post("/api/v1/sessions", json=body, headers=headers).status_code == 200
    assert client.patch(url, json={"notes": "api"}, headers=headers).get_json()["notes"] == "api"
    assert client.get("/api/v1/sessions", headers=headers).get_json()["meta"]["total"] == 1
    assert client.delete(url, headers=headers).status_code == 204
    assert count(client) == 0


@pytest.mark.parametrize("token", ["", "nonsense", "Bearer"])
def test_bad_bearer_token_is_401(shared_app, token):
    client = shared_app.test_client()
    response = client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_cookie_write_without_csrf_header_is_refused(api):
    api.csrf_token = None  # stop sending the header
    response = api.post("/api/v1/sessions", json=session_body())
    assert response.status_code == 400
    assert count(api) == 0
