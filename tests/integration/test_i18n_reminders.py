"""Reminders, the clinician report and the reminders page in the reader's language
(issue 23): the scheduler writes each person's push and e-mail in their own language
(User.locale) with no request; the same dispatch keeps English for an English person;
the report follows the viewer's Accept-Language; the Reminders page says when the next
reminder comes in German ("morgen um 07:30")."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from werkzeug.datastructures import MultiDict

from tests.integration.test_password_reset import inbox  # noqa: F401 - the SMTP fixture
from tests.integration.test_reminders_email import (  # noqa: F401 - the fixtures
    mail_app, receiver, world)
from tests.integration.test_reminders_dispatch import PUBLIC_URL, SETTINGS, World, utc
from tracker.auth.models import User
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.sharing import service as sharing

UNSUBSCRIBE = re.compile(r"<(https://stretch\.example\.org/reminders/unsubscribe/[^>]+)>")


def _speaks(world: World, user_id: int, locale: str | None) -> str:
    """Set the person's language; their e-mail address."""
    with world.app.app_context():
        user = db.session.get(User, user_id)
        user.locale = locale
        db.session.commit()
        return user.email


# --- push --------------------------------------------------------------------------------------


def test_a_german_persons_push_is_german_and_an_english_persons_stays_english(world, receiver):
    german, (handy,) = world.person("Europe/Berlin")
    english, (phone,) = world.person("Europe/Berlin")
    _speaks(world, german, "de")
    _speaks(world, english, None)
    world.reminder(german, utc(2027, 5, 1, 0), time="08:00")
    world.reminder(english, utc(2027, 5, 1, 0), time="08:00")
    report = world.dispatch(utc(2027, 5, 1, 6, 0, 5))  # one dispatch sends both
    assert report.counts == {"sent": 2}

    (push,) = receiver.for_device(handy)
    assert push.problem is None
    note = push.payload["notification"]
    assert (note["lang"], note["dir"]) == ("de", "ltr")
    assert note["title"] == "Zeit zum Dehnen"
    assert note["body"] == ("Jetzt ein paar Minuten deine Übungen. "
                            "Hör mit jeder auf, die deine Schmerzen verstärkt.")
    assert [a["title"] for a in note["actions"]] == ["Jetzt eintragen", "In 30 Min. erinnern"]
    assert note["navigate"] == f"{PUBLIC_URL}/guide"

    (push,) = receiver.for_device(phone)
    note = push.payload["notification"]
    assert (note["lang"], note["dir"]) == ("en", "ltr")
    assert note["title"] == "Time to stretch"
    assert note["body"].startswith("A few minutes of your stretches now.")
    assert [a["title"] for a in note["actions"]] == ["Log now", "Snooze 30 min"]


def test_a_german_persons_own_message_is_kept_as_written(world, receiver):
    german, (handy,) = world.person("Europe/Berlin")
    _speaks(world, german, "de")
    world.reminder(german, utc(2027, 5, 1, 0), time="08:00", message="Gurt liegt am Bett")
    world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    (push,) = receiver.for_device(handy)
    note = push.payload["notification"]
    assert (note["title"], note["body"], note["lang"]) == ("Zeit zum Dehnen", "Gurt liegt am Bett", "de")


# --- e-mail ------------------------------------------------------------------------------------


def test_a_german_persons_email_is_german_and_an_english_persons_stays_english(world, inbox):  # noqa: F811
    german, _ = world.person("Europe/Berlin", devices=())
    english, _ = world.person("Europe/Berlin", devices=())
    german_address = _speaks(world, german, "de")
    english_address = _speaks(world, english, None)
    world.reminder(german, utc(2027, 5, 1, 0), time="08:00", channels=["email"])
    world.reminder(english, utc(2027, 5, 1, 0), time="08:00", channels=["email"])
    world.dispatch(utc(2027, 5, 1, 6, 0, 5))
    mails = {m["To"]: m for m in inbox.messages}
    assert set(mails) == {german_address, english_address}

    mail = mails[german_address]
    assert mail["Subject"] == "Zeit zum Dehnen"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = UNSUBSCRIBE.fullmatch(" ".join(mail["List-Unsubscribe"].split()))
    assert link
    body = mail.get_payload(decode=True).decode()
    assert body.startswith("Jetzt ein paar Minuten deine Übungen.")
    assert f"Starte die heutigen Übungen: {PUBLIC_URL}/guide" in body
    assert f"Keine E-Mails mehr für diese Erinnerung: {link.group(1)}" in body
    assert "Time to stretch" not in body and "Stop e-mails" not in body

    mail = mails[english_address]
    assert mail["Subject"] == "Time to stretch"
    body = mail.get_payload(decode=True).decode()
    assert f"Start today's stretches: {PUBLIC_URL}/guide" in body
    assert "Stop e-mails for this reminder: " in body


# --- the clinician report ----------------------------------------------------------------------


def test_the_report_follows_the_viewers_language(shared_app, shared_users):
    account = shared_users.create(timezone="Europe/Berlin")
    with shared_app.app_context():
        user = db.session.get(User, account["id"])
        _share, token = sharing.create_share(user, {"days": 30, "expires_in_days": 14}, utcnow())
        db.session.commit()
    reader = shared_app.test_client()  # a clinician: not signed in

    german = reader.get(f"/s/{token}", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert german.status_code == 200
    html = german.get_data(as_text=True)
    assert '<html lang="de"' in html
    assert "<h1>Rückenschmerz-Tagebuch</h1>" in html
    assert "(30 Tage)" in html and "Auf einen Blick" in html
    assert "Back pain diary" not in html and "At a glance" not in html

    english = reader.get(f"/s/{token}", headers={"Accept-Language": "en-GB,en;q=0.9"})
    html = english.get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "<h1>Back pain diary</h1>" in html and "(30 days)" in html
    assert "Rückenschmerz" not in html

    gone = reader.get("/s/not-a-link", headers={"Accept-Language": "de"})
    assert gone.status_code == 404
    html = gone.get_data(as_text=True)
    assert "Dieser Link funktioniert nicht mehr" in html
    assert "Dieser Link ist abgelaufen, wurde zurückgezogen oder hat nie existiert." in html


# --- the Reminders page ------------------------------------------------------------------------


def test_the_reminders_page_says_the_next_time_in_german(shared_users):
    member = shared_users.signed_in(timezone="Europe/Berlin", locale="de")
    now = utcnow().astimezone(ZoneInfo("Europe/Berlin"))
    at = (now - dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    # Two hours ago is earlier today (tomorrow's comes next), or late yesterday evening
    # just after midnight (today's comes next).
    expected = "morgen" if at.date() == now.date() else "heute"
    hhmm = at.strftime("%H:%M")
    answer = member.post("/reminders", data=MultiDict(
        [("time", hhmm), ("timezone", "Europe/Berlin"), ("message", ""), ("enabled", "on"),
         ("skip_if_logged", "on"), ("channels", "push")]
        + [("weekdays", str(d)) for d in range(7)]))
    assert answer.status_code == 302
    page = member.get("/reminders?saved=added").get_data(as_text=True)
    assert '<html lang="de"' in page
    assert f"Nächste: {expected} um {hhmm}" in page
    assert "Erinnerung hinzugefügt." in page
    assert "Mo." in page and "Jeden Tag" in page
    assert f"Next: tomorrow {hhmm}" not in page and f"Next: today {hhmm}" not in page
