"""The registry of export/import sections: each feature contributes one entry per
top-level key of the JSON export, ``(key, field, export_fn, import_fn, csv_fn)``.

``field`` is the marshmallow field that validates the key's value on import (reusing
the feature's own API schemas), ``export_fn(user)`` gives the JSON-ready value,
``import_fn(run, value)`` writes it back (see ``importer.ImportRun``), ``csv_fn(user)``
optionally adds CSV files to the zip export. Import runs the sections in this order,
so what others refer to (custom stretches, tombstones) comes first.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marshmallow import fields

from tracker.auth.models import User
from tracker.programs import transfer as programs
from tracker.reminders import transfer as reminders
from tracker.sharing import export, importer, schemas


@dataclass(frozen=True)
class Section:
    key: str
    field: fields.Field
    export: Callable[[User], Any]
    import_: Callable[[importer.ImportRun, Any], None]
    csv: Callable[[User], dict[str, export.Table]] | None = None


def _listed(schema: type) -> fields.Field:
    return fields.List(fields.Nested(schema), load_default=list,
                       validate=schemas.section_length())


SECTIONS: tuple[Section, ...] = (
    Section("stretches", _listed(schemas.StretchImportSchema), export.custom_stretches,
            importer.stretches),
    Section("deleted", _listed(schemas.DeletedImportSchema), export.deleted, importer.deleted),
    Section("sessions", _listed(schemas.SessionImportSchema), export.sessions, importer.sessions,
            export.csv_tables),
    Section("checkins", _listed(schemas.CheckinImportSchema), export.checkins, importer.checkins),
    Section("programs", _listed(programs.ProgramImportSchema), programs.export,
            programs.import_, programs.csv_tables),
    Section("reminders", _listed(reminders.ReminderImportSchema), reminders.export,
            reminders.import_),
    Section("red_flags", fields.Nested(schemas.RedFlagsImportSchema, allow_none=True,
                                       load_default=None),
            export.red_flags, importer.red_flags),
)

KEYS = [s.key for s in SECTIONS]
