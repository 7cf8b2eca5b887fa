"""Counts in words: "1 programme", "2 programmes", "1 stretch", "3 stretches".

The one place that knows English plurals, for templates (the ``plural`` and ``noun``
filters, registered in tracker/web.py) and for sentences in Python. When the app is
translated these two functions become ``ngettext`` calls; nothing else needs to
change.

English (CLDR's rule): the singular only for a whole 1 (or -1) written without
decimals; 0, 2, 1.5 and 1.0 take the plural ("0 days", "1.0 points").
"""
from __future__ import annotations

from numbers import Real


def noun(count: Real, singular: str, plural_form: str | None = None) -> str:
    """The noun alone, for layouts that show the number apart:
    noun(1, "day") -> "day"; noun(3, "stretch", "stretches") -> "stretches"."""
    one = isinstance(count, int) and not isinstance(count, bool) and abs(count) == 1
    if one:
        return singular
    return plural_form if plural_form is not None else singular + "s"


def plural(count: Real, singular: str, plural_form: str | None = None) -> str:
    """The count and its noun: plural(1, "programme") -> "1 programme",
    plural(2, "check-in") -> "2 check-ins", plural(2, "entry", "entries")."""
    return f"{count} {noun(count, singular, plural_form)}"
