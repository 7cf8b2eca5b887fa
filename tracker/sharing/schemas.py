"""Schemas of the sharing API: share links, export query, and the import file (whose
sessions, check-ins and stretches are checked by the log book's own schemas)."""
from __future__ import annotations

from functools import cache

from marshmallow import EXCLUDE, Schema, fields, validate

from tracker.domain import report, shares
from tracker.domain.safety import RED_FLAG_KEYS
from tracker.logbook.schemas import (SLUG_RE, CheckinCreateSchema, SessionCreateSchema,
                                     StretchCreateSchema)
from tracker.schemas import ClientId, StrictInteger

FORMAT_VERSION = 1
LABEL_MAX = 80
# Rows per section of an import file; the body-size limit bites long before this.
SECTION_MAX = 100_000

Days = lambda **kw: StrictInteger(  # noqa: E731
    validate=validate.Range(report.REPORT_DAYS_MIN, report.REPORT_DAYS_MAX), **kw)


def section_length() -> validate.Validator:
    return validate.Length(max=SECTION_MAX)


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


class StretchImportSchema(StretchCreateSchema):
    slug = fields.String(required=True, validate=[validate.Length(min=1, max=60), validate.Regexp(
        SLUG_RE, error="Use lower-case letters, digits and single hyphens.")])


class SessionImportSchema(SessionCreateSchema):
    local_date = fields.Date()


class CheckinImportSchema(CheckinCreateSchema):
    local_date = fields.Date()


class DeletedImportSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("stretch_session", "checkin")))
    client_id = ClientId(required=True)
    deleted_at = fields.AwareDateTime(required=True)


class RedFlagsImportSchema(Schema):
    items = fields.List(fields.String(validate=validate.OneOf(sorted(RED_FLAG_KEYS))),
                        required=True, validate=validate.Length(max=len(RED_FLAG_KEYS)))
    answered_at = fields.AwareDateTime(allow_none=True)


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
    from tracker.sharing.sections import SECTIONS

    return Schema.from_dict({
        "format_version": StrictInteger(required=True, validate=validate.Equal(
            FORMAT_VERSION, error=f"This server reads format_version {FORMAT_VERSION}.")),
        "exported_at": fields.AwareDateTime(),
        "user": fields.Nested(ExportUserSchema),
        **{s.key: s.field for s in SECTIONS},
    }, name="ImportFile")
