"""``DumpSchema`` (tracker/schemas.py) answers exactly what marshmallow's own dump
would: every JSON route of a person with a full log is asked twice, once with the
fast path and once with marshmallow's ``Schema._serialize`` put back, and the bodies
must be equal."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from marshmallow import Schema

from tracker.schemas import DumpSchema

UTC = dt.timezone.utc


def ago(**kw) -> str:
    return (dt.datetime.now(UTC) - dt.timedelta(**kw)).isoformat()


@pytest.fixture
def full(member):  # noqa: ANN001
    """A person with a bit of everything: their own stretch, sessions with every
    kind of entry and a flag, a check-in, a programme, a reminder, a token, a share."""
    slug = member.post("/api/v1/stretches", json={
        "name": "Cat-cow ✓", "spine": "flexion", "hold_seconds": 15, "per_side": True,
        "instructions": ["On hands and knees"], "cautions": ["Slowly"]}).get_json()["slug"]
    ids = []
    for i, entries in enumerate([
            [{"stretch": slug, "side": "left", "worse": True}],
            [{"stretch": "slr-assisted", "side": "right", "angle_deg": 47.5,
              "angle_method": "phone", "assisted": "helper"},
             {"stretch": "slr-strap", "side": "left", "angle_deg": 60},
             {"stretch": "double-knee-to-chest", "reps": 3, "hold_seconds": 30}]]):
        made = member.post("/api/v1/sessions", json={
            "client_id": str(uuid.uuid4()), "performed_at": ago(hours=3 - i),
            "pain_before": 4 + i, "pain_after": 7 - 3 * i, "notes": f"note {i} ünï",
            "entries": entries})
        assert made.status_code == 201, made.get_data(as_text=True)
        ids.append(made.get_json()["id"])
    member.post("/api/v1/checkins", json={"client_id": str(uuid.uuid4()),
                                         "recorded_at": ago(hours=1), "score": 3})
    assert member.post("/api/v1/programs", json={"affected_leg": "left"}).status_code == 201
    assert member.post("/api/v1/reminders", json={"time": "07:30", "weekdays": [0, 2]}
                       ).status_code == 201
    assert member.post("/api/v1/auth/tokens", json={"name": "phone"}).status_code == 201
    assert member.post("/api/v1/shares", json={"days": 30}).status_code == 201
    return {"session": ids[0], "slug": slug}


PATHS = ["/api/v1/sessions", "/api/v1/sessions?per_page=1&page=2", "/api/v1/sessions/{session}",
         "/api/v1/checkins", "/api/v1/stretches", "/api/v1/stretches/{slug}",
         "/api/v1/programs", "/api/v1/programs/current", "/api/v1/reminders",
         "/api/v1/reminders/deliveries", "/api/v1/auth/tokens", "/api/v1/shares", "/api/v1/me"]


@pytest.mark.parametrize("path", PATHS)
def test_fast_dump_equals_marshmallows(member, full, monkeypatch, path):
    url = path.format(**full)
    # Dumped afresh both times, not answered from the per-person caches.
    monkeypatch.setitem(member.application.config, "LIST_CACHE_SIZE", 0)
    fast = member.get(url)
    assert fast.status_code == 200, fast.get_data(as_text=True)
    monkeypatch.setattr(DumpSchema, "_serialize", Schema._serialize)
    slow = member.get(url)
    assert fast.get_json() == slow.get_json()
    assert fast.get_json()  # not two empty answers


def test_missing_attributes_are_left_out_and_defaults_used():
    from marshmallow import fields

    class Out(DumpSchema):
        a = fields.Integer()
        b = fields.String(dump_default="b")
        c = fields.String(attribute="x.y")
        d = fields.Function(lambda o: "fn")

    class Obj:
        a = 1
        x = type("X", (), {"y": "deep"})()

    for obj in (Obj(), {"a": 1, "x": {"y": "deep"}}):
        assert Out().dump(obj) == Schema._serialize(Out(), obj) == \
            {"a": 1, "b": "b", "c": "deep", "d": "fn"}
    assert Out().dump({}) == {"b": "b", "d": "fn"}
