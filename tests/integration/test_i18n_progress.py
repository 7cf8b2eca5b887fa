"""Progress, the programme and the PSFS in German (issue 23): a person who chose German
reads German headings, the domain's sentences in German (the pain trend, the
programme's day, the PSFS summary), dates as "7. Nov." and decimals with a comma; the
calendar's weekdays start on Monday with German names. The JSON API keeps English."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from html import unescape

import pytest
from babel import Locale
from babel.dates import format_skeleton

from tests.progress_data import at_noon, local_day, log_month
from tracker.dates import short_date

ZONE = "Europe/Berlin"
DE = Locale.parse("de")
GERMAN_DATE = re.compile(r"\b\d{1,2}\. (Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez)\.?")
ENGLISH_DATE = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def text(response) -> str:  # noqa: ANN001
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def words(response) -> str:  # noqa: ANN001
    """The page's <main> as a person reads it: no tags."""
    body = response.get_data(as_text=True)
    body = body[body.index("<main"):body.index("</main>")]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture
def german(member):  # noqa: ANN001, ANN201
    response = member.patch("/api/v1/me", json={"locale": "de"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return member


def de_date(day: dt.date, weekday: bool = False) -> str:
    return short_date(day, weekday=weekday, locale=DE)


def test_progress_page_in_german(german):
    log_month(german)
    response = german.get("/progress")
    assert response.status_code == 200
    page, said = text(response), words(response)
    assert '<html lang="de"' in page
    assert "<title>Fortschritt" in page and "<h1>Fortschritt</h1>" in page
    for heading in ("Schmerz", "Beinheben", "Linderung in den Einheiten",
                    "Alltagsaktivitäten", "Tage mit einer Einheit"):
        assert f">{heading}</h2>" in page, heading
    assert ">30 Tage</a>" in page and ">365 Tage</a>" in page
    # the domain's sentence, said in German, with its figures
    assert "Schmerz diese Woche: 3, 4 weniger als 7 zu Beginn: ein bedeutsamer Rückgang." in said
    # dates as German writes them, never the English way
    assert f"{de_date(local_day(29, ZONE))} – {de_date(local_day(0, ZONE))}" in said
    assert GERMAN_DATE.search(de_date(local_day(0, ZONE)))
    assert f"Bestes Beinheben am {de_date(local_day(0, ZONE))}: links 59°, rechts 75°." in said
    assert f'<th scope="row">{de_date(local_day(0, ZONE), weekday=True)}</th>' in page
    assert not ENGLISH_DATE.search(said)
    # decimals with a comma: the 7-day means where the 5s turn into 3s
    cells = re.findall(r'<td class="num">([^<]*)</td>', page)
    assert any(re.fullmatch(r"\d,\d", c) for c in cells)
    assert not any(re.fullmatch(r"\d\.\d", c) for c in cells)
    # the calendar: weeks from Monday, German day names, German month labels
    assert ('<th scope="col"><span aria-hidden="true">M</span>'
            '<span class="visually-hidden">Montag</span></th>') in page
    assert f"<caption>{format_skeleton('MMM', local_day(0, ZONE), locale=DE)}</caption>" in page
    assert "Tag in Folge" in said or "Tage in Folge" in said
    assert "von 30 Tagen" in said
    # the scripts' words are on the page for the charts
    assert '"Pain 0–10":"Schmerz 0–10"' in page


def test_relief_sentence_in_german(german):
    for offset in range(3):
        response = german.post("/api/v1/sessions", json={
            "client_id": str(uuid.uuid4()), "performed_at": at_noon(offset, ZONE),
            "pain_before": 6, "pain_after": 4,
            "entries": [{"stretch": "single-knee-to-chest", "side": "left"},
                        {"stretch": "double-knee-to-chest"}]})
        assert response.status_code == 201, response.get_data(as_text=True)
    said = words(german.get("/progress"))
    assert ("Die Linderung war bei beiden Übungen fast gleich. Im Schnitt sank der Schmerz "
            "in den Einheiten mit jeder von ihnen um 2.") in said


def test_programme_page_in_german(german):
    start = local_day(3, ZONE)
    assert german.post("/api/v1/programs", json={"affected_leg": "left",
                                                 "start_date": start.isoformat()}).status_code == 201
    response = german.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()),
        "performed_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": 40.5}]})
    assert response.status_code == 201, response.get_data(as_text=True)
    page = german.get("/program")
    said = words(page)
    assert '<html lang="de"' in text(page)
    assert "Beinheben-Programm" in said and "Dein Programm: linkes Bein" in said
    # day 4's band has halves: a decimal comma, in the sentence and the table
    assert "Tag 4 von 10: 40,5°, im heutigen Ziel von 37,5–52,5°." in said
    assert "37,5–52,5°" in said and "37.5" not in said
    assert f"1 {de_date(start)}" in said
    assert "Programm beenden" in said
    # Today's line
    today = words(german.get("/"))
    assert "Programmtag 4 von 10: Das heutige Ziel für das linke Bein ist 37,5–52,5°." in today
    # the API keeps English
    body = german.get("/api/v1/progress").get_json()
    assert body["slr"]["program"]["sentence"] == \
        "Day 4 of 10: 40.5°, inside today's 37.5–52.5°."


