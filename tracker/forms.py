"""HTML forms validated by the same marshmallow schemas as the JSON API.

Pages call ``load_form`` and re-render with the returned field errors; they never
duplicate a validation rule. ``readable`` turns those errors (keyed by the form's
field names) into sentences a person understands: the field's label and what is
allowed, never an internal key, in the page's language (the messages themselves are
English, shared with the JSON API; marked ones are translated here).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, validate
from marshmallow.fields import Field

from flask_babel import gettext

from tracker import i18n
from tracker.domain.wording import N_, Text
from tracker.errors import DomainError, Invalid, NotFound, flatten_errors, page_text
from tracker.extensions import db

FORM_ONLY = ("csrf_token", "next")


def load_form(schema: Schema, data: dict[str, Any]) -> tuple[dict, dict[str, list[str]]]:
    data = {k: v for k, v in data.items() if k not in FORM_ONLY}
    try:
        return schema.load(data), {}
    except ValidationError as err:
        return {}, flatten_errors(err.messages)


def validated(schema: Schema, data: dict[str, Any]) -> dict:
    """``load_form`` for a page that shows every refusal one way: the field errors
    are raised as ``Invalid``, like the services' own."""
    loaded, errors = load_form(schema, data)
    if errors:
        raise Invalid(fields=errors)
    return loaded


def submit(schema: Schema, payload: dict[str, Any],
           use_case: Callable[[dict], object]) -> dict[str, list[str]]:
    """A page's write: validate ``payload``, run ``use_case(data)`` and commit; the
    field errors (the schema's or the use case's) when refused, with nothing written.
    Something that is not the person's (NotFound) is no form error: it propagates, and
    the page answers 404 as for any other object of someone else's."""
    data, errors = load_form(schema, payload)
    if not errors:
        try:
            use_case(data)
        except NotFound:
            db.session.rollback()
            raise
        except DomainError as err:
            db.session.rollback()
            return err.fields or {"_schema": [err.message]}
        db.session.commit()
    return errors


def blank_to_none(data: dict[str, Any]) -> dict[str, Any]:
    """Browsers send empty strings for empty inputs; the schemas mean "absent"."""
    return {k: v for k, v in data.items() if v not in ("", None)}


# marshmallow's stock wording, as a person would say it after the field's label. Both
# sides are marked for the catalog: the stock message may reach a page as it is (an
# error page's field list), the plain one is what ``readable`` says.
_PLAIN = {
    N_("Missing data for required field."): N_("this is required."),
    N_("Field may not be null."): N_("this is required."),
    N_("Not a valid integer."): N_("enter a whole number."),
    N_("Not a valid number."): N_("enter a number."),
    N_("Not a valid string."): N_("enter text."),
    N_("Not a valid boolean."): N_("tick it or leave it."),
    N_("Not a valid datetime."): N_("enter a date and time."),
    N_("Not a valid date."): N_("enter a date."),
    N_("Unknown field."): N_("this field is not part of the form."),
    # other stock messages that can reach a page
    N_("Invalid input type."): N_("this is not valid."),
    N_("Not a valid email address."): N_("enter an email address."),
    N_("Not a valid list."): N_("this is not valid."),
    N_("Invalid value."): N_("this is not valid."),
}


def field_limits(field: Field) -> dict[str, int | float]:
    """A field's limits as HTML attributes, from its validators: ``{"min": 1, "max": 50}``
    from a Range, ``{"maxlength": 2000}`` from a Length. Pages render them into their
    inputs (``|xmlattr``) and the scripts read them there, so no limit is written twice."""
    limits: dict[str, int | float] = {}
    for v in field.validators:
        if isinstance(v, validate.Range):
            limits.update({k: n for k, n in (("min", v.min), ("max", v.max)) if n is not None})
        elif isinstance(v, validate.Length) and v.max is not None:
            limits["maxlength"] = v.max
    return limits


# range_rule's sentence per unit: a unit is a word in some languages ("seconds").
_RANGE = {
    "": N_("enter %(min)s to %(max)s."),
    "°": N_("enter %(min)s to %(max)s°."),
    " seconds": N_("enter %(min)s to %(max)s seconds."),
    " minutes": N_("enter %(min)s to %(max)s minutes."),
}


