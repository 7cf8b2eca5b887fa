"""The CSV form of an export: the ``Table`` each section's CSV function gives (see
tracker/sharing/sections.py), and the zip of one UTF-8 CSV file per table."""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable

Table = tuple[tuple[str, ...], Iterable[Iterable]]  # header, rows

# A cell starting with one of these is a formula to a spreadsheet: prefix it with "'".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str | int | float:  # noqa: ANN001
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_zip(tables: dict[str, Table]) -> bytes:
    """A zip of one UTF-8 CSV per table (with a byte-order mark, so spreadsheet apps
    read the encoding right) and a header row."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in tables.items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows([_cell(v) for v in row] for row in rows)
            archive.writestr(name, "\ufeff" + text.getvalue())
    return out.getvalue()
