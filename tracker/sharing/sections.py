"""The registry of export/import sections: one entry per top-level key of the JSON
export, ``Section(key, field, export, import_, csv)``, each from its feature's
transfer module.

``field`` is the marshmallow field that checks the key's value on import (built from
the feature's import schema), ``export(user)`` gives the JSON-ready value,
``import_(run, value)`` writes it back (``run`` is an ``importer.ImportRun``), and
``csv(user)``, where there is one, gives the section's files of the CSV zip. Import
runs the sections in this order, so what others refer to (custom stretches,
tombstones) comes first."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, validate

from tracker.auth.models import User
# Five modules named ``transfer``: each is named after its feature here.
from tracker.flareups import transfer as flare_ups
from tracker.logbook import transfer as logbook
from tracker.programs import transfer as programs
from tracker.psfs import transfer as psfs
from tracker.reminders import transfer as reminders
from tracker.sharing.csv_zip import Table
from tracker.sharing.importer import ImportRun

# Rows per section of an import file; the body-size limit bites long before this.
SECTION_MAX = 100_000


@dataclass(frozen=True)
class Section:
    key: str
    field: fields.Field
    export: Callable[[User], Any]
    import_: Callable[[ImportRun, Any], None]
    csv: Callable[[User], dict[str, Table]] | None = None


def _listed(schema: type[Schema]) -> fields.Field:
    return fields.List(fields.Nested(schema), load_default=list,
                       validate=validate.Length(max=SECTION_MAX))


SECTIONS: tuple[Section, ...] = (
    Section("stretches", _listed(logbook.StretchImportSchema), logbook.export_stretches,
            logbook.import_stretches),
    Section("deleted", _listed(logbook.DeletedImportSchema), logbook.export_deleted,
            logbook.import_deleted),
    Section("sessions", _listed(logbook.SessionImportSchema), logbook.export_sessions,
            logbook.import_sessions, logbook.csv_tables),
    Section("checkins", _listed(logbook.CheckinImportSchema), logbook.export_checkins,
            logbook.import_checkins),
    Section("programs", _listed(programs.ProgramImportSchema), programs.export,
            programs.import_, programs.csv_tables),
    Section("flare_ups", _listed(flare_ups.FlareUpImportSchema), flare_ups.export,
            flare_ups.import_, flare_ups.csv_tables),
    Section("psfs", fields.Nested(psfs.PsfsImportSchema, allow_none=True, load_default=None),
            psfs.export, psfs.import_, psfs.csv_tables),
    Section("reminders", _listed(reminders.ReminderImportSchema), reminders.export,
            reminders.import_),
    Section("red_flags", fields.Nested(logbook.RedFlagsImportSchema, allow_none=True,
                                       load_default=None),
            logbook.export_red_flags, logbook.import_red_flags),
)

KEYS = [s.key for s in SECTIONS]
