"""The current user, /api/v1/me: read it, change the time zone, and erase the account
with everything in it (DELETE needs the password and removes every row the user owns,
in every table, while other users' data and the built-in stretches stay)."""
from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

import tracker.models  # noqa: F401 - every table, for the tripwire below
from tracker.auth.models import ApiToken, User
from tracker.extensions import db
from tracker.logbook.models import Checkin, DeletedRecord, SessionEntry, Stretch, StretchSession
from tracker.flareups.models import FlareUp
from tracker.psfs.models import PsfsActivity, PsfsRating, PsfsScore
from tracker.programs.models import Program
from tracker.sharing.models import Share
from tracker.shl.models import ShlAccess, ShlLink
from tracker.reminders.models import PushSubscription, Reminder, ReminderDelivery
from tests.push_receiver import Device


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def recently(hours: float = 1, zone: str = "Europe/Berlin") -> str:
    return (dt.datetime.now(ZoneInfo(zone)) - dt.timedelta(hours=hours)).isoformat()


# --- GET -----------------------------------------------------------------------------


def test_get_me(auth, user):
    response = auth.get("/api/v1/me")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == user["id"]
    assert body["email"] == user["email"]
    assert body["timezone"] == user["timezone"]
    assert dt.datetime.fromisoformat(body["created_at"]).utcoffset() is not None
    assert not {"password", "password_hash", "session_version"} & set(body)


def test_get_me_signed_out_is_401_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json() == {"status": 401, "error": "unauthorized",
                                   "message": "Sign in to continue.", "fields": {}}


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_changes_signed_out_are_401(client, method):
    client.fetch_csrf()
    response = getattr(client, method)("/api/v1/me", json={"timezone": "UTC", "password": "x"})
    assert response.status_code == 401


# --- PATCH -----------------------------------------------------------------------------


@pytest.mark.parametrize("timezone", ["UTC", "Asia/Kathmandu", "America/Argentina/Salta",
                                      "Pacific/Kiritimati", "Europe/London"])
def test_patch_valid_timezone(auth, timezone):
    response = auth.patch("/api/v1/me", json={"timezone": timezone})
    assert response.status_code == 200
    assert response.get_json()["timezone"] == timezone
    assert auth.get("/api/v1/me").get_json()["timezone"] == timezone


def test_quiet_hours_set_shown_and_cleared(auth):
    assert auth.get("/api/v1/me").get_json()["quiet_hours"] is None
    made = auth.post("/api/v1/reminders", json={"time": "06:30", "timezone": "UTC"}).get_json()
    response = auth.patch("/api/v1/me", json={"quiet_hours": {"start": "22:00", "end": "07:00"}})
    assert response.status_code == 200
    assert response.get_json()["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    # The reminder inside them moved to their end, 07:00 (in the reminder's zone).
    held = auth.get(f"/api/v1/reminders/{made['id']}").get_json()["next_fire_at"]
    assert dt.datetime.fromisoformat(held).astimezone(dt.timezone.utc).strftime("%H:%M") == "07:00"
    assert auth.patch("/api/v1/me", json={"quiet_hours": None}).get_json()["quiet_hours"] is None
    back = auth.get(f"/api/v1/reminders/{made['id']}").get_json()["next_fire_at"]
    assert dt.datetime.fromisoformat(back).astimezone(dt.timezone.utc).strftime("%H:%M") == "06:30"


@pytest.mark.parametrize("quiet, field", [
    ({"start": "22:00"}, "quiet_hours.end"),
    ({"start": "24:00", "end": "07:00"}, "quiet_hours.start"),
    ({"start": "22:00", "end": "7:00"}, "quiet_hours.end"),
    ({"start": "22:00", "end": "22:00"}, "quiet_hours.end"),
    ({"start": 2200, "end": "07:00"}, "quiet_hours.start"),
    ({"start": "22:00", "end": "07:00", "extra": 1}, "quiet_hours.extra"),
    ("22:00-07:00", "quiet_hours._schema"),
])
def test_bad_quiet_hours_are_422_naming_the_field(auth, quiet, field):
    response = auth.patch("/api/v1/me", json={"quiet_hours": quiet})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["fields"], response.get_json()
    assert auth.get("/api/v1/me").get_json()["quiet_hours"] is None


@pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "", "utc", "Europe/Berlin/",
                                      "x" * 65, None, 3, ["UTC"], {"name": "UTC"}])
def test_patch_invalid_timezone_names_the_field_and_changes_nothing(auth, user, timezone):
    response = auth.patch("/api/v1/me", json={"timezone": timezone})
    assert response.status_code == 422
    assert "timezone" in response.get_json()["fields"]
    assert auth.get("/api/v1/me").get_json()["timezone"] == user["timezone"]


