"""Export (JSON, CSV, FHIR R4) and import: everything goes out and comes back without
loss; import is idempotent, respects tombstones, is all or nothing, and refuses bad
files with a 4xx naming what is wrong."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
import zipfile

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import func, select

from tests.support import stored
from tracker.auth.models import User
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.logbook import demo
from tracker.logbook.models import Checkin, DeletedRecord, SessionEntry, Stretch, StretchSession
from tracker.programs.models import Program
from tracker.psfs.models import PsfsRating
from tracker.reminders.models import Reminder

JSON = "application/json"


def ago(**delta) -> str:
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(**delta)).isoformat()


def fill(client, days: int = 10) -> None:  # noqa: ANN001
    """A demo stretch of days, a custom stretch used in a session with notes, a deleted
    session and check-in, and a warning-signs answer."""
    with client.application.app_context():
        user = db.session.get(User, client.user["id"])
        demo.seed(user, days, utcnow())
        db.session.commit()
    slug = client.post("/api/v1/stretches", json={
        "name": "Cat-cow", "spine": "flexion", "hold_seconds": 15, "per_side": True,
        "instructions": ["On hands and knees", "Arch, then round"]}).get_json()["slug"]
    made = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": ago(hours=3), "pain_before": 5,
        "pain_after": 7, "notes": "=cmd| gardening, ünïcode ✓",
        "entries": [{"stretch": slug, "side": "left", "worse": True},
                    {"stretch": "slr-assisted", "side": "right", "angle_deg": 47.5,
                     "angle_method": "phone", "assisted": "helper"}]})
    assert made.status_code == 201, made.get_data(as_text=True)
    gone = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": ago(hours=2),
        "entries": [{"stretch": "double-knee-to-chest"}]}).get_json()
    assert client.delete(f"/api/v1/sessions/{gone['id']}").status_code == 204
    checkin = client.post("/api/v1/checkins", json={
        "client_id": str(uuid.uuid4()), "recorded_at": ago(hours=1), "score": 3,
        "context": "evening", "note": "Better"}).get_json()
    assert client.delete(f"/api/v1/checkins/{checkin['id']}").status_code == 204
    assert client.post("/safety", data={"red_flags": ["night_pain"]}).status_code in (200, 302)
    # The demo's programme ends when this one starts: one ended, one running.
    start = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    program = client.post("/api/v1/programs", json={"affected_leg": "right", "start_date": start,
                                                     "length_days": 7})
    assert program.status_code == 201, program.get_data(as_text=True)
    for reminder in (REMINDER, {"time": "19:15", "weekdays": [5, 6], "timezone": "Europe/Lisbon",
                                "enabled": False, "skip_if_logged": False}):
        assert client.post("/api/v1/reminders", json=reminder).status_code == 201
    flare = client.post("/api/v1/flare-ups", json={"start_date": FLARE_START.isoformat(), "days": 2,
                                                   "note": "Lifted the sofa"})
    assert flare.status_code == 201, flare.get_data(as_text=True)
    psfs(client)


def psfs(client) -> list[int]:  # noqa: ANN001
    """Two PSFS activities (one retired after the first set) and two rating sets."""
    ids = [client.post("/api/v1/psfs/activities", json={"name": name}).get_json()["id"]
           for name in ("Putting on socks", "Sitting through a film")]
    for days, scores in ((8, (2, 4)), (1, (5,))):
        rated = client.post("/api/v1/psfs/ratings", json={
            "client_id": str(uuid.uuid4()), "rated_at": ago(days=days),
            "scores": [{"activity_id": a, "score": n} for a, n in zip(ids, scores)]})
        assert rated.status_code == 201, rated.get_data(as_text=True)
        if days == 8:
            assert client.patch(f"/api/v1/psfs/activities/{ids[1]}",
                                json={"active": False}).status_code == 200
    return ids


FLARE_START = dt.date.today() - dt.timedelta(days=12)


REMINDER = {"time": "07:30", "weekdays": [0, 2, 4], "message": "Strap by the bed"}


def export(client, fmt: str = "json"):  # noqa: ANN001
    response = client.get(f"/api/v1/export?format={fmt}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    return response


def comparable(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("exported_at", "user")}


def do_import(client, data, **kw):  # noqa: ANN001
    return client.post("/api/v1/import", json=data, **kw)


def test_json_export_holds_everything(member):
    fill(member)
    response = export(member)
    assert response.mimetype == JSON
    data = json.loads(response.data)
    assert set(data) == {"format_version", "exported_at", "user", "stretches", "sessions",
                         "checkins", "programs", "flare_ups", "psfs", "reminders", "red_flags",
                         "deleted"}
    activities, ratings = data["psfs"]["activities"], data["psfs"]["ratings"]
    assert [(a["ref"], a["name"], a["active"], a["retired_at"] is not None) for a in activities] == [
        (1, "Putting on socks", True, False), (2, "Sitting through a film", False, True)]
    assert [r["scores"] for r in ratings] == [[{"activity": 1, "score": 2}, {"activity": 2, "score": 4}],
                                              [{"activity": 1, "score": 5}]]
    assert set(ratings[0]) == {"client_id", "rated_at", "local_date", "scores"}
    [flare] = data["flare_ups"]
    assert {k: flare[k] for k in ("start_date", "end_date", "note", "ended_at")} == {
        "start_date": FLARE_START.isoformat(), "ended_at": None, "note": "Lifted the sofa",
        "end_date": (FLARE_START + dt.timedelta(days=1)).isoformat()}
    assert data["format_version"] == 1
    assert data["user"] == {"email": member.user["email"], "timezone": "Europe/Berlin"}
    assert [s["slug"] for s in data["stretches"]] == ["cat-cow"]  # only their own
    assert len(data["sessions"]) == stored(member, StretchSession)
    assert len(data["checkins"]) == stored(member, Checkin)
    assert sum(len(s["entries"]) for s in data["sessions"]) == stored(member, SessionEntry)
    assert {d["kind"] for d in data["deleted"]} == {"stretch_session", "checkin"}
    assert data["red_flags"]["items"] == ["night_pain"] and data["red_flags"]["answered_at"]
    assert [p["state"] for p in data["programs"]] == ["ended", "active"]
    assert set(data["programs"][0]) == {"affected_leg", "start_date", "length_days", "state",
                                        "created_at", "ended_at"}
    assert data["programs"][1]["affected_leg"] == "right" and data["programs"][1]["ended_at"] is None
    assert data["reminders"] == [
        {**REMINDER, "timezone": "Europe/Berlin", "enabled": True, "skip_if_logged": True,
         "channels": ["push"]},
        {"time": "19:15", "weekdays": [5, 6], "timezone": "Europe/Lisbon", "enabled": False,
         "skip_if_logged": False, "message": "", "channels": ["push"]}]
    session = data["sessions"][-1]
    assert set(session) == {"client_id", "performed_at", "local_date", "pain_before",
                            "pain_after", "notes", "entries"}
    assert "id" not in session and "id" not in session["entries"][0]


def test_export_import_export_round_trip(member, shared_users):
    fill(member)
    first = json.loads(export(member).data)
    fresh = shared_users.signed_in(timezone="America/New_York", answered=False)
    response = do_import(fresh, first)
    assert response.status_code == 200, response.get_data(as_text=True)
    summary = response.get_json()
    assert summary["created"]["sessions"] == len(first["sessions"])
    assert summary["created"]["checkins"] == len(first["checkins"])
    assert summary["created"]["stretches"] == 1
    assert summary["created"]["deleted"] == 2
    assert summary["created"]["red_flags"] == 1
    assert summary["created"]["programs"] == 2 and summary["created"]["reminders"] == 2
    assert summary["created"]["flare_ups"] == 1
    assert summary["created"]["psfs"] == 4  # two activities, two rating sets
    assert summary["skipped"] == []
    second = json.loads(export(fresh).data)
    assert comparable(second) == comparable(first)
    assert second["user"]["email"] == fresh.user["email"]


def test_importing_twice_adds_nothing(member, shared_users):
    fill(member, days=5)
    data = json.loads(export(member).data)
    fresh = shared_users.signed_in()
    assert do_import(fresh, data).status_code == 200
    counts = [stored(fresh, m) for m in (StretchSession, Checkin, SessionEntry, DeletedRecord)]
    again = do_import(fresh, data)
    assert again.status_code == 200
    summary = again.get_json()
    assert sum(summary["created"].values()) == 0
    assert summary["already_there"]["sessions"] == len(data["sessions"])
    assert summary["already_there"]["checkins"] == len(data["checkins"])
    assert summary["already_there"]["programs"] == 2 and summary["already_there"]["reminders"] == 2
    assert summary["already_there"]["flare_ups"] == 1
    assert summary["already_there"]["psfs"] == 4
    assert [stored(fresh, m) for m in (StretchSession, Checkin, SessionEntry, DeletedRecord)] == counts
    assert (stored(fresh, Program), stored(fresh, Reminder)) == (2, 2)
    # Importing into the account it came from is the same: all already there.
    assert sum(do_import(member, data).get_json()["created"].values()) == 0


def test_a_record_deleted_here_does_not_come_back(member, shared_users):
    fill(member, days=3)
    data = json.loads(export(member).data)
    target = shared_users.signed_in()
    assert do_import(target, data).status_code == 200
    victim = target.get("/api/v1/sessions?per_page=1").get_json()["items"][0]
    assert target.delete(f"/api/v1/sessions/{victim['id']}").status_code == 204
    summary = do_import(target, data).get_json()
    assert summary["skipped"] == [{"section": "sessions", "id": victim["client_id"],
                                   "reason": "Deleted in this account; not brought back."}]
    ids = {s["client_id"] for s in json.loads(export(target).data)["sessions"]}
    assert victim["client_id"] not in ids


def test_tombstones_in_the_file_keep_records_away(member, shared_users):
    data = {"format_version": 1, "deleted": [
        {"kind": "checkin", "client_id": (cid := str(uuid.uuid4())), "deleted_at": ago(days=1)}],
        "checkins": [{"client_id": cid, "recorded_at": ago(days=2), "score": 4}]}
    target = shared_users.signed_in()
    summary = do_import(target, data).get_json()
    assert summary["created"]["checkins"] == 0 and summary["created"]["deleted"] == 1
    assert stored(target, Checkin) == 0
    # The tombstone works for the log book too: a replay of the create is 410.
    replay = target.post("/api/v1/checkins", json=data["checkins"][0])
    assert replay.status_code == 410


def test_import_never_deletes(member):
    made = member.post("/api/v1/checkins", json={
        "client_id": (cid := str(uuid.uuid4())), "recorded_at": ago(hours=1), "score": 2})
    assert made.status_code == 201
    summary = do_import(member, {"format_version": 1, "deleted": [
        {"kind": "checkin", "client_id": cid, "deleted_at": ago(minutes=1)}]}).get_json()
    assert summary["skipped"][0]["section"] == "deleted"
    assert stored(member, Checkin) == 1 and stored(member, DeletedRecord) == 0


def test_custom_stretches_are_matched_by_slug(member):
    member.post("/api/v1/stretches", json={"name": "Cat-cow", "spine": "flexion",
                                           "hold_seconds": 15})
    data = {"format_version": 1, "stretches": [
        {"slug": "cat-cow", "name": "Other name", "spine": "neutral", "hold_seconds": 9},
        {"slug": "double-knee-to-chest", "name": "Mine", "spine": "flexion", "hold_seconds": 5},
        {"slug": "pigeon", "name": "Pigeon", "spine": "neutral", "hold_seconds": 30}]}
    summary = do_import(member, data).get_json()
    assert summary["created"]["stretches"] == 1 and summary["already_there"]["stretches"] == 2
    mine = {s["slug"]: s for s in member.get("/api/v1/stretches").get_json()["items"]}
    assert mine["cat-cow"]["name"] == "Cat-cow"  # the account's own stays as it was
    assert mine["double-knee-to-chest"]["builtin"] and mine["pigeon"]["hold_seconds"] == 30


def test_programmes_are_matched_by_start_leg_and_length(member):
    running = member.post("/api/v1/programs", json={"affected_leg": "left"}).get_json()
    data = {"format_version": 1, "programs": [
        # the running one again: already there, left as it is
        {"affected_leg": "left", "start_date": running["start_date"], "length_days": 10,
         "state": "ended", "ended_at": ago(days=1)},
        # another active one: comes in ended, the account's own keeps running
        {"affected_leg": "right", "start_date": "2026-01-05", "length_days": 7, "state": "active"},
        {"affected_leg": "right", "start_date": "2025-06-01", "length_days": 8, "state": "ended",
         "created_at": "2025-06-01T08:00:00+00:00", "ended_at": "2025-06-08T20:00:00+00:00"}]}
    summary = do_import(member, data).get_json()
    assert summary["created"]["programs"] == 2 and summary["already_there"]["programs"] == 1
    assert member.get("/api/v1/programs/current").get_json()["id"] == running["id"]
    programs = {p["start_date"]: p for p in json.loads(export(member).data)["programs"]}
    assert programs["2026-01-05"]["state"] == "ended" and programs["2026-01-05"]["ended_at"]
    assert programs["2025-06-01"]["ended_at"] == "2025-06-08T20:00:00+00:00"
    assert programs[running["start_date"]]["state"] == "active"
    assert sum(do_import(member, data).get_json()["created"].values()) == 0


def test_flare_ups_are_matched_by_start_and_never_overlap(member):
    today = dt.date.today()
    mine = member.post("/api/v1/flare-ups", json={
        "start_date": (today - dt.timedelta(days=10)).isoformat(), "days": 3}).get_json()
    data = {"format_version": 1, "flare_ups": [
        # the same one: already there
        {"start_date": mine["start_date"], "end_date": mine["end_date"]},
        # overlapping it: skipped, saying why
        {"start_date": (today - dt.timedelta(days=9)).isoformat(),
         "end_date": (today - dt.timedelta(days=6)).isoformat()},
        {"start_date": "2026-01-05", "end_date": "2026-01-07", "note": "Flu",
         "ended_at": "2026-01-07T08:00:00+00:00"}]}
    summary = do_import(member, data).get_json()
    assert summary["created"]["flare_ups"] == 1 and summary["already_there"]["flare_ups"] == 1
    assert summary["skipped"] == [{"section": "flare_ups", "id": data["flare_ups"][1]["start_date"],
                                   "reason": "overlaps a flare-up already here"}]
    listed = member.get("/api/v1/flare-ups").get_json()["items"]
    assert [(f["start_date"], f["days"], f["active"]) for f in listed] == [
        (mine["start_date"], 3, False), ("2026-01-05", 3, False)]
    assert sum(do_import(member, data).get_json()["created"].values()) == 0


def test_psfs_activities_beyond_five_active_come_in_retired(member, shared_users):
    source = shared_users.signed_in()
    names = [f"Activity {n}" for n in range(3)]
    ids = [source.post("/api/v1/psfs/activities", json={"name": n}).get_json()["id"] for n in names]
    source.post("/api/v1/psfs/ratings", json={"client_id": str(uuid.uuid4()), "scores": [
        {"activity_id": a, "score": 6} for a in ids]})
    data = json.loads(export(source).data)
    for n in range(4):
        assert member.post("/api/v1/psfs/activities", json={"name": f"Mine {n}"}).status_code == 201
    summary = do_import(member, {"format_version": 1, "psfs": data["psfs"]}).get_json()
    assert summary["created"]["psfs"] == 4
    listed = member.get("/api/v1/psfs/activities").get_json()["items"]
    assert sum(a["active"] for a in listed) == 5 and len(listed) == 7
    [rating] = member.get("/api/v1/psfs/ratings").get_json()["items"]
    assert sorted(s["name"] for s in rating["scores"]) == names  # history kept, retired or not
    assert sum(do_import(member, {"format_version": 1, "psfs": data["psfs"]})
               .get_json()["created"].values()) == 0


@pytest.mark.parametrize(("psfs_data", "field"), [
    ({"activities": [], "ratings": [{"client_id": str(uuid.uuid4()), "rated_at": ago(days=1),
                                     "scores": [{"activity": 1, "score": 5}]}]}, "psfs.ratings.0.scores"),
    ({"activities": [{"ref": 1, "name": "Socks", "created_at": ago(days=3)}],
      "ratings": [{"client_id": str(uuid.uuid4()), "rated_at": ago(days=1),
                   "scores": [{"activity": 1, "score": 11}]}]}, "psfs.ratings.0.scores.0.score"),
    ({"activities": [{"ref": 1, "name": "x" * 81, "created_at": ago(days=3)}]},
     "psfs.activities.0.name"),
    ({"activities": [{"ref": 1, "name": "Socks", "created_at": ago(days=3)}],
      "ratings": [{"client_id": str(uuid.uuid4()), "rated_at": "1999-01-01T00:00:00+00:00",
                   "scores": [{"activity": 1, "score": 5}]}]}, "psfs.ratings.0.rated_at"),
])
def test_bad_psfs_in_a_file_names_the_field_and_changes_nothing(member, psfs_data, field):
    response = do_import(member, {"format_version": 1, "psfs": psfs_data})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["fields"]
    assert member.get("/api/v1/psfs/activities").get_json()["items"] == []


def test_reminders_are_matched_by_time_weekdays_and_zone(member, app):
    member.post("/api/v1/reminders", json={"time": "07:30", "weekdays": [0, 2, 4],
                                           "message": "mine"})
    data = {"format_version": 1, "reminders": [
        {"time": "07:30", "weekdays": [4, 2, 0], "timezone": "Europe/Berlin", "message": "theirs"},
        {"time": "07:30", "weekdays": [0, 2, 4], "timezone": "Asia/Tokyo"},
        {"time": "21:00"}]}  # no zone: the account's
    summary = do_import(member, data).get_json()
    assert summary["created"]["reminders"] == 2 and summary["already_there"]["reminders"] == 1
    mine = member.get("/api/v1/reminders").get_json()["items"]
    assert sorted((r["time"], r["timezone"], r["message"]) for r in mine) == [
        ("07:30", "Asia/Tokyo", ""), ("07:30", "Europe/Berlin", "mine"),
        ("21:00", "Europe/Berlin", "")]
    assert all(r["next_fire_at"] for r in mine)
    assert sum(do_import(member, data).get_json()["created"].values()) == 0


def test_reminders_beyond_the_limit_are_skipped_with_the_reason(member, app):
    limit = app.config["REMINDERS_MAX"]
    data = {"format_version": 1, "reminders": [
        {"time": f"{h:02d}:00", "timezone": "UTC"} for h in range(limit + 2)]}
    summary = do_import(member, data).get_json()
    assert summary["created"]["reminders"] == limit
    assert [s["id"] for s in summary["skipped"]] == [f"{h:02d}:00 UTC" for h in (limit, limit + 1)]
    assert all("most reminders" in s["reason"] for s in summary["skipped"])
    assert stored(member, Reminder) == limit


def _valid_file() -> dict:
    return {"format_version": 1,
            "checkins": [{"client_id": str(uuid.uuid4()), "recorded_at": ago(days=1), "score": 4}],
            "sessions": [{"client_id": str(uuid.uuid4()), "performed_at": ago(days=1),
                          "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": 40}]}]}


def _broken(path: str, value) -> dict:  # noqa: ANN001
    data = _valid_file()
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is KeyError:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize("data, field", [
    (_broken("format_version", 2), "format_version"),
    (_broken("format_version", "1"), "format_version"),
    (_broken("format_version", KeyError), "format_version"),
    (_broken("sessions.0.entries", KeyError), "sessions.0.entries"),
    (_broken("sessions.0.entries", "stretches"), "sessions.0.entries"),
    (_broken("sessions.0.pain_before", 11), "sessions.0.pain_before"),
    (_broken("sessions.0.client_id", "not-a-uuid"), "sessions.0.client_id"),
    (_broken("sessions.0.shape", "round"), "sessions.0.shape"),
    (_broken("sessions.0.entries.0.stretch", "no-such-stretch"), "sessions.0.entries.0.stretch"),
    (_broken("sessions.0.entries.0.angle_deg", 150), "sessions.0.entries.0.angle_deg"),
    (_broken("sessions.0.performed_at", ago(days=-3)), "sessions.0.performed_at"),
    (_broken("sessions.0.performed_at", "2027-01-01T10:00:00"), "sessions.0.performed_at"),
    (_broken("checkins.0.score", -1), "checkins.0.score"),
    (_broken("checkins", {"a": 1}), "checkins"),
    (_broken("sessions.0", "a session"), "sessions.0._schema"),
    ({"format_version": 1, "red_flags": {"items": ["alien_probe"]}}, "red_flags.items.0"),
    ({"format_version": 1, "deleted": [{"kind": "user", "client_id": str(uuid.uuid4()),
                                        "deleted_at": ago(days=1)}]}, "deleted.0.kind"),
    ({"format_version": 1, "stretches": [{"name": "No slug", "spine": "flexion",
                                          "hold_seconds": 5}]}, "stretches.0.slug"),
    ({"format_version": 1, "whatever": []}, "whatever"),
    ({"format_version": 1, "programs": [{"affected_leg": "left", "start_date": "2026-01-01",
                                         "length_days": 11}]}, "programs.0.length_days"),
    ({"format_version": 1, "programs": [{"affected_leg": "both", "start_date": "2026-01-01",
                                         "length_days": 7}]}, "programs.0.affected_leg"),
    ({"format_version": 1, "programs": [{"affected_leg": "left", "length_days": 7}]},
     "programs.0.start_date"),
    ({"format_version": 1, "flare_ups": [{"start_date": "2026-01-05", "end_date": "2026-01-04"}]},
     "flare_ups.0.end_date"),
    ({"format_version": 1, "flare_ups": [{"start_date": "2026-01-01", "end_date": "2026-01-15"}]},
     "flare_ups.0.end_date"),
    ({"format_version": 1, "flare_ups": [{"end_date": "2026-01-15"}]}, "flare_ups.0.start_date"),
    ({"format_version": 1, "flare_ups": [{"start_date": "2026-01-01", "end_date": "2026-01-02",
                                          "note": "x" * 501}]}, "flare_ups.0.note"),
    ({"format_version": 1, "reminders": [{"time": "25:00"}]}, "reminders.0.time"),
    ({"format_version": 1, "reminders": [{"time": "08:00", "weekdays": [1, 1]}]},
     "reminders.0.weekdays"),
    ({"format_version": 1, "reminders": [{"time": "08:00", "timezone": "Mars/Base"}]},
     "reminders.0.timezone"),
])
def test_bad_files_name_what_is_wrong_and_change_nothing(member, data, field):
    response = do_import(member, data)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["fields"]
    assert stored(member, StretchSession) == stored(member, Checkin) == 0
    assert stored(member, Program) == stored(member, Reminder) == 0


@pytest.mark.parametrize("body, content_type, status", [
    (b"this is not json", JSON, 400),
    (b"[1, 2, 3]", JSON, 422),
    (b'{"format_version": 1}', "text/plain", 415),
    (b'{"format_version": 1, "checkins": [{"note": "a\\u0000b"}]}', JSON, 400),
])
def test_files_that_are_not_exports(member, body, content_type, status):
    response = member.post("/api/v1/import", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["status"] == status


def test_all_or_nothing(member):
    data = _valid_file()
    data["checkins"] *= 1
    data["checkins"].append({"client_id": str(uuid.uuid4()), "recorded_at": ago(days=2), "score": 5})
    data["sessions"].append({"client_id": str(uuid.uuid4()), "performed_at": ago(days=2),
                             "entries": [{"stretch": "nope"}]})
    response = do_import(member, data)
    assert response.status_code == 422
    assert "sessions.1.entries.0.stretch" in response.get_json()["fields"]
    assert stored(member, StretchSession) == stored(member, Checkin) == 0


def test_five_megabytes_of_junk_is_413(member):
    junk = b'{"junk": "' + b"x" * 5_000_000 + b'"}'
    response = member.post("/api/v1/import", data=junk, content_type=JSON)
    assert response.status_code == 413
    assert "4000000 byte limit" in response.get_json()["message"]
    # Other routes keep the ordinary 1 MB limit.
    big = member.post("/api/v1/checkins", data=b'{"note": "' + b"x" * 1_100_000 + b'"}',
                      content_type=JSON)
    assert big.status_code == 413


def test_a_file_over_the_ordinary_limit_imports(member):
    note = "n" * 900
    data = {"format_version": 1, "checkins": [
        {"client_id": str(uuid.uuid4()), "recorded_at": ago(days=1, minutes=n), "score": n % 11,
         "note": note} for n in range(1300)]}
    body = json.dumps(data).encode()
    assert 1_000_000 < len(body) < 4_000_000
    response = member.post("/api/v1/import", data=body, content_type=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["created"]["checkins"] == 1300


def test_signed_out_is_401(shared_app):
    client = shared_app.test_client()
    assert client.get("/api/v1/export").status_code == 401
    client.fetch_csrf()
    assert client.post("/api/v1/import", json={"format_version": 1}).status_code == 401


def test_unknown_format_is_422(member):
    response = member.get("/api/v1/export?format=xml")
    assert response.status_code == 422 and "format" in response.get_json()["fields"]


def test_export_holds_only_the_users_own_data(member, other):
    fill(member, days=3)
    data = json.loads(export(other).data)
    assert data["sessions"] == data["checkins"] == data["stretches"] == data["deleted"] == []


# ---------------------------------------------------------------- CSV


def test_csv_is_a_zip_of_one_table_per_file(member):
    fill(member, days=4)
    response = export(member, "csv")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["checkins.csv", "entries.csv", "flare_ups.csv",
                                          "programs.csv", "psfs_activities.csv",
                                          "psfs_scores.csv", "sessions.csv"]
    tables = {}
    for name in archive.namelist():
        raw = archive.read(name)
        assert raw.startswith("\ufeff".encode())  # UTF-8 with a BOM for spreadsheets
        tables[name] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(tables["sessions.csv"]) == stored(member, StretchSession)
    assert len(tables["entries.csv"]) == stored(member, SessionEntry)
    assert len(tables["checkins.csv"]) == stored(member, Checkin)
    row = next(r for r in tables["sessions.csv"] if "gardening" in r["notes"])
    assert dt.datetime.fromisoformat(row["performed_at"]).utcoffset() is not None
    assert dt.date.fromisoformat(row["local_date"])
    # A note that looks like a formula is kept as text; Unicode survives.
    assert row["notes"] == "'=cmd| gardening, ünïcode ✓"
    assert {"session_client_id", "stretch", "stretch_name", "angle_deg", "worse"} <= set(
        tables["entries.csv"][0])
    programs = tables["programs.csv"]
    assert [(p["affected_leg"], p["length_days"], p["state"]) for p in programs][-1] == (
        "right", "7", "active")
    # fill() logs a session that raised pain 5 -> 7 during it: a hold day, so the
    # 7-day programme ends a day later than planned.
    assert programs[-1]["end_date"] == (dt.date.fromisoformat(programs[-1]["start_date"])
                                        + dt.timedelta(days=7)).isoformat()
    assert [(f["days"], f["note"]) for f in tables["flare_ups.csv"]] == [("2", "Lifted the sofa")]
    assert [(a["ref"], a["name"], a["active"]) for a in tables["psfs_activities.csv"]] == [
        ("1", "Putting on socks", "true"), ("2", "Sitting through a film", "false")]
    assert [(r["activity"], r["activity_name"], r["score"]) for r in tables["psfs_scores.csv"]] == [
        ("1", "Putting on socks", "2"), ("2", "Sitting through a film", "4"),
        ("1", "Putting on socks", "5")]


# ---------------------------------------------------------------- FHIR


def test_fhir_bundle_validates_and_carries_each_measure(member):
    fill(member, days=6)
    response = export(member, "fhir")
    assert response.mimetype == "application/fhir+json"
    data = json.loads(response.data)
    bundle = Bundle.model_validate(data)  # raises on anything R4B does not allow
    assert bundle.type == "collection"
    resources = [e["resource"] for e in data["entry"]]
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    assert len(patients) == 1 and "name" not in patients[0]
    pain = [r for r in resources if r.get("valueInteger") is not None]
    angles = [r for r in resources if "valueQuantity" in r]
    checkins = stored(member, Checkin)
    with member.application.app_context():
        uid = member.user["id"]
        scores = db.session.scalar(select(func.count()).select_from(StretchSession).where(
            StretchSession.user_id == uid, StretchSession.pain_before.is_not(None))) + \
            db.session.scalar(select(func.count()).select_from(StretchSession).where(
                StretchSession.user_id == uid, StretchSession.pain_after.is_not(None))) + checkins
        measured = db.session.scalar(select(func.count()).select_from(SessionEntry).join(
            StretchSession).where(StretchSession.user_id == uid, SessionEntry.angle_deg.is_not(None)))
    assert len(pain) == scores and len(angles) == measured
    for obs in pain:
        assert obs["code"]["coding"][0] == {"system": "http://loinc.org", "code": "72514-3",
                                            "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}
        assert obs["category"][0]["coding"][0]["code"] == "survey"
        assert obs["bodySite"]["coding"][0]["code"] == "37822005"
        assert dt.datetime.fromisoformat(obs["effectiveDateTime"]).utcoffset() is not None
        assert obs["subject"]["reference"] == f"urn:uuid:{patients[0]['id']}"
    legs = {"32153003": "left", "62175007": "right"}
    for obs in angles:
        assert "coding" not in obs["code"] and obs["code"]["text"]
        assert obs["valueQuantity"]["system"] == "http://unitsofmeasure.org"
        assert obs["valueQuantity"]["code"] == "deg"
        assert legs[obs["bodySite"]["coding"][0]["code"]] in ("left", "right")
        assert obs["method"]["text"]
    phone = [o for o in angles if o["valueQuantity"]["value"] == 47.5]
    assert phone and phone[0]["method"]["text"].startswith("Phone")
    assert len({e["fullUrl"] for e in data["entry"]}) == len(data["entry"])
    answers = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    ratings = member.get("/api/v1/psfs/ratings").get_json()["items"]
    assert len(answers) == len(ratings) == 2
    for answer, rating in zip(answers, sorted(ratings, key=lambda r: r["rated_at"])):
        assert answer["status"] == "completed"
        assert dt.datetime.fromisoformat(answer["authored"]) == dt.datetime.fromisoformat(
            rating["rated_at"])
        assert answer["subject"]["reference"] == f"urn:uuid:{patients[0]['id']}"
        assert [(i["text"], i["answer"]) for i in answer["item"]] == [
            (s["name"], [{"valueInteger": s["score"]}]) for s in rating["scores"]]
    # The same activity is the same question in every set.
    assert answers[0]["item"][0]["linkId"] == answers[1]["item"][0]["linkId"]


def test_fhir_of_an_empty_account_validates(member):
    data = json.loads(export(member, "fhir").data)
    Bundle.model_validate(data)
    assert [e["resource"]["resourceType"] for e in data["entry"]] == ["Patient"]


def test_fhir_since_keeps_only_records_from_that_local_day_on(member):
    fill(member, days=6)
    from tracker.sharing.service import export_fhir

    with member.application.app_context():
        user = db.session.get(User, member.user["id"])
        now = utcnow()
        everything = export_fhir(user, now)
        since = dt.date.today() - dt.timedelta(days=2)
        recent = export_fhir(user, now, since=since)
        Bundle.model_validate(recent)
        kept = {s.client_id for s in db.session.scalars(select(StretchSession).where(
            StretchSession.user_id == user.id, StretchSession.local_date >= since))}
        kept |= {c.client_id for c in db.session.scalars(select(Checkin).where(
            Checkin.user_id == user.id, Checkin.local_date >= since))}
        kept |= {f"psfs/{r.client_id}" for r in db.session.scalars(select(PsfsRating).where(
            PsfsRating.user_id == user.id, PsfsRating.local_date >= since))}
        later = export_fhir(user, now, since=dt.date.today() + dt.timedelta(days=1))

    def records(data: dict) -> set[str]:
        found = set()
        for r in (e["resource"] for e in data["entry"]):
            if r["resourceType"] == "Observation":
                found.add(r["identifier"][0]["value"].split("/")[0])
            elif r["resourceType"] == "QuestionnaireResponse":  # identifier: one, not a list
                found.add(r["identifier"]["value"])
        return found

    assert kept and records(recent) == kept
    assert sum(k.startswith("psfs/") for k in kept) == 1  # of fill()'s two sets
    assert records(recent) < records(everything)
    assert [e["resource"]["resourceType"] for e in later["entry"]] == ["Patient"]


# ---------------------------------------------------------------- Settings page


def _upload(client, body: bytes, name: str = "backup.json"):  # noqa: ANN001
    return client.post("/settings/import", data={"file": (io.BytesIO(body), name)},
                       content_type="multipart/form-data")


def test_settings_upload_imports_and_summarises(member, shared_users):
    fill(member, days=3)
    body = export(member).data
    target = shared_users.signed_in()
    response = _upload(target, body)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ">Imported</h4>" in html and "sessions" in html
    assert stored(target, StretchSession) == stored(member, StretchSession)
    again = _upload(target, body).get_data(as_text=True)
    assert "Nothing new" in again


@pytest.mark.parametrize("body, status, text", [
    (b"not json at all", 422, "not JSON"),
    (b'{"format_version": 3}', 422, "format_version"),
    (json.dumps({"format_version": 1, "sessions": [{"client_id": "x"}]}).encode(), 422,
     "sessions.0.client_id"),
    (b'{"format_version": 1, "checkins": [{"note": "\\u0000"}]}', 422, "checkins.0.note"),
])
def test_settings_upload_refuses_bad_files(member, body, status, text):
    response = _upload(member, body)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
    assert stored(member, StretchSession) == stored(member, Checkin) == 0


def test_settings_upload_without_a_file(member):
    response = member.post("/settings/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose an export file" in response.get_data(as_text=True)


def test_settings_upload_of_five_megabytes_is_413(member):
    response = _upload(member, b"x" * 5_000_000)
    assert response.status_code == 413


def test_settings_links_to_the_downloads(member):
    html = member.get("/settings").get_data(as_text=True)
    for fmt in ("json", "csv", "fhir"):
        assert f"/api/v1/export?format={fmt}" in html


def test_two_imports_at_once_never_double_or_fail(app, users, live_server):
    """Over real HTTP, the same file imported twice at the same moment: each answer is
    200 (imported, or all already there) or 409 (nothing kept, try again); the
    account ends with one copy."""
    import threading
    import urllib.request
    from urllib.error import HTTPError

    source = users.signed_in()
    fill(source, days=20)
    body = export(source).data
    target = users.create()
    token = users.token(target)
    statuses: list[int] = []

    def post() -> None:
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/import", data=body, method="POST",
            headers={"Content-Type": JSON, "Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                statuses.append(response.status)
        except HTTPError as err:
            statuses.append(err.code)

    threads = [threading.Thread(target=post) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert len(statuses) == 3 and set(statuses) <= {200, 409} and 200 in statuses
    with app.app_context():
        sessions = db.session.scalar(select(func.count()).select_from(StretchSession).where(
            StretchSession.user_id == target["id"]))
    assert sessions == len(json.loads(body)["sessions"])


def test_a_big_import_is_a_few_statements_not_one_per_row(member, shared_app):
    """One INSERT for all new sessions, one for their entries, one for the check-ins
    (each batched by the driver): the write lock is held for seconds, not minutes."""
    from sqlalchemy import event

    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400)
    data = {"format_version": 1, "sessions": [
        {"client_id": str(uuid.uuid4()), "performed_at": (start + dt.timedelta(hours=i)).isoformat(),
         "pain_before": 5, "pain_after": 4,
         "entries": [{"stretch": "double-knee-to-chest"},
                     {"stretch": "slr-strap", "side": "left", "angle_deg": 40 + i % 20}]}
        for i in range(2_000)],
        "checkins": [{"client_id": str(uuid.uuid4()), "score": 3,
                      "recorded_at": (start + dt.timedelta(hours=i, minutes=30)).isoformat()}
                     for i in range(500)]}
    statements: list[str] = []
    with shared_app.app_context():
        engine = db.engine
    listen = lambda _c, _cur, sql, *_a: statements.append(sql)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        response = do_import(member, data)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["created"]["sessions"] == 2_000
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(statements) < 60 and len(inserts) < 20, (len(statements), len(inserts))
    assert stored(member, SessionEntry) == 4_000 and stored(member, Checkin) == 500
    exported = json.loads(export(member).data)
    assert exported["sessions"][7]["entries"][1] == {
        "stretch": "slr-strap", "side": "left", "reps": 5, "hold_seconds": 10,
        "angle_deg": 47.0, "angle_method": "manual", "assisted": "strap", "worse": False}
    # Today and progress see the imported days at once (the data version was raised).
    assert member.get("/api/v1/progress?days=7").status_code == 200


def test_imports_per_person_are_rate_limited(make_app, users):
    app = make_app(RATELIMIT_ENABLED=True, IMPORT_RATE_LIMIT="3 per hour")
    client = users.login(app.test_client(), users.create())
    other = users.login(app.test_client(), users.create())
    answers = [do_import(client, {"format_version": 1}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.post("/settings/import", data={}).status_code == 429  # the page shares it
    assert do_import(other, {"format_version": 1}).status_code == 200   # per person
