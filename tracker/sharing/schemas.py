"""Schemas of the sharing API: share links, the report and export queries, the import
summary, and the import file's envelope (each section's own schema comes from its
feature's transfer module, through tracker/sharing/sections.py)."""
from __future__ import annotations

from functools import cache

from marshmallow import EXCLUDE, Schema, fields, validate

from tracker.domain import report, shares
from tracker.domain.wording import Text
from tracker.schemas import StrictInteger
from tracker.sharing.sections import SECTIONS

FORMAT_VERSION = 1
LABEL_MAX = 80

Days = lambda **kw: StrictInteger(  # noqa: E731
    validate=validate.Range(report.REPORT_DAYS_MIN, report.REPORT_DAYS_MAX), **kw)


# ---------------------------------------------------------------- share links


class ShareCreateSchema(Schema):
    days = Days(load_default=report.REPORT_DAYS_DEFAULT,
                metadata={"description": "How many days, up to today, the report covers."})
    expires_in_days = StrictInteger(
        load_default=shares.EXPIRES_DEFAULT_DAYS,
        validate=validate.Range(shares.EXPIRES_MIN_DAYS, shares.EXPIRES_MAX_DAYS))
    label = fields.String(load_default="", validate=validate.Length(max=LABEL_MAX),
                         metadata={"description": "Who the link is for, e.g. a clinic."})


class ShareSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    days = fields.Integer()
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    revoked_at = fields.AwareDateTime(allow_none=True)
    status = fields.String(metadata={"description": "active | expired | revoked"})


class ShareCreatedSchema(ShareSchema):
    url = fields.String(metadata={"description": "The link; shown this once only."})


class ReportArgs(Schema):
    class Meta:
        unknown = EXCLUDE  # a page URL may carry other query parameters

    days = fields.Integer(load_default=report.REPORT_DAYS_DEFAULT, validate=validate.Range(
        report.REPORT_DAYS_MIN, report.REPORT_DAYS_MAX))


class ExportArgs(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "fhir")))


# ---------------------------------------------------------------- import file


class ExportUserSchema(Schema):
    """Who the file came from; shown back, never applied to the importing account."""

    email = fields.String(validate=validate.Length(max=254))
    timezone = fields.String(validate=validate.Length(max=64))


class ImportSummarySchema(Schema):
    created = fields.Dict(keys=fields.String(), values=fields.Integer(),
                          metadata={"description": "New rows per section."})
    already_there = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                metadata={"description": "Rows the account had (same client_id or slug)."})
    skipped = fields.List(fields.Dict(), metadata={"description": "[{section, id, reason}]"})


@cache
def import_schema() -> type[Schema]:
    """The import file's schema: the envelope plus one field per registered section."""
    return Schema.from_dict({
        "format_version": StrictInteger(required=True, validate=validate.Equal(
            FORMAT_VERSION, error=Text("This server reads format_version %(version)s.", version=FORMAT_VERSION))),
        "exported_at": fields.AwareDateTime(),
        "user": fields.Nested(ExportUserSchema),
        **{s.key: s.field for s in SECTIONS},
    }, name="ImportFile")