@pytest.mark.parametrize("body, field", [
    ({"email": "new@example.com"}, "email"),
    ({"password": "a brand new password"}, "password"),
    ({"id": 99}, "id"),
    ({"timezone": "UTC", "red_flags": []}, "red_flags"),
])
def test_patch_refuses_fields_that_are_not_editable(auth, user, body, field):
    response = auth.patch("/api/v1/me", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]
    me = auth.get("/api/v1/me").get_json()
    assert (me["email"], me["timezone"]) == (user["email"], user["timezone"])


def test_patch_with_nothing_changes_nothing(auth, user):
    response = auth.patch("/api/v1/me", json={})
    assert response.status_code == 200
    assert response.get_json()["timezone"] == user["timezone"]


# --- DELETE ----------------------------------------------------------------------------


@pytest.mark.parametrize("body, status", [
    ({"password": "not the password"}, 422),
    ({"password": ""}, 422),
    ({}, 422),
    ({"password": None}, 422),
    ({"password": "x" * 1000}, 422),
])
def test_delete_needs_the_right_password_and_keeps_data(auth, app, user, body, status):
    response = auth.delete("/api/v1/me", json=body)
    assert response.status_code == status
    assert "password" in response.get_json()["fields"]
    assert auth.get("/api/v1/me").status_code == 200  # still signed in
    with app.app_context():
        assert db.session.get(User, user["id"]) is not None


def _fill_account(client, headers: dict | None = None) -> None:
    """Create some of everything a user can own, through the API."""
    headers = headers or {}
    stretch = client.post("/api/v1/stretches", headers=headers, json={
        "name": "Cat-cow on the floor", "spine": "flexion", "hold_seconds": 20})
    assert stretch.status_code == 201, stretch.get_data(as_text=True)
    slug = stretch.get_json()["slug"]
    for n in range(2):
        session = client.post("/api/v1/sessions", headers=headers, json={
            "client_id": str(uuid.uuid4()), "performed_at": recently(n + 1),
            "pain_before": 5, "pain_after": 3,
            "entries": [{"stretch": "double-knee-to-chest"}, {"stretch": slug}]})
        assert session.status_code == 201, session.get_data(as_text=True)
        checkin = client.post("/api/v1/checkins", headers=headers, json={
            "client_id": str(uuid.uuid4()), "recorded_at": recently(n + 2), "score": 4})
        assert checkin.status_code == 201, checkin.get_data(as_text=True)
    # A deleted check-in leaves a tombstone row behind.
    deleted = client.delete(f"/api/v1/checkins/{checkin.get_json()['id']}", headers=headers)
    assert deleted.status_code == 204
    program = client.post("/api/v1/programs", headers=headers, json={"affected_leg": "left"})
    assert program.status_code == 201, program.get_data(as_text=True)
    flare = client.post("/api/v1/flare-ups", headers=headers, json={"days": 2})
    assert flare.status_code == 201, flare.get_data(as_text=True)
    activities = [client.post("/api/v1/psfs/activities", headers=headers, json={"name": name})
                  for name in ("Putting on socks", "Sitting through a film")]
    assert [a.status_code for a in activities] == [201, 201]
    rating = client.post("/api/v1/psfs/ratings", headers=headers, json={
        "client_id": str(uuid.uuid4()),
        "scores": [{"activity_id": a.get_json()["id"], "score": 4} for a in activities]})
    assert rating.status_code == 201, rating.get_data(as_text=True)
    token = client.post("/api/v1/auth/tokens", headers=headers, json={"name": "laptop"})
    assert token.status_code == 201
    share = client.post("/api/v1/shares", headers=headers, json={"label": "Physio"})
    assert share.status_code == 201
    shl = client.post("/api/v1/shl", headers=headers, json={"label": "GP"})
    assert shl.status_code == 201
    manifest = json.loads(base64.urlsafe_b64decode(shl.get_json()["shlink"][8:] + "=="))["url"]
    opened = client.post("/" + manifest.split("/", 3)[3], json={"recipient": "Dr Lee"})
    assert opened.status_code == 200
    device = Device().subscription(f"https://fcm.googleapis.com/fcm/send/{uuid.uuid4()}")
    assert client.post("/api/v1/push/subscriptions", headers=headers, json=device).status_code == 201
    reminder = client.post("/api/v1/reminders", headers=headers, json={"time": "07:30"})
    assert reminder.status_code == 201
    # A delivery row, as the dispatcher leaves one (no push is sent from this test).
    with client.application.app_context():
        data = reminder.get_json()
        db.session.add(ReminderDelivery(
            reminder_id=data["id"], user_id=db.session.get(Reminder, data["id"]).user_id,
            occurrence_key="2027-01-01", fire_at=dt.datetime.now(dt.timezone.utc),
            status="skipped", reason="logged"))
        db.session.commit()


