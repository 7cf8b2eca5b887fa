"""The person's language (Flask-Babel): which one a request speaks, and saying the
domain's ``Text`` values, dates and numbers in it.

The language is the person's choice (``User.locale``, Settings or ``PATCH
/api/v1/me``), else the best of the browser's Accept-Language among the languages
shipped, else English. The languages shipped are English (the source) and every
folder in tracker/translations/ with a compiled catalog: adding one needs no code
(README, "Adding a language").

Formatting speaks a region where the bare language would be American: English pages
write "7 Nov" and "Mon 16 Nov" (en_GB), as they always did, never "Nov 7".

Inside a request, switch language with ``speaking`` (or ``refresh`` after the person
changed theirs), never Flask-Babel's ``force_locale`` alone: a request looks its catalog
up once (``active``), and only those two know to look again.

Two catalogs per language: ``messages`` (pages, mails, pushes, the domain's sentences)
and ``js`` (the scripts' strings, sent to the page as JSON by ``js_catalog``; see
static/js/i18n.js). Both are compiled from their .po files by ``make translations``,
which ``make run`` and ``make test`` run; the .mo files are not committed.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flask_babel
from babel import Locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations
from flask import Flask, g, has_app_context, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, get_translations
from markupsafe import Markup

from tracker.domain.wording import Text, whole

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
SOURCE = "en"
# The language a region-less locale is written in where CLDR's default would differ
# from what the app has always shown.
FORMAT_REGION = {"en": "en_GB"}
NAMES = {"en": "English", "de": "Deutsch"}  # a language's own name; Babel's otherwise

babel = Babel()


def shipped() -> tuple[str, ...]:
    """English, then every language with a compiled catalog, in code order."""
    return _shipped(str(TRANSLATIONS))


@functools.cache
def _shipped(folder: str) -> tuple[str, ...]:
    found = sorted(p.parent.parent.name for p in Path(folder).glob("*/LC_MESSAGES/messages.mo"))
    return (SOURCE, *[code for code in found if code != SOURCE])


def language_name(code: str) -> str:
    return NAMES.get(code) or Locale.parse(code).get_display_name(code).capitalize()


def select_locale() -> str:
    """Flask-Babel's locale selector: the person's choice, else Accept-Language."""
    from flask_login import current_user

    chosen = getattr(current_user, "locale", None) if has_request_context() else None
    if chosen in shipped():
        return chosen
    return browser_locale()


def browser_locale() -> str:
    if not has_request_context():
        return SOURCE
    return request.accept_languages.best_match(shipped(), default=SOURCE)


def current() -> str:
    """The language code of this request (or of a ``speaking`` block)."""
    return str(get_locale() or SOURCE)


def format_locale() -> Locale:
    """The locale dates and numbers are written in: the language's, with a region
    where FORMAT_REGION says so."""
    code = current()
    return _locale(FORMAT_REGION.get(code, code))


@functools.cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@contextmanager
def speaking(code: str | None) -> Iterator[None]:
    """Say everything in ``code`` (a person's stored language; None: English) for
    the block's length, e.g. a reminder sent from the scheduler, with no request."""
    with force_locale(code if code in shipped() else SOURCE):
        if not has_app_context():
            yield
            return
        outer = g.pop(_ACTIVE, None)
        try:
            yield
        finally:
            g.pop(_ACTIVE, None)
            if outer is not None:
                setattr(g, _ACTIVE, outer)


def refresh() -> None:
    """After the person's language changed mid-request (Settings): speak the new one."""
    flask_babel.refresh()
    g.pop(_ACTIVE, None)


_ACTIVE = "tracker_translations"


def active() -> NullTranslations:
    """This request's catalog (or a ``speaking`` block's), looked up once per request:
    Flask-Babel's lookup walks the request context several times per message, and a
    page says a hundred (README, Benchmarks)."""
    if not has_app_context():
        return get_translations()  # English: no app, no catalog
    found = g.get(_ACTIVE)
    if found is None:
        found = get_translations()
        setattr(g, _ACTIVE, found)
    return found


def person_locale(user: Any, asking: bool | None = None) -> str:
    """The language to write to ``user`` in (mail, push): their choice, else, when
    they are the one asking (by default: when they are the signed-in person; a reset
    request says so itself), this request's language, else English."""
    chosen = getattr(user, "locale", None)
    if chosen in shipped():
        return chosen
    if asking is None:
        from flask_login import current_user

        asking = has_request_context() and getattr(current_user, "id", None) is not None \
            and current_user.id == getattr(user, "id", None)
    return browser_locale() if asking else SOURCE


def translate(value: Any) -> Any:
    """A ``Text`` in this request's language (its parameters too); a date or number
    as the language writes it; anything else as it is."""
    if isinstance(value, Text):
        params = {name: translate(param) for name, param in value.params.items()}
        if value.plural is not None:  # params hold "num", the count as the language writes it
            # gettext's plural rules take integers: 1.0 is written "1" (wording.whole);
            # a decimal such as 1.5 takes CLDR's "other" form, which 2 stands for in
            # the languages shipped.
            count = whole(value.count)
            count = count if isinstance(count, int) else 2
            return active().ungettext(value.msgid, value.plural, count) % params
        said = active().ugettext(value.msgid)
        return said % params if params else said
    if isinstance(value, dt.date):
        from tracker.dates import short_date, short_datetime

        return short_datetime(value) if isinstance(value, dt.datetime) else short_date(value)
    if isinstance(value, float):
        return number(value)
    return value


def number(value: float | int | None, digits: int = 1) -> str:
    """42.5 -> "42.5" / "42,5"; 40.0 -> "40"; None -> ""."""
    if value is None:
        return ""
    return format_decimal(value, format=f"#,##0.{'#' * digits}" if digits else "#,##0",
                          locale=format_locale())


def html_dir() -> str:
    """``<html dir>``: "rtl" for a language written right to left, else "ltr"."""
    return "rtl" if format_locale().character_order == "right-to-left" else "ltr"


def js_catalog() -> Markup:
    """This language's script strings as JSON for a <script type="application/json">
    (static/js/i18n.js reads it); empty for English."""
    return Markup(scripts_catalog(current(), str(TRANSLATIONS)))


@functools.cache
def scripts_catalog(code: str, folder: str) -> str:
    """Language ``code``'s "js" catalog in ``folder`` as JSON, read from its .po file
    (the scripts' strings are few): translated entries only, fuzzy ones left out as
    pybabel compile leaves them out; a plural as its list."""
    path = Path(folder) / code / "LC_MESSAGES" / "js.po"
    if code == SOURCE or not path.exists():
        return "{}"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    messages: dict[str, str | list[str]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            if all(message.string):
                messages[message.id[0]] = list(message.string)
        elif message.string:
            messages[message.id] = message.string
    # "</" cannot end the element early: JSON allows "<\\/".
    return json.dumps(messages, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    # Templates' _(), ngettext() and pgettext() through the request's catalog, looked
    # up once (``active``), in place of Flask-Babel's per-message lookup.
    app.jinja_env.install_gettext_callables(
        lambda message: active().ugettext(message),
        lambda singular, plural, n: active().ungettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, message: active().upgettext(context, message),
        npgettext=lambda context, singular, plural, n: active().unpgettext(
            context, singular, plural, n))
    app.jinja_env.finalize = _finalize
    app.add_template_global(current, "current_locale")
    app.add_template_global(html_dir, "html_dir")
    app.add_template_global(js_catalog, "js_catalog")
    app.add_template_global(shipped, "shipped_languages")
    app.add_template_global(language_name, "language_name")
    app.add_template_filter(translate, "t")
    app.after_request(_vary)


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}`` a template prints: a domain ``Text`` in the page's
    language. Plain strings pass as they are."""
    return translate(value) if isinstance(value, Text) else value


def _vary(response):  # noqa: ANN001
    """A page a signed-out person gets depends on their Accept-Language, and so does
    an API error's ``localized`` part (tracker/errors.py)."""
    if response.mimetype == "text/html" or (response.status_code >= 400 and response.is_json):
        response.vary.add("Accept-Language")
    return response
