"""Counts in words (tracker.domain.wording): the singular for a whole 1 only, the
regular or the given irregular plural otherwise; the same rule on pages (the
``plural`` and ``noun`` template filters) and in the domain's sentences."""
from __future__ import annotations

import pytest
from flask import render_template_string

from tracker.domain import pain, safety, wording


@pytest.mark.parametrize(("count", "singular", "irregular", "said"), [
    (1, "programme", None, "1 programme"),
    (2, "programme", None, "2 programmes"),
    (0, "reminder", None, "0 reminders"),
    (1, "reminder", None, "1 reminder"),
    (-1, "point", None, "-1 point"),
    (21, "day", None, "21 days"),
    (1, "stretch", "stretches", "1 stretch"),
    (3, "stretch", "stretches", "3 stretches"),
    (1, "check-in", None, "1 check-in"),
    (5, "check-in", None, "5 check-ins"),
    (2, "entry", "entries", "2 entries"),
    (1.0, "point", None, "1.0 points"),   # a number shown with decimals is plural
    (1.5, "point", None, "1.5 points"),
])
def test_plural(count, singular, irregular, said):
    assert wording.plural(count, singular, irregular) == said
    assert wording.noun(count, singular, irregular) == said.split(" ", 1)[1]


@pytest.mark.parametrize(("source", "said"), [
    ("{{ 1|plural('programme') }}", "1 programme"),
    ("{{ 4|plural('programme') }}", "4 programmes"),
    ("{{ 1|plural('custom stretch', 'custom stretches') }}", "1 custom stretch"),
    ("{{ 2|plural('custom stretch', 'custom stretches') }}", "2 custom stretches"),
    ("{{ 1|noun('day') }} in a row", "day in a row"),
    ("{{ 0|noun('session') }} today", "sessions today"),
])
def test_template_filters(app, source, said):
    with app.test_request_context():
        assert render_template_string(source) == said


@pytest.mark.parametrize(("before", "after", "said"), [
    (3, 5, "Your pain went up 2 points during this session."),
    (2, 7, "Your pain went up 5 points during this session."),
])
def test_the_safety_flag_counts_points(before, after, said):
    (flag,) = safety.session_flags(before, after, [])
    assert flag.message.startswith(said)


def test_the_trend_sentence_counts_its_days_and_points():
    waiting = pain.trend_sentence(pain.Trend(6.0, 5.0, None, None, False))
    assert f"first {pain.BASELINE_DAYS} days" in waiting
    small = pain.trend_sentence(pain.Trend(6.0, 5.0, -1.0, -16.7, False))
    assert f"that takes {pain.MEANINGFUL_POINTS} points or 30%" in small
