"""Counts in words (tracker.domain.wording): the singular for a whole 1 only in English,
each language's rule on pages (``ngettext``, and a domain ``Text`` printed by a
template), and the counts in the domain's sentences."""
from __future__ import annotations

import pytest
from flask import render_template_string

from tracker.domain import pain, safety, wording


@pytest.mark.parametrize(("count", "said"), [
    (1, "1 programme"), (2, "2 programmes"), (0, "0 programmes"), (-1, "-1 programme"),
    (21, "21 programmes"),
    (1.0, "1 programme"),    # written "1", so singular
    (1.5, "1.5 programmes"),
])
def test_a_counted_text_in_english(count, said):
    assert wording.plural_text("%(num)s programme", "%(num)s programmes", count) == said


@pytest.mark.parametrize(("code", "source", "said"), [
    ("en", "{{ ngettext('%(num)s day', '%(num)s days', 1) }}", "1 day"),
    ("en", "{{ ngettext('%(num)s day', '%(num)s days', 4) }}", "4 days"),
    ("de", "{{ ngettext('%(num)s day', '%(num)s days', 1) }}", "1 Tag"),
    ("de", "{{ ngettext('%(num)s day', '%(num)s days', 4) }}", "4 Tage"),
    ("de", "{{ said }}", "4 Tage"),         # a domain Text, said on output
    ("en", "{{ said }}", "4 days"),
])
def test_templates_say_counts_in_the_pages_language(app, code, source, said):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(code):
        text = wording.plural_text("%(num)s day", "%(num)s days", 4)
        assert render_template_string(source, said=text) == said


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
