"""HTML forms validated by the same marshmallow schemas as the JSON API.

Pages call ``load_form`` and re-render with the returned field errors; they never
duplicate a validation rule. ``readable`` turns those errors (keyed by the form's
field names) into sentences a person understands: the field's label and what is
allowed, never an internal key.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, validate
from marshmallow.fields import Field

from tracker.errors import DomainError, Invalid, NotFound, flatten_errors
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


# marshmallow's stock wording, as a person would say it after the field's label.
_PLAIN = {
    "Missing data for required field.": "this is required.",
    "Field may not be null.": "this is required.",
    "Not a valid integer.": "enter a whole number.",
    "Not a valid number.": "enter a number.",
    "Not a valid string.": "enter text.",
    "Not a valid boolean.": "tick it or leave it.",
    "Not a valid datetime.": "enter a date and time.",
    "Not a valid date.": "enter a date.",
    "Unknown field.": "this field is not part of the form.",
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


def range_rule(field: Field, unit: str = "") -> str | None:
    """"enter 1 to 50" from a field's Range validator (so no number is repeated)."""
    limits = field_limits(field)
    if "min" in limits and "max" in limits:
        return f"enter {limits['min']:g} to {limits['max']:g}{unit}."
    return None


def _sentence(messages: list[str]) -> str:
    said = [_PLAIN.get(m, m) for m in messages]
    text = " ".join(dict.fromkeys(said))
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
            out[key] = " ".join(messages)
            continue
        label = labels.get(key) or key.replace("_", " ").replace("-", " ").capitalize()
        label, rule = label if isinstance(label, tuple) else (label, None)
        out[key] = f"{label}: {rule or _sentence(messages)}"
    if order:
        place = {name: i for i, name in enumerate(order)}
        out = dict(sorted(out.items(), key=lambda kv: place.get(kv[0], len(place))))
    return out
