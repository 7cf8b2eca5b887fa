"""Reminders and push subscriptions over /api/v1: create/read/update/delete with
next_fire_at, validation naming the field, per-user isolation, snoozes (also from a
notification's signed token), the endpoint allow-list and key checks, the public key,
and (security audit, issue 20, finding 8) that only the browser holding a device's keys
can move it to another account, also when posts race."""
from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections import Counter

import pytest
import requests

from tests.integration.test_sessions_concurrency import all_at_once
from tests.push_receiver import Device
from tracker.domain.push_endpoints import ENDPOINT_MAX

FCM = "https://fcm.googleapis.com/fcm/send/"


def new_reminder(client, **fields):  # noqa: ANN001
    response = client.post("/api/v1/reminders", json={"time": "07:30", **fields})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


# --- reminders -----------------------------------------------------------------------


def test_create_defaults_and_next_fire(member):
    body = new_reminder(member)
    assert body["weekdays"] == [0, 1, 2, 3, 4, 5, 6]
    assert body["timezone"] == "Europe/Berlin"  # the person's zone
    assert body["enabled"] is True and body["skip_if_logged"] is True
    assert body["message"] == "" and body["snoozed_until"] is None
    fire = dt.datetime.fromisoformat(body["next_fire_at"])
    assert fire.utcoffset() == dt.timedelta(0)
    local = fire.astimezone(dt.timezone.utc).astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (7, 30)
    assert fire > dt.datetime.now(dt.timezone.utc)


