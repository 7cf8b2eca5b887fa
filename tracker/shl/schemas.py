"""Schemas of the SMART Health Links API (/api/v1/shl)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.domain import report, shares
from tracker.schemas import StrictInteger
from tracker.sharing.schemas import LABEL_MAX, Days, ShareSchema

PASSCODE_MIN = 6
PASSCODE_MAX = 64


class ShlCreateSchema(Schema):
    days = Days(load_default=report.REPORT_DAYS_DEFAULT,
                metadata={"description": "How many days, up to today, the shared bundle covers."})
    expires_in_days = StrictInteger(
        load_default=shares.EXPIRES_DEFAULT_DAYS,
        validate=validate.Range(shares.EXPIRES_MIN_DAYS, shares.EXPIRES_MAX_DAYS))
    passcode = fields.String(
        validate=validate.Length(PASSCODE_MIN, PASSCODE_MAX),
        metadata={"description": "Optional, recommended: the recipient must type it. "
                                 "Stored only as a slow hash; 10 wrong tries disable the link."})
    label = fields.String(load_default="", validate=validate.Length(max=LABEL_MAX),
                          metadata={"description": "Shown to the recipient, inside the link."})


class ShlSchema(ShareSchema):
    """A share link's fields, and what a SMART Health Link adds."""
    status = fields.String(metadata={"description": "active | expired | revoked | disabled"})
    disabled_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "When 10 wrong passcodes disabled the link."})
    passcode = fields.Boolean(metadata={"description": "Whether the link needs a passcode."})
    accesses = fields.Integer(metadata={"description": "How many times it was opened."})


class ShlCreatedSchema(ShlSchema):
    shlink = fields.String(metadata={"description": "shlink:/ + base64url of {url, key, exp, "
                                     "flag, label, v}; shown this once only (the server "
                                     "does not keep the key)."})
    viewer_url = fields.String(metadata={"description": "{public url}/shl#shlink:/..."})
    qr_svg_url = fields.String(metadata={"description": "The QR code of viewer_url, as a "
                                         "data:image/svg+xml;base64 URL (made only now)."})


class ShlAccessSchema(Schema):
    recipient = fields.String()
    accessed_at = fields.AwareDateTime()
