"""Reminders by e-mail (issue 21): received by a real SMTP server (aiosmtpd) with the
same words as the push, a link to the guided session and RFC 8058's one-click
unsubscribe for that one reminder; skip rules, flare-ups and quiet hours apply to
e-mail too; without a mail server the choice is refused, with why."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import select

from tests.integration.test_password_reset import inbox  # noqa: F401 - the SMTP fixture
from tests.integration.test_reminders_dispatch import SETTINGS, World, utc
from tests.push_receiver import PushReceiver
from tracker.auth.models import User
from tracker.extensions import db
from tracker.reminders import service
from tracker.reminders.models import Reminder

from tests.integration.test_reminders_dispatch import PUBLIC_URL  # noqa: E402
UNSUBSCRIBE = re.compile(r"<(https://stretch\.example\.org/reminders/unsubscribe/([^>]+))>")


@pytest.fixture
def mail_app(make_app, inbox):  # noqa: F811
    return make_app(**SETTINGS, MAIL_SERVER="127.0.0.1",
                    MAIL_PORT=inbox.port, MAIL_USE_TLS=False,
                    MAIL_DEFAULT_SENDER="Backstretch <no-reply@example.com>")


@pytest.fixture
def receiver(mail_app):
    with mail_app.app_context():
        found = PushReceiver(service.vapid_keys().public_key).start()
    yield found
    found.stop()


@pytest.fixture
def world(mail_app, receiver) -> World:
    return World(mail_app, receiver)


def _unfolded(header: str) -> str:
    """A long header arrives folded over lines; read as one."""
    return " ".join(header.split())


def _email_of(world, user_id: int) -> str:  # noqa: ANN001
    with world.app.app_context():
        return db.session.get(User, user_id).email


def _reminder(world, user_id: int, rid: int) -> Reminder:  # noqa: ANN001
    return world.get(rid)


def test_an_email_reminder_arrives_with_one_click_unsubscribe(world, receiver, inbox):  # noqa: F811
    user_id, _ = world.person("Europe/Berlin", devices=())
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00", message="Strap by the bed",
                         channels=["email"])
    world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    (mail,) = inbox.messages
    assert mail["To"] == _email_of(world, user_id)
    assert mail["Subject"] == "Time to stretch"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Auto-Submitted"] == "auto-generated"
    link = UNSUBSCRIBE.fullmatch(_unfolded(mail["List-Unsubscribe"]))
    assert link, _unfolded(mail["List-Unsubscribe"])
    body = mail.get_payload(decode=True).decode()
    assert body.startswith("Strap by the bed")  # the same words as the push
    assert f"{PUBLIC_URL}/guide" in body and link.group(1) in body
    (delivery,) = world.deliveries(rid)
    assert (delivery.status, delivery.outcomes) == ("sent", [{"channel": "email", "outcome": "sent"}])
    assert receiver.received == []


def test_both_ways_send_a_push_and_an_email(world, receiver, inbox):  # noqa: F811
    user_id, (phone,) = world.person("Europe/Berlin")
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00", channels=["push", "email"])
    world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    assert len(receiver.for_device(phone)) == 1 and len(inbox.messages) == 1
    (delivery,) = world.deliveries(rid)
    assert sorted(o.get("channel", "push") for o in delivery.outcomes) == ["email", "push"]


def _token(mail) -> str:  # noqa: ANN001
    return UNSUBSCRIBE.fullmatch(_unfolded(mail["List-Unsubscribe"])).group(2)


def test_one_click_unsubscribes_only_that_reminder(world, receiver, inbox, mail_app):  # noqa: F811
    user_id, _ = world.person("Europe/Berlin")
    both = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00", channels=["push", "email"])
    other = world.reminder(user_id, utc(2027, 5, 1, 0), time="20:00", channels=["email"])
    world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    (mail,) = inbox.messages
    provider = mail_app.test_client()  # the mail provider: no cookie, no CSRF token
    asked = provider.get(f"/reminders/unsubscribe/{_token(mail)}")
    assert asked.status_code == 200 and "Stop e-mails for this reminder?" in asked.get_data(as_text=True)
    assert world.get(both).channels == ["push", "email"]  # a GET changes nothing
    done = provider.post(f"/reminders/unsubscribe/{_token(mail)}",
                         data="List-Unsubscribe=One-Click",
                         content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200, done.get_data(as_text=True)
    assert world.get(both).channels == ["push"] and world.get(both).enabled
    assert world.get(other).channels == ["email"]  # only that reminder
    world.dispatch(utc(2027, 5, 2, 6, 0, 5))
    world.dispatch(utc(2027, 5, 2, 18, 0, 5))
    # 1 May 08:00 (before unsubscribing) and 2 May 20:00 (the other reminder) only; 1
    # May's 20:00 came too late to be sent (the dispatcher "was down" until 2 May).
    assert [m["To"] for m in inbox.messages] == [_email_of(world, user_id)] * 2
    assert world.deliveries(both)[-1].outcomes[0].get("channel") != "email"
    # Again: still fine, nothing more to stop.
    assert provider.post(f"/reminders/unsubscribe/{_token(mail)}").status_code == 200


def test_unsubscribing_an_email_only_reminder_switches_it_off(world, receiver, inbox, mail_app):  # noqa: F811
    user_id, _ = world.person("Europe/Berlin", devices=())
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00", channels=["email"])
    world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    assert mail_app.test_client().post(f"/reminders/unsubscribe/{_token(inbox.messages[0])}").status_code == 200
    assert not world.get(rid).enabled and world.get(rid).next_fire_at is None


@pytest.mark.parametrize("token", ["nonsense", "WzEsMV0.badsignature"])
def test_a_bad_unsubscribe_link_is_404(mail_app, token):
    client = mail_app.test_client()
    for response in (client.get(f"/reminders/unsubscribe/{token}"),
                     client.post(f"/reminders/unsubscribe/{token}")):
        assert response.status_code == 404
        assert "This link no longer works" in response.get_data(as_text=True)


def test_skip_rules_flare_ups_and_quiet_hours_apply_to_email(world, receiver, inbox, mail_app):  # noqa: F811
    from tests.integration.test_reminders_dispatch import _flare_up, _log_session, _quiet

    logged, _ = world.person("Europe/Berlin", devices=())
    world.reminder(logged, utc(2027, 5, 1, 0), time="20:00", channels=["email"])
    _log_session(mail_app, logged, utc(2027, 5, 1, 6))
    paused, _ = world.person("Europe/Berlin", devices=())
    world.reminder(paused, utc(2027, 5, 1, 0), time="20:00", channels=["email"])
    _flare_up(mail_app, paused, dt.date(2027, 5, 1), 2, utc(2027, 5, 1, 5))
    quiet, _ = world.person("Europe/Berlin", devices=())
    world.reminder(quiet, utc(2027, 5, 1, 0), time="20:00", channels=["email"])
    _quiet(world, quiet, {"start": "19:00", "end": "21:30"}, utc(2027, 5, 1, 0))
    world.dispatch(utc(2027, 5, 1, 18, 0, 5))  # 20:00 in Berlin
    assert inbox.messages == []
    world.dispatch(utc(2027, 5, 1, 19, 30, 5))  # 21:30: the quiet hours' end
    assert [m["To"] for m in inbox.messages] == [_email_of(world, quiet)]


def test_a_mail_server_that_is_down_is_a_failed_delivery(make_app, receiver):
    app = make_app(**SETTINGS, MAIL_SERVER="127.0.0.1", MAIL_PORT=1,
                   MAIL_USE_TLS=False, MAIL_TIMEOUT=2)
    world = World(app, receiver)
    user_id, _ = world.person("UTC", devices=())
    rid = world.reminder(user_id, utc(2027, 5, 1, 0), time="08:00", channels=["email"])
    world.dispatch(utc(2027, 5, 1, 8, 0, 5))
    (delivery,) = world.deliveries(rid)
    assert (delivery.status, delivery.reason) == ("failed", "mail_server")


# --- the API and the page, with and without a mail server --------------------------------------


def test_channels_in_the_api(mail_app, make_app):
    from tests.support import Accounts

    client = Accounts(mail_app).signed_in()
    made = client.post("/api/v1/reminders", json={"time": "07:30", "channels": ["email", "push"]})
    assert made.status_code == 201
    body = made.get_json()
    assert body["channels"] == ["push", "email"] and body["reachable"] is True  # by e-mail
    for bad, said in ((["sms"], "channels.0"), ([], "channels"), (["push", "push"], "channels"),
                      ("push", "channels")):
        response = client.post("/api/v1/reminders", json={"time": "07:30", "channels": bad})
        assert response.status_code == 422 and said in response.get_json()["fields"], bad
    rid = body["id"]
    assert client.patch(f"/api/v1/reminders/{rid}", json={"channels": ["push"]}).get_json() \
        ["reachable"] is False  # push only, no device


def test_without_a_mail_server_email_is_refused_with_why(member):
    response = member.post("/api/v1/reminders", json={"time": "07:30", "channels": ["email"]})
    assert response.status_code == 422
    assert response.get_json()["fields"]["channels"] == [
        "E-mail reminders need a mail server, and this server has none set up."]
    page = member.get("/reminders").get_data(as_text=True)
    assert re.search(r'value="email"[^>]* disabled aria-describedby="new-email-why"', page)
    assert "E-mail reminders need a mail server" in page