def test_list_get_patch_delete(member):
    first = new_reminder(member, weekdays=[4, 0], message="Knees to chest")
    assert first["weekdays"] == [0, 4]
    second = new_reminder(member, time="21:00", timezone="America/New_York")
    listed = member.get("/api/v1/reminders").get_json()
    assert [r["id"] for r in listed["items"]] == [first["id"], second["id"]]
    assert listed["meta"]["total"] == 2

    off = member.patch(f"/api/v1/reminders/{first['id']}", json={"enabled": False})
    assert off.status_code == 200 and off.get_json()["next_fire_at"] is None
    on = member.patch(f"/api/v1/reminders/{first['id']}", json={"enabled": True, "time": "06:05"})
    assert on.get_json()["next_fire_at"] is not None and on.get_json()["time"] == "06:05"
    assert member.get(f"/api/v1/reminders/{first['id']}").get_json()["time"] == "06:05"

    assert member.delete(f"/api/v1/reminders/{first['id']}").status_code == 204
    assert member.get(f"/api/v1/reminders/{first['id']}").status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"time": "7:30"}, "time"), ({"time": "24:00"}, "time"), ({"time": "12:60"}, "time"),
    ({"time": 730}, "time"), ({}, "time"), ({"time": "07:30:00"}, "time"),
    ({"time": "07:30", "weekdays": [7]}, "weekdays.0"), ({"time": "07:30", "weekdays": [-1]}, "weekdays.0"),
    ({"time": "07:30", "weekdays": []}, "weekdays"), ({"time": "07:30", "weekdays": [1, 1]}, "weekdays"),
    ({"time": "07:30", "weekdays": ["1"]}, "weekdays.0"), ({"time": "07:30", "weekdays": [True]}, "weekdays.0"),
    ({"time": "07:30", "weekdays": "0,1"}, "weekdays"),
    ({"time": "07:30", "timezone": "Mars/Olympus"}, "timezone"), ({"time": "07:30", "timezone": ""}, "timezone"),
    ({"time": "07:30", "timezone": "x" * 65}, "timezone"),
    ({"time": "07:30", "enabled": "yes"}, "enabled"), ({"time": "07:30", "skip_if_logged": 1}, "skip_if_logged"),
    ({"time": "07:30", "message": "x" * 201}, "message"), ({"time": "07:30", "colour": "red"}, "colour"),
])
def test_bad_reminders_are_422_naming_the_field(member, body, field):
    response = member.post("/api/v1/reminders", json=body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["fields"]


@pytest.mark.parametrize("body, field", [
    ({"time": "25:00"}, "time"), ({"weekdays": [9]}, "weekdays.0"), ({"timezone": "Nowhere"}, "timezone"),
    ({"enabled": None}, "enabled"),
])
def test_bad_patch_is_422_and_changes_nothing(member, body, field):
    reminder = new_reminder(member)
    response = member.patch(f"/api/v1/reminders/{reminder['id']}", json=body)
    assert response.status_code == 422 and field in response.get_json()["fields"]
    assert member.get(f"/api/v1/reminders/{reminder['id']}").get_json() == reminder


def test_message_at_the_limit_is_kept(member):
    assert new_reminder(member, message="m" * 200)["message"] == "m" * 200


def test_reminders_per_person_are_limited(make_app, users):
    app = make_app(REMINDERS_MAX=2)
    client = users.__class__(app).signed_in()
    new_reminder(client)
    new_reminder(client)
    response = client.post("/api/v1/reminders", json={"time": "08:00"})
    assert response.status_code == 409


@pytest.mark.parametrize("method, suffix, body", [
    ("get", "", None), ("patch", "", {"time": "08:00"}), ("delete", "", None),
    ("post", "/snooze", {"minutes": 10}),
])
def test_another_users_reminder_is_404(member, other, method, suffix, body):
    reminder = new_reminder(member)
    response = getattr(other, method)(f"/api/v1/reminders/{reminder['id']}{suffix}", json=body)
    assert response.status_code == 404
    assert member.get(f"/api/v1/reminders/{reminder['id']}").get_json() == reminder


def test_signed_out_is_401(client):
    assert client.get("/api/v1/reminders").status_code == 401
    assert client.get("/api/v1/push/subscriptions").status_code == 401


def test_cookie_writes_need_the_csrf_token(member):
    member.csrf_token = None
    response = member.post("/api/v1/reminders", json={"time": "07:30"},
                           headers={"X-CSRF-Token": "wrong"})
    assert response.status_code == 400


def test_bearer_clients_need_no_csrf(shared_users, shared_app):
    user = shared_users.create()
    token = shared_users.token(user)
    response = shared_app.test_client().post("/api/v1/reminders", json={"time": "07:30"},
                                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201


# --- snooze ----------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [5, 30, 240])
def test_snooze(member, minutes):
    reminder = new_reminder(member)
    before = dt.datetime.now(dt.timezone.utc)
    response = member.post(f"/api/v1/reminders/{reminder['id']}/snooze", json={"minutes": minutes})
    assert response.status_code == 200
    until = dt.datetime.fromisoformat(response.get_json()["snoozed_until"])
    assert until.second == 0
    assert before + dt.timedelta(minutes=minutes - 1) <= until <= before + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("body", [{"minutes": 4}, {"minutes": 241}, {"minutes": "30"}, {},
                                  {"minutes": 30.5}, {"minutes": None}])
def test_bad_snooze_is_422(member, body):
    reminder = new_reminder(member)
    response = member.post(f"/api/v1/reminders/{reminder['id']}/snooze", json=body)
    assert response.status_code == 422 and "minutes" in response.get_json()["fields"]


def test_snoozing_a_switched_off_reminder_is_409(member):
    reminder = new_reminder(member, enabled=False)
    response = member.post(f"/api/v1/reminders/{reminder['id']}/snooze", json={"minutes": 10})
    assert response.status_code == 409


def test_snooze_from_a_notification_uses_the_signed_token(shared_app, member, other):
    from tracker.reminders import service

    reminder = new_reminder(member)
    with shared_app.test_request_context():
        token = service.snooze_token(member.user["id"], reminder["id"])
        forged = service.snooze_token(other.user["id"], reminder["id"])
    anonymous = shared_app.test_client()
    response = anonymous.post("/api/v1/push/snooze", json={},
                              headers={"Authorization": f"Snooze {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["snoozed_until"] is not None
    # A token for someone else's reminder, a tampered one, none at all.
    assert anonymous.post("/api/v1/push/snooze", json={},
                          headers={"Authorization": f"Snooze {forged}"}).status_code == 404
    assert anonymous.post("/api/v1/push/snooze", json={},
                          headers={"Authorization": f"Snooze {token}x"}).status_code == 401
    assert anonymous.post("/api/v1/push/snooze", json={},
                          headers={"Authorization": "Snooze "}).status_code == 401
    # No Authorization header and nobody signed in: nobody to act for.
    assert anonymous.post("/api/v1/push/snooze", json={}).status_code == 401
    assert anonymous.post("/api/v1/push/snooze", json={"minutes": 1},
                          headers={"Authorization": f"Snooze {token}"}).status_code == 422


# --- push subscriptions ------------------------------------------------------------------


def test_public_key_is_a_p256_point(client):
    from tests.push_receiver import unb64url

    key = client.get("/api/v1/push/public-key").get_json()["public_key"]
    raw = unb64url(key)
    assert len(raw) == 65 and raw[0] == 4 and "=" not in key


def test_subscribe_list_resubscribe_and_unsubscribe(member):
    device = Device()
    sub = device.subscription(FCM + "abc123")
    created = member.post("/api/v1/push/subscriptions", json=sub)
    assert created.status_code == 201
    again = member.post("/api/v1/push/subscriptions", json=sub)
    assert again.status_code == 200 and again.get_json()["id"] == created.get_json()["id"]
    items = member.get("/api/v1/push/subscriptions").get_json()["items"]
    assert [i["endpoint"] for i in items] == [sub["endpoint"]]
    assert member.delete("/api/v1/push/subscriptions", json={"endpoint": sub["endpoint"]}).status_code == 204
    assert member.delete("/api/v1/push/subscriptions", json={"endpoint": sub["endpoint"]}).status_code == 404
    assert member.get("/api/v1/push/subscriptions").get_json()["items"] == []


def test_a_second_user_takes_over_an_endpoint(member, other):
    # The same keys: the same browser profile, now signed in as someone else.
    sub = Device().subscription(FCM + "shared-browser")
    assert member.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    assert other.post("/api/v1/push/subscriptions", json=sub).status_code == 200
    assert member.get("/api/v1/push/subscriptions").get_json()["items"] == []
    assert len(other.get("/api/v1/push/subscriptions").get_json()["items"]) == 1
    # Only the owner can remove it.
    assert member.delete("/api/v1/push/subscriptions", json={"endpoint": sub["endpoint"]}).status_code == 404


def forged(original: dict, keep: str) -> dict:
    """``original`` with fresh keys except the one named in ``keep`` ("p256dh",
    "auth" or "")."""
    fresh = Device().subscription(original["endpoint"])
    if keep:
        fresh["keys"][keep] = original["keys"][keep]
    return fresh


@pytest.mark.parametrize("keep", ["", "p256dh", "auth"])
def test_audit_8_another_account_cannot_take_over_an_endpoint(member, other, keep):
    sub = Device().subscription(FCM + uuid.uuid4().hex)
    assert member.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    response = other.post("/api/v1/push/subscriptions", json=forged(sub, keep))
    assert response.status_code == 409, response.get_data(as_text=True)
    assert "endpoint" in response.get_json()["fields"]
    assert other.get("/api/v1/push/subscriptions").get_json()["items"] == []
    (kept,) = member.get("/api/v1/push/subscriptions").get_json()["items"]
    assert kept["endpoint"] == sub["endpoint"]
    # The owner re-subscribing is still idempotent.
    assert member.post("/api/v1/push/subscriptions", json=sub).status_code == 200


THREADS = 8


def test_audit_8_racing_subscribes_of_one_endpoint_leave_one_owner(app, live_server, users):
    """Two accounts post one endpoint, each with their own keys, all at once: one post
    creates it, the creator's others are 200, the other account's all 409; no 5xx."""
    people = [users.create() for _ in range(2)]
    tokens = [users.token(person) for person in people]
    for _round in range(3):
        first = Device().subscription(FCM + uuid.uuid4().hex)
        bodies = [first, forged(first, "")]
        turns = itertools.count()  # the threads take turns: account 0, 1, 0, 1, ...

        def send() -> tuple[int, int]:
            who = next(turns) % 2
            response = requests.post(
                live_server.url + "/api/v1/push/subscriptions", json=bodies[who],
                headers={"Authorization": f"Bearer {tokens[who]}"}, timeout=30)
            return who, response.status_code

        answers = all_at_once(send, THREADS)
        assert all(isinstance(a, tuple) for a in answers), answers
        (owner,) = {who for who, status in answers if status == 201}
        assert Counter(answers) == Counter({(owner, 201): 1, (owner, 200): THREADS // 2 - 1,
                                            (1 - owner, 409): THREADS // 2}), answers
        listed = requests.get(live_server.url + "/api/v1/push/subscriptions", timeout=30,
                              headers={"Authorization": f"Bearer {tokens[owner]}"}).json()
        assert first["endpoint"] in [i["endpoint"] for i in listed["items"]]


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/x", "https://updates.push.services.mozilla.com/wpush/v2/x",
    "https://web.push.apple.com/QGx", "https://api.push.apple.com/3/x",
    "https://wns2-par02p.notify.windows.com/w/?token=x",
])
def test_known_push_services_are_accepted(member, endpoint):
    assert member.post("/api/v1/push/subscriptions", json=Device().subscription(endpoint)).status_code == 201


@pytest.mark.parametrize("endpoint", [
    "http://fcm.googleapis.com/fcm/send/x",            # not https
    "https://evil.example.com/push",                   # unknown host
    "https://fcm.googleapis.com.evil.example/x",       # suffix trick
    "https://evilfcm.googleapis.com/x",                # not a subdomain of a known host
    "https://10.0.0.5/push", "https://192.168.1.1/push", "https://169.254.169.254/latest",
    "https://[fe80::1]/push", "https://127.0.0.1/push", "http://127.0.0.1:8080/push",
    "http://localhost/push", "https://[::1]/push",
    "https://user:pw@fcm.googleapis.com/x", "https://fcm.googleapis.com:8443/x",
    "ftp://fcm.googleapis.com/x", "fcm.googleapis.com/x", "", "https://", "https://fcm.googleapis.com:99999/x",
    "https://fcm.googleapis.com/" + "x" * ENDPOINT_MAX,
])
def test_other_endpoints_are_422(member, endpoint):
    response = member.post("/api/v1/push/subscriptions", json=Device().subscription(endpoint))
    assert response.status_code == 422, endpoint
    assert "endpoint" in response.get_json()["fields"]
    assert member.get("/api/v1/push/subscriptions").get_json()["items"] == []


def _point_off_the_curve() -> str:
    from tests.push_receiver import b64url
    return b64url(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize("keys, field", [
    ({"p256dh": "short", "auth": None}, "keys.p256dh"),
    ({"p256dh": "off-curve", "auth": None}, "keys.p256dh"),
    ({"p256dh": "not base64 !!", "auth": None}, "keys.p256dh"),
    ({"p256dh": None, "auth": "AAAA"}, "keys.auth"),                  # 3 bytes
    ({"p256dh": None, "auth": "A" * 40}, "keys.auth"),                # 30 bytes
    ({"p256dh": None, "auth": "%%%%%%%%%%%%%%%%%%%%%%"}, "keys.auth"),
    ({"auth": None}, "keys.p256dh"),
    ({"p256dh": None}, "keys.auth"),
    ({"p256dh": "x" * 101, "auth": None}, "keys.p256dh"),
])
def test_bad_keys_are_422(member, keys, field):
    sub = Device().subscription(FCM + "k")
    good = dict(sub["keys"])
    sub["keys"] = {}
    for name, value in keys.items():
        if value == "off-curve":
            value = _point_off_the_curve()
        sub["keys"][name] = good[name] if value is None else value
    if field == "keys.p256dh" and "p256dh" not in keys:
        sub["keys"].pop("p256dh", None)
    response = member.post("/api/v1/push/subscriptions", json=sub)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["fields"]


def test_loopback_http_only_when_named(make_app, users):
    app = make_app(PUSH_ENDPOINT_HOSTS="127.0.0.1")
    client = users.__class__(app).signed_in()
    ok = client.post("/api/v1/push/subscriptions", json=Device().subscription("http://127.0.0.1:9/x"))
    assert ok.status_code == 201
    other_loopback = client.post("/api/v1/push/subscriptions",
                                 json=Device().subscription("http://127.0.0.2:9/x"))
    assert other_loopback.status_code == 422


def test_test_push_without_devices_is_409(member):
    response = member.post("/api/v1/push/test")
    assert response.status_code == 409


def test_openapi_lists_the_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/reminders", "/api/v1/reminders/{reminder_id}",
                 "/api/v1/reminders/{reminder_id}/snooze", "/api/v1/push/public-key",
                 "/api/v1/push/subscriptions", "/api/v1/push/test"):
        assert path in paths, path


# --- a reminder that cannot reach the person (issue 21) -----------------------------------------


def test_reachable_follows_the_persons_devices(member, other):
    created = new_reminder(member)
    assert created["reachable"] is False  # push only, and no device has notifications on
    rid = created["id"]
    assert member.get(f"/api/v1/reminders/{rid}").get_json()["reachable"] is False
    sub = Device().subscription(FCM + "reach-" + uuid.uuid4().hex)
    assert member.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    assert [r["reachable"] for r in member.get("/api/v1/reminders").get_json()["items"]] == [True]
    assert member.patch(f"/api/v1/reminders/{rid}", json={"time": "09:15"}).get_json()["reachable"] is True
    assert member.post(f"/api/v1/reminders/{rid}/snooze", json={"minutes": 10}).get_json()["reachable"]
    # Another person's device reaches nobody else.
    assert new_reminder(other)["reachable"] is False
    member.delete("/api/v1/push/subscriptions", json={"endpoint": sub["endpoint"]})
    assert member.get(f"/api/v1/reminders/{rid}").get_json()["reachable"] is False
