"""Field types shared by the API schemas, and ``DumpSchema``, the base of the
response schemas."""
from __future__ import annotations

import uuid

from marshmallow import Schema, ValidationError, fields
from marshmallow.utils import missing


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
            raise ValidationError("Must be a UUID made on the device.") from None
        if len(text) not in (32, 36):
            raise ValidationError("Must be a UUID made on the device.")
        return str(parsed)


_NOT_FOUND = (KeyError, IndexError, TypeError, AttributeError)


def _plain_field(field: fields.Field) -> bool:
    """A field that reads one attribute the standard way (no override of how)."""
    kind = type(field)
    return kind.serialize is fields.Field.serialize and kind.get_value is fields.Field.get_value


class DumpSchema(Schema):
    """A response schema that dumps what ``Schema.dump`` would, only faster: the
    field list is read once per schema (each key, attribute and field), and each
    value is read and formatted by the field itself without marshmallow's
    per-field accessor layers, which cost more than the formatting on a list of
    sessions. Hooks still run (``dump`` is unchanged); dotted attributes and fields
    with their own accessors take marshmallow's path.
    tests/integration/test_response_dumps.py compares both dumps on every JSON route."""

    def _serialize(self, obj, *, many: bool = False):  # noqa: ANN001, ANN202
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        plan = self.__dict__.get("_dump_plan")
        if plan is None:
            plan = self._dump_plan = [
                (field.data_key if field.data_key is not None else name, name,
                 field.attribute or name, field,
                 field._CHECK_ATTRIBUTE and _plain_field(field)
                 and "." not in (field.attribute or name))
                for name, field in self.dump_fields.items()]
        out = {}
        indexable = hasattr(obj, "__getitem__")
        for key, name, attr, field, fast in plan:
            if not fast:
                value = field.serialize(name, obj, accessor=self.get_attribute)
                if value is not missing:
                    out[key] = value
                continue
            if indexable:
                try:
                    value = obj[attr]
                except _NOT_FOUND:
                    value = getattr(obj, attr, missing)
            else:
                value = getattr(obj, attr, missing)
            if value is missing:
                default = field.dump_default
                value = default() if callable(default) else default
                if value is missing:
                    continue
            out[key] = field._serialize(value, name, obj)
        return out