def test_programme_form_errors_in_german(german):
    page = german.get("/program").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = german.post("/program", data={"csrf_token": token, "affected_leg": "left",
                                             "start_date": "2001-01-01"})
    assert response.status_code == 422
    assert "Startdatum: " in words(response)


def test_psfs_page_and_summary_in_german(german):
    socks = german.post("/api/v1/psfs/activities", json={"name": "Socken"}).get_json()["id"]
    film = german.post("/api/v1/psfs/activities", json={"name": "Film"}).get_json()["id"]
    for offset, scores in ((14, (2, 3)), (0, (6, 7))):
        response = german.post("/api/v1/psfs/ratings", json={
            "client_id": str(uuid.uuid4()), "rated_at": at_noon(offset, ZONE),
            "scores": [{"activity_id": socks, "score": scores[0]},
                       {"activity_id": film, "score": scores[1]}]})
        assert response.status_code == 201, response.get_data(as_text=True)
    page = german.get("/psfs")
    said = words(page)
    assert "<title>Alltagsaktivitäten" in text(page)
    assert "Patientenspezifische Funktionsskala" in said and "Socken anziehen" in said
    assert f"Zuletzt bewertet: {de_date(local_day(0, ZONE), weekday=True)}." in said
    summary = ("Deine Aktivitäten liegen im Schnitt bei 6,5 von 10, 4 mehr als 2,5 bei deiner "
               "ersten Bewertung (2 Bewertungen). Das ist eine bedeutsame Verbesserung "
               "(2 Punkte oder mehr).")
    assert summary in said
    assert "Mittelwert aller 2,5 6,5 +4 Ja" in said
    assert summary in words(german.get("/progress"))
    # English for the API
    body = german.get("/api/v1/progress").get_json()
    assert body["psfs"]["summary"].startswith("Your activities average 6.5 out of 10, up 4 from 2.5")


def test_psfs_name_rule_in_german(german):
    response = german.post("/psfs/activities", data={"name": "x" * 81})
    assert response.status_code == 422
    assert "Nenne die Aktivität in 1–80 Zeichen." in words(response)


def test_api_keeps_english_for_a_german_person(german):
    log_month(german)
    body = german.get("/api/v1/progress").get_json()
    assert body["pain"]["summary"] == "Pain this week 3, down 4 from 7 at the start: a meaningful drop."


def test_invalid_range_in_german(german):
    response = german.get("/progress?days=7")
    assert response.status_code == 400
    assert "Wähle 30, 90 oder 365 Tage." in text(response)


def test_english_pages_keep_english_dates(member):
    log_month(member)
    said = words(member.get("/progress"))
    assert f"Best raise on {short_date(local_day(0, ZONE), locale=Locale.parse('en_GB'))}" in said
    assert not GERMAN_DATE.search(said)
