"""The person's language (tracker/i18n.py) and language-aware dates (tracker/dates.py):
which language a request speaks, a domain ``Text`` said in it, dates, numbers and the
calendar's week per locale, and the scripts' catalog."""
from __future__ import annotations

import datetime as dt
import json
import pickle

import pytest
from babel import Locale
from flask_babel import force_locale

from tracker import i18n
from tracker.dates import calendar_months, short_date, short_datetime, weekday_names
from tracker.domain.wording import Text, plural_text

DE, GB, US = Locale.parse("de"), Locale.parse("en_GB"), Locale.parse("en_US")
TODAY = dt.date(2027, 3, 10)


@pytest.mark.parametrize(("count", "english"), [
    (1, "1 day"), (0, "0 days"), (2, "2 days"), (1.0, "1 day"), (1.5, "1.5 days"), (-1, "-1 day"),
])
def test_a_counted_text_is_its_english(count, english):
    assert plural_text("%(num)s day", "%(num)s days", count) == english


def test_a_text_is_english_and_keeps_its_message():
    said = Text("Pain rose by %(points)s points on %(day)s.", points=2.0,
                day=dt.date(dt.date.today().year, 11, 7))
    assert said == "Pain rose by 2 points on 7 Nov."
    assert json.dumps({"m": said}) == '{"m": "Pain rose by 2 points on 7 Nov."}'
    again = pickle.loads(pickle.dumps(said))
    assert (again, again.msgid, again.params) == (said, said.msgid, said.params)


@pytest.mark.parametrize(("value", "locale", "options", "expected"), [
    (dt.date(2027, 11, 7), GB, {}, "7 Nov"),
    (dt.date(2027, 11, 7), DE, {}, "7. Nov."),
    (dt.date(2027, 11, 7), DE, {"weekday": True}, "So., 7. Nov."),
    (dt.date(2026, 11, 7), DE, {}, "7. Nov. 2026"),
    (dt.date(2027, 5, 3), DE, {"weekday": True}, "Mo., 3. Mai"),
    (dt.date(2027, 11, 7), US, {}, "Nov 7"),
])
def test_dates_per_language(value, locale, options, expected):
    assert short_date(value, today=TODAY, locale=locale, **options) == expected


@pytest.mark.parametrize(("locale", "expected"), [(GB, "6 Dec, 14:50"), (DE, "6. Dez., 14:50")])
def test_a_date_and_time(locale, expected):
    assert short_datetime(dt.datetime(2027, 12, 6, 14, 50), today=TODAY, locale=locale) == expected


@pytest.mark.parametrize(("code", "value", "expected"), [
    ("en", 42.5, "42.5"), ("de", 42.5, "42,5"), ("de", 40.0, "40"), ("de", 1234.25, "1.234,2"),
    ("en", 1234, "1,234"), ("de", None, ""),
])
def test_numbers_per_language(app, code, value, expected):
    with app.test_request_context(), force_locale(code):
        assert i18n.number(value) == expected


@pytest.mark.parametrize(("locale", "first_column"), [
    (DE, ["Montag", "Dienstag"]), (GB, ["Monday", "Tuesday"]), (US, ["Sunday", "Monday"]),
])
def test_the_week_starts_on_the_languages_first_day(locale, first_column):
    assert weekday_names(locale=locale)[:2] == first_column
    days = [{"date": dt.date(2027, 3, 1) + dt.timedelta(days=i)} for i in range(7)]
    (month,) = calendar_months(days, locale=locale)
    first_cell = next(c for c in month.weeks[0] if c)
    # 1 March 2027 is a Monday: first in a Monday week, second in a Sunday one
    assert month.weeks[0].index(first_cell) == (1 if locale is US else 0)
    assert month.label == ("Mär" if locale is DE else "Mar")  # CLDR stand-alone


@pytest.mark.parametrize(("header", "expected"), [
    ("de-DE,de;q=0.9,en;q=0.8", "de"),
    ("de", "de"),
    ("fr-FR,fr;q=0.9", "en"),            # not shipped: English
    ("fr;q=1.0,de;q=0.5", "de"),         # the best one shipped
    ("en-US,en;q=0.9,de;q=0.8", "en"),
    ("", "en"),
])
def test_accept_language_among_the_languages_shipped(app, header, expected):
    with app.test_request_context(headers={"Accept-Language": header}):
        assert i18n.select_locale() == expected


def test_german_is_shipped_and_named_in_german():
    assert i18n.shipped()[:1] == ("en",) and "de" in i18n.shipped()
    assert [i18n.language_name(c) for c in ("en", "de")] == ["English", "Deutsch"]


def test_a_text_said_in_german(app):
    with app.test_request_context(), force_locale("de"):
        assert i18n.translate(Text("Language")) == "Sprache"
        assert i18n.translate(dt.date(2027, 11, 7)).startswith("7. Nov.")
        assert i18n.translate(4.5) == "4,5"
        assert i18n.translate("as it is") == "as it is"
    with app.test_request_context(), force_locale("en"):
        assert i18n.translate(Text("Language")) == "Language"


def test_the_scripts_catalog_leaves_out_fuzzy_and_empty_entries(tmp_path):
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "js.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Saved."\nmsgstr "Gespeichert."\n\n'
        '#, fuzzy\nmsgid "Start over"\nmsgstr "Neu anfangen"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        'msgid "{n} item"\nmsgid_plural "{n} items"\nmsgstr[0] "{n} Eintrag"\nmsgstr[1] "{n} Einträge"\n\n'
        'msgid "</script>"\nmsgstr "</script>"\n', encoding="utf-8")
    said = i18n.scripts_catalog("de", str(tmp_path))
    assert "</script>" not in said  # cannot close the element it sits in
    assert json.loads(said) == {"Saved.": "Gespeichert.", "{n} item": ["{n} Eintrag", "{n} Einträge"],
                                "</script>": "</script>"}
    assert i18n.scripts_catalog("en", str(tmp_path)) == "{}"


@pytest.mark.parametrize(("code", "count", "said"), [
    ("en", 1, "1 day"), ("en", 3, "3 days"), ("de", 1, "1 Tag"), ("de", 3, "3 Tage"),
    ("de", 2.5, "2,5 Tage"), ("de", 1.0, "1 Tag"),
])
def test_a_counted_text_said_in_each_language(app, code, count, said):
    with app.test_request_context(), force_locale(code):
        assert i18n.translate(plural_text("%(num)s day", "%(num)s days", count)) == said


def test_speaking_switches_language_within_a_request_and_back(app):
    from flask import render_template_string

    page = "{{ _('Language') }}"
    with app.test_request_context():
        with i18n.speaking("en"):
            assert render_template_string(page) == "Language"
        assert render_template_string(page) == "Language"   # the request's own: English
        with i18n.speaking("de"):                             # a German person's mail
            assert render_template_string(page) == "Sprache"
            assert i18n.translate(Text("Language")) == "Sprache"
        assert render_template_string(page) == "Language"
