"""The log book in German (issue 23): a person who chose German (User.locale "de")
reads Today, the log form, the guided session, History, the stretch library and a
stretch's page, the warning-signs check and the flare-up page in German. The built-in
stretches' names, steps and drawings' text are German on pages while the JSON API keeps
their English text; a person's own stretch is shown exactly as they typed it, in every
language. Dates on History are German ("7. Nov.")."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from html import unescape

import pytest
from babel import Locale

from tests.progress_data import at_noon, local_day
from tracker.dates import short_date

ZONE = "Europe/Berlin"
DE = Locale.parse("de")


@pytest.fixture
def german(shared_users):
    return shared_users.signed_in(locale="de")


def page(client, url: str) -> str:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def words(html: str) -> str:
    """The page's <main> as text, one space between words."""
    body = html[html.index("<main"):html.index("</main>")]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def log(client, offset: int = 0, before=None, after=None, worse_strap=False):  # noqa: ANN001
    response = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": at_noon(offset, ZONE),
        "pain_before": before, "pain_after": after,
        "entries": [{"stretch": "double-knee-to-chest"},
                    {"stretch": "slr-strap", "side": "left", "angle_deg": 42.5,
                     "worse": worse_strap}]})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_today_is_german(german):
    html = page(german, "/")
    assert '<html lang="de"' in html
    text = words(html)
    for said in ("Heute", "Deine Übungen", "Schneller Schmerzeintrag",
                 "Wie stark tut dein Rücken gerade weh?", "Gerade aufgewacht",
                 "Schmerzeintrag speichern", "Heutige Einheit starten", "Tage in Folge",
                 "Beide Knie zur Brust", "Ein Knie zur Brust", "Rundet den Rücken",
                 "Rücken bleibt gerade", "3 × 5 s pro Seite", "Ich habe einen Schub"):
        assert said in text, said
    for english in ("Double knee-to-chest", "Your stretches", "Quick pain check-in",
                    "Curls the back", "each side"):
        assert english not in text, english


def test_todays_caution_after_a_bad_session_names_the_stretch_in_german(german):
    log(german, 0, 5, 4, worse_strap=True)
    text = words(page(german, "/"))
    assert "Mach heute langsam" in text
    assert ("Du hast heute angegeben, dass die Übung „Beinheben mit Gurt“ deinen Schmerz "
            "verschlimmert hat.") in text
    assert "Hör mit der Übung „Beinheben mit Gurt“ auf" in text
    assert "Heute eingetragen" in text and "2 Übungen" in text


def test_a_sessions_page_and_its_warnings_are_german(german):
    session = log(german, 0, 2, 6, worse_strap=True)
    text = words(page(german, f"/sessions/{session['id']}"))
    assert "Dein Schmerz ist in dieser Einheit um 4 Punkte gestiegen." in text
    assert "Hör mit dieser Übung auf: Beinheben mit Gurt" in text
    assert "Schmerz vorher: 2. Schmerz nachher: 6." in text
    assert "Beinheben mit Gurt (links)" in text
    assert "42,5°" in text  # a German decimal comma
    # The API keeps English, for the clients that read it.
    flags = german.get(f"/api/v1/sessions/{session['id']}").get_json()["flags"]
    assert flags[0]["message"].startswith("Your pain went up 4 points during this session.")


def test_the_log_form_and_the_guide_are_german(german):
    text = words(page(german, "/log"))
    for said in ("Einheit eintragen", "Schmerz vorher", "Schmerz nachher", "Notizen",
                 "Beinheben mit Gurt", "Halten: 10 s · 5-mal pro Seite", "Anleitung",
                 "Linkes Bein", "Winkel links (°)", "Hat meinen Schmerz verschlimmert",
                 "Einheit speichern", "Weitere Übungen"):
        assert said in text, said
    html = page(german, "/guide")
    assert 'data-name="Beinheben mit Gurt"' in html  # the step's name the script reads
    text = words(html)
    for said in ("Bevor du beginnst", "Wie stark tut dein Rücken jetzt weh?",
                 "Übung 1 von", "Schmerz wurde schlimmer", "Zusammenfassung"):
        assert said in text, said


