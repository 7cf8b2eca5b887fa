"""Reminder texts and payloads (tracker/reminders/payload.py) and the pieces of the
push adapter that need no network (tracker/reminders/push.py): keys, the VAPID JWT
cache, and the allow-list checked again at send time (audit #20, finding 9)."""
from __future__ import annotations

import json

import pytest

from tests.push_receiver import Device, verify_vapid
from tracker.reminders import payload, push
from tracker.reminders.payload import Target


@pytest.mark.parametrize("target, line", [
    (Target(4, 10, 37.5, 52.5), "Day 4 of 10: aim for 38–53°"),
    (Target(1, 7, 30, 45), "Day 1 of 7: aim for 30–45°"),
    (Target(6, 10, 52.5, 67.5), "Day 6 of 10: aim for 53–68°"),
    (Target(10, 10, 60, 75), "Day 10 of 10: aim for 60–75°"),
])
def test_target_line(target, line):
    assert payload.target_line(target) == line


@pytest.mark.parametrize("message, target, body", [
    ("", None, payload.DEFAULT_BODY),
    ("  ", None, payload.DEFAULT_BODY),
    ("Strap by the bed", None, "Strap by the bed"),
    ("Strap by the bed", Target(4, 10, 37.5, 52.5), "Day 4 of 10: aim for 38–53°. Strap by the bed"),
    (None, Target(2, 7, 30, 45), f"Day 2 of 7: aim for 30–45°. {payload.DEFAULT_BODY}"),
])
def test_body_text(message, target, body):
    assert payload.body_text(message, target) == body


BASE = "https://stretch.example.org"


def test_payload_is_declarative_and_limited():
    data = json.loads(payload.payload(reminder_id=3, body="b", base_url=BASE,
                                      tag=payload.tag(3, "2027-05-01"), snooze="tok",
                                      occurrence="2027-05-01"))
    assert data == {
        "web_push": 8030, "reminder_id": 3, "snooze": "tok", "occurrence": "2027-05-01",
        "notification": {
            "title": payload.TITLE, "body": "b", "navigate": BASE + "/guide",
            "tag": "reminder-3@2027-05-01", "lang": "en", "dir": "ltr",
            "actions": [{"action": "log", "title": "Log now", "navigate": BASE + "/log"},
                        {"action": "snooze", "title": "Snooze 30 min",
                         "navigate": BASE + "/reminders/snooze/tok"}]}}
    # Without a snooze token there is nothing to snooze: no actions.
    plain = json.loads(payload.payload(reminder_id=None, body="b", base_url=BASE, path="/x"))
    assert "actions" not in plain["notification"] and "snooze" not in plain
    # The largest message a person may write, with a target, a long public address and
    # a real-sized snooze token, fits easily.
    long = payload.body_text("é" * 200, Target(10, 10, 60, 75))
    assert len(payload.payload(reminder_id=10**9, body=long, base_url="https://" + "a" * 200,
                               tag=payload.tag(10**9, "snooze@2027-05-01T08:31Z"),
                               snooze="t" * 200, occurrence="snooze@2027-05-01T08:31Z")) \
        < payload.PAYLOAD_MAX
    with pytest.raises(ValueError):
        payload.payload(reminder_id=1, body="x" * 4000, base_url=BASE)


def test_generated_keys_load_back():
    keys = push.generate_keys()
    assert push.load_keys(keys.private_key) == keys
    assert push.load_keys(keys.private_key, keys.public_key) == keys
    with pytest.raises(ValueError):
        push.load_keys(keys.private_key, push.generate_keys().public_key)


def test_jwt_cache_signs_once_per_origin_until_near_expiry():
    now = [1_800_000_000.0]
    keys = push.generate_keys()
    cache = push.JwtCache(keys, "mailto:ops@example.org", clock=lambda: now[0])
    a = cache.authorization("https://fcm.googleapis.com")
    assert cache.authorization("https://fcm.googleapis.com") == a
    b = cache.authorization("https://updates.push.services.mozilla.com")
    assert a != b and cache.signed == 2
    now[0] += push.JWT_LIFETIME - push.JWT_RENEW_BEFORE - 1
    assert cache.authorization("https://fcm.googleapis.com") == a
    now[0] += 2
    assert cache.authorization("https://fcm.googleapis.com") != a and cache.signed == 3


def test_jwt_claims_are_per_origin_and_verify(monkeypatch):
    keys = push.generate_keys()
    cache = push.JwtCache(keys, "mailto:ops@example.org")
    for origin in ("https://fcm.googleapis.com", "https://web.push.apple.com"):
        claims = verify_vapid(cache.authorization(origin), keys.public_key, origin)
        assert claims["aud"] == origin and claims["sub"] == "mailto:ops@example.org"


@pytest.mark.parametrize("endpoint, origin", [
    ("https://fcm.googleapis.com/fcm/send/x", "https://fcm.googleapis.com"),
    ("http://127.0.0.1:8123/d", "http://127.0.0.1:8123"),
])
def test_origin_of(endpoint, origin):
    assert push.origin_of(endpoint) == origin


@pytest.mark.parametrize("endpoint, hosts", [
    ("http://127.0.0.1:9/d", ()),                     # loopback, no longer named
    ("http://127.0.0.1:9/d", ("localhost",)),
    ("https://10.0.0.5/d", ("10.0.0.5",)),            # private, even when named
    ("https://push.example.org/d", ()),
    ("https://fcm.googleapis.com:8443/d", ()),        # a known service on another port
    ("https://user@fcm.googleapis.com/d", ()),
])
def test_audit_9_the_allow_list_is_checked_again_at_send_time(endpoint, hosts):
    sender = push.Sender(push.JwtCache(push.generate_keys(), "mailto:ops@example.org"),
                         push.Policy(timeout=1, max_attempts=1, endpoint_hosts=hosts))
    device = Device()
    target = push.Target(7, endpoint, device.p256dh, device.subscription(endpoint)["keys"]["auth"])
    (result,) = sender.send([push.Message(target, b"{}", topic="t")])
    assert (result.outcome, result.reason, result.attempts) == ("rejected", "endpoint_not_allowed", 0)
    assert result.as_dict()["reason"] == "endpoint_not_allowed"
    assert sender.jwt.signed == 0  # not even a JWT was made for it
