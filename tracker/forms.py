"""HTML forms validated by the same marshmallow schemas as the JSON API.

Pages call ``load_form`` and re-render with the returned field errors; they never
duplicate a validation rule.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from tracker.errors import flatten_errors

FORM_ONLY = ("csrf_token", "next")


def load_form(schema: Schema, data: dict[str, Any]) -> tuple[dict, dict[str, list[str]]]:
    data = {k: v for k, v in data.items() if k not in FORM_ONLY}
    try:
        return schema.load(data), {}
    except ValidationError as err:
        return {}, flatten_errors(err.messages)


def blank_to_none(data: dict[str, Any]) -> dict[str, Any]:
    """Browsers send empty strings for empty inputs; the schemas mean "absent"."""
    return {k: v for k, v in data.items() if v not in ("", None)}
