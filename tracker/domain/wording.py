"""Sentences the rules say, in a form any language can say them.

A rule in tracker/domain returns ``Text("Pain rose by %(points)s points.", points=2)``
rather than a finished English string. A ``Text`` *is* that English string (it is a
``str``: the JSON API, logs and tests read English, as clients rely on), and it also
keeps its message id and parameters, so a page, a mail or a push can say it in the
person's language (tracker/i18n.py ``translate``; templates do it on output). The
domain stays free of Flask and of any catalog: it only marks what is to be said.

``plural_text`` is the counted form ("1 day" / "2 days"), by CLDR's plural rules in
each language. ``N_`` marks a constant (a stretch's name, a warning sign) for the
catalog without translating it where it is defined; it is translated where shown.

Parameters may be numbers, dates, other ``Text`` values or plain strings; dates and
numbers are written per language when translated ("7 Nov" / "7. Nov.", "42.5" /
"42,5"). Message ids use Python's ``%(name)s`` placeholders (pybabel checks them).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from numbers import Real
from typing import Any


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark ``message`` for the catalog; translated where it is shown."""
    return message


class Text(str):
    """English text with what is needed to say it in another language."""

    __slots__ = ("msgid", "plural", "count", "params")
    msgid: str
    plural: str | None
    count: Real | None
    params: Mapping[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Text:
        return cls._make(msgid, None, None, params)

    @classmethod
    def _make(cls, msgid: str, plural_id: str | None, count: Real | None,
              params: Mapping[str, Any]) -> Text:
        chosen = msgid if plural_id is None or _english_one(count) else plural_id
        value = super().__new__(cls, fill(chosen, params, english))
        value.msgid, value.plural, value.count, value.params = msgid, plural_id, count, params
        return value

    def __reduce__(self):  # noqa: ANN204 - pickling keeps the message, not just English
        return (_rebuild, (self.msgid, self.plural, self.count, dict(self.params)))


def plural_text(singular: str, plural_form: str, count: Real, /, **params: Any) -> Text:
    """``plural_text("%(num)s day", "%(num)s days", n)``: the form ``count`` takes;
    ``num`` is ``count`` unless given."""
    params.setdefault("num", count)
    return Text._make(singular, plural_form, count, params)


def _rebuild(msgid: str, plural_id: str | None, count: Real | None, params: dict) -> Text:
    return Text._make(msgid, plural_id, count, params)


def fill(template: str, params: Mapping[str, Any], say) -> str:  # noqa: ANN001
    """``template % params`` with each parameter said by ``say`` (English here; the
    person's language in tracker/i18n.py)."""
    if not params:
        return template
    return template % {name: say(value) for name, value in params.items()}


def english(value: Any) -> Any:
    """A parameter as English writes it: dates "7 Nov" (the year when it is not this
    one), numbers without a needless ".0"."""
    if isinstance(value, dt.datetime):
        return f"{english(value.date())}, {value:%H:%M}"
    if isinstance(value, dt.date):
        text = f"{value.day} {value:%b}"
        return text if value.year == dt.date.today().year else f"{text} {value.year}"
    if isinstance(value, float):
        return f"{value:g}"
    return value


def _english_one(count: Real | None) -> bool:
    """CLDR's English rule on the number as written: the singular only for 1 (and -1);
    a float is written without a needless ".0", so 1.0 reads "1" and takes it too,
    while 0, 2 and 1.5 take the plural."""
    return whole(count) in (1, -1)


def whole(count: Real | None) -> Real | None:
    """``count`` as it is written: 1.0 -> 1 (see ``english``), 1.5 stays 1.5."""
    if isinstance(count, float) and count.is_integer():
        return int(count)
    return None if isinstance(count, bool) else count