def test_a_refused_log_form_says_what_is_wrong_in_german(german):
    response = german.post("/log", data={"csrf_token": german.csrf_token,
                                         "client_id": str(uuid.uuid4()),
                                         "entries[slr-strap][done]": "1",
                                         "entries[slr-strap][sides]": "left",
                                         "notes": "n" * 2001})
    assert response.status_code == 422
    text = words(response.get_data(as_text=True))
    assert "Notizen: Schreib höchstens 2.000 Zeichen." in text


def test_history_is_german_with_german_dates(german):
    log(german, 1, 7, 5)
    german.post("/api/v1/checkins", json={"client_id": str(uuid.uuid4()),
                                          "recorded_at": at_noon(1, ZONE), "score": 6,
                                          "context": "waking"})
    text = words(page(german, "/history"))
    day = local_day(1, ZONE)
    assert "Verlauf" in text
    assert short_date(day, weekday=True, locale=DE) in text  # e.g. "Sa., 7. Nov."
    assert short_date(local_day(0, ZONE), locale=DE) in text  # the range: "… – 8. Nov."
    assert re.search(r"\d{1,2}\. [A-ZÄÖÜ][a-zäöü]{2}\.?", text)  # "7. Nov."
    assert "Beide Knie zur Brust, Beinheben mit Gurt L 42,5°" in text
    assert "Schmerz 7 → 5" in text
    assert "12:00 Schmerzeintrag: 6/10 · Gerade aufgewacht" in text


def test_the_stretch_library_is_german_and_the_api_keeps_english(german):
    mine = german.post("/api/v1/stretches", json={"name": "Evening", "spine": "extension",
                                                 "hold_seconds": 15})
    assert mine.status_code == 201, mine.get_data(as_text=True)
    text = words(page(german, "/stretches"))
    for said in ("Übungen", "Beide Knie zur Brust", "Ein Knie zur Brust",
                 "Oberschenkel-Rückseite im Liegen dehnen", "Beinheben mit Hilfsperson",
                 "Beinheben mit Gurt", "Biegt den Rücken nach hinten", "eigene",
                 "Eigene Übung hinzufügen"):
        assert said in text, said
    # A person's own stretch is shown as they typed it, though "Evening" has a German
    # word in the catalog (the check-in's "Abends").
    assert "Evening" in text and "Abends" not in text
    listed = german.get("/api/v1/stretches").get_json()["items"]
    names = {s["slug"]: s["name"] for s in listed}
    assert names["double-knee-to-chest"] == "Double knee-to-chest"
    assert names["slr-strap"] == "Straight-leg raise with a strap"
    assert names[mine.get_json()["slug"]] == "Evening"
    steps = {s["slug"]: s["instructions"] for s in listed}
    assert steps["slr-strap"][1] == "Lie back holding both ends."
    html = page(german, f"/stretches/{mine.get_json()['slug']}")
    assert "<h1>Evening</h1>" in html


def test_a_built_in_stretchs_page_is_german(german):
    html = page(german, "/stretches/slr-strap")
    assert "<title>Beinheben mit Gurt" in html
    text = words(html)
    for said in ("Beinheben mit Gurt", "So geht es", "Leg dich zurück und halte beide Enden fest.",
                 "Halte 10 Sekunden, senk es ab und wiederhole es jedes Mal etwas höher.",
                 "Achte darauf", "Zieh gleichmäßig; wipp nie und reiß das Bein nie ruckartig hoch.",
                 "Rücken bleibt gerade: Bei dieser Übung bleibt die Wirbelsäule gerade (neutral)",
                 "Zeichnung: in Rückenlage, ein Gurt als Schlaufe", "Diese Übung eintragen",
                 "Allgemeine Informationen, keine medizinische Beratung."):
        assert said in text, said
    assert "Lie back holding both ends." not in text
    # The clinical numbers stay as they are.
    assert "10 bis 12 cm (4 bis 5 Zoll)" in words(page(german, "/stretches/slr-assisted"))
    assert "etwa 90 Grad" in words(page(german, "/stretches/supine-hamstring"))


