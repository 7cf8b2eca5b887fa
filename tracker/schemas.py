"""Field types shared by the API schemas: strict JSON types and the device's client_id."""
from __future__ import annotations

import uuid

from marshmallow import ValidationError, fields

from tracker.domain.wording import N_


class StrictInteger(fields.Integer):
    """An integer that refuses floats, numeric strings and booleans (JSON true is not 1)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):  # noqa: ANN001
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictFloat(fields.Float):
    """A JSON number (integer or decimal); refuses numeric strings and booleans."""

    def _deserialize(self, value, attr, data, **kwargs):  # noqa: ANN001
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """JSON true or false only: not "yes", "on" or 1."""

    def _deserialize(self, value, attr, data, **kwargs):  # noqa: ANN001
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class ClientId(fields.String):
    """A device-made UUID, stored in its canonical lower-case hyphenated form."""

    def _deserialize(self, value, attr, data, **kwargs):  # noqa: ANN001
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            parsed = uuid.UUID(text)
        except (ValueError, AttributeError, TypeError):
            raise ValidationError(N_("Must be a UUID made on the device.")) from None
        if len(text) not in (32, 36):
            raise ValidationError(N_("Must be a UUID made on the device."))
        return str(parsed)