def _owned_rows(user_id: int) -> dict[str, int]:
    """Rows belonging to ``user_id``, table by table."""
    session_ids = select(StretchSession.id).where(StretchSession.user_id == user_id)
    own_stretch_ids = select(Stretch.id).where(Stretch.owner_id == user_id)

    def count(query) -> int:  # noqa: ANN001
        return db.session.scalar(select(func.count()).select_from(query.subquery()))

    return {
        "user": count(select(User.id).where(User.id == user_id)),
        "api_token": count(select(ApiToken.id).where(ApiToken.user_id == user_id)),
        "stretch": count(own_stretch_ids),
        "stretch_session": count(session_ids),
        "session_entry": count(select(SessionEntry.id).where(
            SessionEntry.session_id.in_(session_ids)
            | SessionEntry.stretch_id.in_(own_stretch_ids))),
        "checkin": count(select(Checkin.id).where(Checkin.user_id == user_id)),
        "deleted_record": count(select(DeletedRecord.id).where(DeletedRecord.user_id == user_id)),
        "program": count(select(Program.id).where(Program.user_id == user_id)),
        "flare_up": count(select(FlareUp.id).where(FlareUp.user_id == user_id)),
        "psfs_activity": count(select(PsfsActivity.id).where(PsfsActivity.user_id == user_id)),
        "psfs_rating": count(select(PsfsRating.id).where(PsfsRating.user_id == user_id)),
        "psfs_score": count(select(PsfsScore.id).where(
            PsfsScore.rating_id.in_(select(PsfsRating.id).where(PsfsRating.user_id == user_id))
            | PsfsScore.activity_id.in_(
                select(PsfsActivity.id).where(PsfsActivity.user_id == user_id)))),
        "share": count(select(Share.id).where(Share.user_id == user_id)),
        "shl_link": count(select(ShlLink.id).where(ShlLink.user_id == user_id)),
        "shl_access": count(select(ShlAccess.id).where(ShlAccess.user_id == user_id)),
        "push_subscription": count(select(PushSubscription.id).where(PushSubscription.user_id == user_id)),
        "reminder": count(select(Reminder.id).where(Reminder.user_id == user_id)),
        "reminder_delivery": count(select(ReminderDelivery.id).where(
            ReminderDelivery.user_id == user_id)),
    }


def test_every_user_table_is_counted():
    """A tripwire: when a feature adds a table, add it to _owned_rows so this file
    proves DELETE /me erases it too."""
    assert set(db.metadata.tables) == {"user", "api_token", "stretch", "stretch_session",
                                       "session_entry", "checkin", "deleted_record", "program",
                                       "flare_up", "psfs_activity", "psfs_rating", "psfs_score",
                                       "share", "push_subscription", "reminder", "reminder_delivery",
                                       "shl_link", "shl_access",
                                       # not a person's data: when the scheduler last ran
                                       "scheduler_heartbeat",
                                       # nor rate-limit windows under keyed digests
                                       "rate_limit_counter"}


def test_delete_erases_the_user_and_all_their_data(auth, app, users, user):
    other = users.create()
    other_token = users.token(other)
    _fill_account(auth)
    _fill_account(app.test_client(), bearer(other_token))
    with app.app_context():
        before = _owned_rows(user["id"])
        other_before = _owned_rows(other["id"])
        builtins = db.session.scalar(select(func.count()).where(Stretch.owner_id.is_(None)))
    assert before == {"user": 1, "api_token": 1, "stretch": 1, "stretch_session": 2,
                      "session_entry": 4, "checkin": 1, "deleted_record": 1, "program": 1, "flare_up": 1,
                      "psfs_activity": 2, "psfs_rating": 1, "psfs_score": 2,
                      "share": 1, "shl_link": 1, "shl_access": 1, "push_subscription": 1, "reminder": 1, "reminder_delivery": 1}
    assert builtins == 5

    response = auth.delete("/api/v1/me", json={"password": user["password"]})
    assert response.status_code == 204
    assert auth.get("/api/v1/me").status_code == 401

    with app.app_context():
        assert _owned_rows(user["id"]) == dict.fromkeys(before, 0)
        assert _owned_rows(other["id"]) == other_before
        assert db.session.scalar(select(func.count()).where(Stretch.owner_id.is_(None))) == 5
    # The other user is untouched and can still use their token.
    assert app.test_client().get("/api/v1/me", headers=bearer(other_token)).status_code == 200


def test_delete_with_a_token_revokes_that_token_too(users, user, app):
    raw = users.token(user)
    client = app.test_client()
    response = client.delete("/api/v1/me", headers=bearer(raw), json={"password": user["password"]})
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_deleted_email_can_register_again(auth, user, app):
    assert auth.delete("/api/v1/me", json={"password": user["password"]}).status_code == 204
    auth.fetch_csrf()
    again = auth.post("/api/v1/auth/register",
                      json={"email": user["email"], "password": "another good password"})
    assert again.status_code == 201
    auth.fetch_csrf()
    assert auth.get("/api/v1/sessions").get_json()["items"] == []