def range_rule(field: Field, unit: str = "") -> str | None:
    """"enter 1 to 50" from a field's Range validator (so no number is repeated): a
    ``Text``, English as it always was, said in the page's language by ``readable``."""
    limits = field_limits(field)
    if "min" in limits and "max" in limits:
        low, high = limits["min"], limits["max"]
        if unit in _RANGE:
            return Text(_RANGE[unit], min=low, max=high)
        return Text("enter %(min)s to %(max)s%(unit)s.", min=low, max=high, unit=unit)
    return None


# Validators' messages with numbers in them (marshmallow fills them in before a page
# sees them): each pattern gives the message back with placeholders, for the catalog.
_NUMBER = r"(-?\d+(?:\.\d+)?)"
_FILLED = [(re.compile(re.escape(pattern).replace(re.escape("%(min)s"), _NUMBER)
                       .replace(re.escape("%(max)s"), _NUMBER) + "$"), pattern)
           for pattern in (
               N_("Longer than maximum length %(max)s."),
               N_("Shorter than minimum length %(min)s."),
               N_("Length must be between %(min)s and %(max)s."),
               N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
               N_("Must be greater than or equal to %(min)s."),
               N_("Must be less than or equal to %(max)s."),
               N_("Use %(min)s to %(max)s characters."),
           )]


def _filled(message: str) -> Text | None:
    """``message`` as a ``Text`` when it is one of _FILLED's with its numbers in."""
    for pattern, msgid in _FILLED:
        found = pattern.match(message)
        if found:
            names = sorted((n for n in ("min", "max") if f"%({n})s" in msgid),
                           key=lambda n: msgid.index(f"%({n})s"))
            values = [float(v) if "." in v else int(v) for v in found.groups()]
            return Text(msgid, **dict(zip(names, values)))
    return None


def say(message: Any) -> Any:
    """A message or label in the page's language: a ``Text`` translated with its
    parameters, a marked English constant by its catalog entry (an exact msgid
    lookup; anything not in the catalog stays as it is), a validator's message
    with numbers by its pattern."""
    if message is not None and not isinstance(message, str):
        message = str(message)  # a lazy string
    if isinstance(message, str) and not isinstance(message, Text) and i18n.current() != i18n.SOURCE:
        said = page_text(message)
        if said == message:
            filled = _filled(message)
            return page_text(filled) if filled is not None else said
        return said
    return page_text(message)


def page_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Field errors as they are (a list of messages per field) with each message in
    the page's language: for pages that show the messages themselves."""
    return {name: [str(say(m)) for m in messages] if isinstance(messages, list)
            else str(say(messages)) for name, messages in errors.items()}


def _sentence(messages: list[str]) -> str:
    said = [say(_PLAIN.get(m, m)) if not isinstance(m, Text) else say(m) for m in messages]
    text = " ".join(dict.fromkeys(str(m) for m in said))
    if i18n.current() != i18n.SOURCE:
        return text  # German nouns keep their capital; after a colon a sentence may start
    return text[:1].lower() + text[1:] if text[1:2].islower() or text[1:2] == " " else text


def readable(errors: dict[str, list[str]], labels: dict[str, str | tuple[str, str | None]],
             order: list[str] | None = None) -> dict[str, str]:
    """{form field name: "Label: what is allowed."}, in ``order`` (the form's order).

    ``labels`` maps a name to its label, or to (label, rule) where the rule says what
    the field accepts and replaces any message about its value; a name without a
    label is shown as words. ``_schema`` (the whole form) keeps its own message."""
    out: dict[str, str] = {}
    for key, messages in errors.items():
        if key == "_schema":
            out[key] = " ".join(str(say(m)) for m in messages)
            continue
        label = labels.get(key) or key.replace("_", " ").replace("-", " ").capitalize()
        label, rule = label if isinstance(label, tuple) else (label, None)
        out[key] = gettext("%(label)s: %(problem)s", label=say(label),
                           problem=say(rule) if rule else _sentence(messages))
    if order:
        place = {name: i for i, name in enumerate(order)}
        out = dict(sorted(out.items(), key=lambda kv: place.get(kv[0], len(place))))
    return out