def test_the_warning_signs_check_is_german(german, shared_users):
    text = words(page(german, "/safety"))
    for said in ("Vor den Übungen: Warnzeichen", "Nichts davon trifft auf mich zu",
                 "Ischiasbeschwerden (Schmerz, Taubheitsgefühl oder Kribbeln), die in beide Beine ziehen?",
                 "Gewichtsverlust, ohne es zu wollen?",
                 "Antworten speichern"):
        assert said in text, said
    refused = german.post("/safety", data={"csrf_token": german.csrf_token})
    assert refused.status_code == 422
    assert ("Warnzeichen: Kreuz die Zeichen an, die du hast, oder „Nichts davon trifft auf "
            "mich zu“.") in words(refused.get_data(as_text=True))
    urgent = shared_users.signed_in(locale="de")
    response = urgent.post("/safety", data={"csrf_token": urgent.csrf_token,
                                            "red_flags": "bladder_bowel"})
    text = words(response.get_data(as_text=True))
    assert "Hol dir jetzt ärztliche Hilfe" in text
    assert "Cauda-equina-Syndrom" in text
    assert "Neue Probleme beim Wasserlassen" in text


def test_the_flare_up_page_and_todays_flare_up_card_are_german(german):
    text = words(page(german, "/flare-up"))
    for said in ("Schub", "Ich habe einen Schub", "Wie viele Tage pausieren", "3 Tage", "1 Tag",
                 "Begonnen am", "Wegen Schub pausieren"):
        assert said in text, said
    too_long = german.post("/flare-up", data={"csrf_token": german.csrf_token, "days": "15"})
    assert "Wie viele Tage: Wähle 1–14 Tage." in words(too_long.get_data(as_text=True))
    german.post("/flare-up", data={"csrf_token": german.csrf_token, "days": "3"})
    today = words(page(german, "/"))
    assert "Schub: noch 3 Tage" in today
    end = short_date(local_day(0, ZONE) + dt.timedelta(days=2), locale=DE)
    assert f"Deine Serie und deine Erinnerungen sind bis {end} pausiert." in today
    assert "Bleib sanft in Bewegung: kurze Spaziergänge, oft die Position wechseln." in today
    assert "Mir geht es besser" in today


def test_an_english_person_still_reads_english(member):
    text = words(page(member, "/stretches/slr-strap"))
    assert "Straight-leg raise with a strap" in text and "Lie back holding both ends." in text
    assert "Hold 10 s · 5 times on each side" in text


def test_the_forms_to_add_edit_and_delete_are_german(german):
    session = log(german, 0, 3, 2)
    checkin = german.post("/api/v1/checkins", json={"client_id": str(uuid.uuid4()),
                                                    "recorded_at": at_noon(0, ZONE), "score": 4,
                                                    "context": "evening"}).get_json()
    text = words(page(german, "/stretches/new"))
    for said in ("Eigene Übung hinzufügen", "Richtung", "Flexion: rundet sie nach vorn",
                 "Halten (Sekunden)", "Braucht eine Hilfsperson", "Ein Schritt pro Zeile."):
        assert said in text, said
    refused = german.post("/stretches/new", data={"csrf_token": german.csrf_token,
                                                  "spine": "neutral", "hold_seconds": "900"})
    assert refused.status_code == 422
    said = words(refused.get_data(as_text=True))
    assert "Name: Schreib 1 bis 80 Zeichen." in said
    assert "Halten: Gib 1 bis 600 Sekunden ein." in said
    text = words(page(german, f"/sessions/{session['id']}/delete"))
    assert "Diese Einheit löschen?" in text and "wird endgültig gelöscht." in text
    assert "Beide Knie zur Brust" in text
    text = words(page(german, f"/checkins/{checkin['id']}/delete"))
    assert "Der Schmerzeintrag vom" in text and "(Schmerz 4/10, Abends)" in text
    assert "Einheit bearbeiten" in words(page(german, f"/sessions/{session['id']}/edit"))
