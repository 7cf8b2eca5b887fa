"""SMART Health Links use cases (HL7 "SMART Health Cards and Links" IG, STU1): make a
link, list and revoke links, answer the manifest, list who opened a link.

How the key stays off the server: when a link is made, the person's FHIR bundle (the
FHIR export, for the chosen days) is encrypted at once with a fresh 32-byte key as a
compact JWE (``alg: dir``, ``enc: A256GCM``, joserfc). The row keeps only that
ciphertext; the key goes into the ``shlink:/`` payload, which is answered once (API and
Settings) and never stored. So the shared data is the data as of that moment, and
anything that needs the key (the link, its viewer URL, its QR code) exists only in that
one answer: ``qr_svg_url`` is a ``data:image/svg+xml;base64,...`` URL of the QR code
(segno, error correction M), not a route the server could answer later.

The manifest URL's secret is a 256-bit random id of which only a sha256 is stored (as
API tokens are). A passcode is kept as a werkzeug hash (PASSWORD_HASH_METHOD, as the
app's passwords); 10 wrong passcodes disable the link for good. An unknown, expired,
revoked or disabled link is the same NotFound, which says nothing more.

Callers commit; ``now`` is always passed in."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.auth.models import User
from tracker.domain import report, shares
from tracker.domain.clock import local_date
from tracker.errors import DomainError, NotFound
from tracker.extensions import db
from tracker.sharing.service import export_fhir
from tracker.shl.models import RECIPIENT_MAX, ShlAccess, ShlLink

KEY_BYTES = 32        # AES-256-GCM
MANIFEST_BYTES = 32   # 256 bits of randomness in the manifest URL
MANIFEST_ID_MAX = 64
MAX_ATTEMPTS = 10     # wrong passcodes before the link is disabled
PASSCODE_MAX = 64
FHIR_JSON = "application/fhir+json"
HEADER = {"alg": "dir", "enc": "A256GCM", "cty": FHIR_JSON}
MANIFEST_PREFIX = "/api/shl/manifest/"
VIEWER_PATH = "/shl"
LINK_GONE = "This link has expired, was withdrawn, or never existed."


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _hash(manifest_id: str) -> str:
    return hashlib.sha256(manifest_id.encode()).hexdigest()


def encrypt(payload: bytes, key: bytes) -> str:
    """``payload`` as a compact JWE under ``key`` (direct AES-256-GCM)."""
    # Imported here: joserfc loads cryptography, which a web process otherwise never
    # needs (tests/unit/test_scheduler.py keeps the app's start-up free of it).
    from joserfc import jwe
    from joserfc.jwk import OctKey

    return jwe.encrypt_compact(dict(HEADER), payload, OctKey.import_key(key))


def qr_data_url(text: str) -> str:
    """A QR code of ``text`` as an SVG ``data:`` URL (error correction M exactly)."""
    import segno  # only when a link is made

    buffer = io.BytesIO()
    segno.make(text, error="m", boost_error=False, micro=False).save(
        buffer, kind="svg", scale=8, border=4, xmldecl=False, svgns=True,
        title="QR code of the SMART Health Link", dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass
class NewLink:
    """A link just made: the row, and what exists only in this answer."""

    link: ShlLink
    shlink: str
    viewer_url: str
    qr_svg_url: str


def create_link(user: User, data: dict, now: dt.datetime, base_url: str) -> NewLink:
    """Encrypt the person's bundle now and keep only the ciphertext. ``base_url`` is
    this app's public address (no trailing slash)."""
    manifest_id = secrets.token_urlsafe(MANIFEST_BYTES)
    key = secrets.token_bytes(KEY_BYTES)
    first, _last = report.period(local_date(now, user.timezone), data["days"])
    bundle = export_fhir(user, now, since=first)
    passcode = data.get("passcode")
    label = data.get("label", "").strip()
    link = ShlLink(
        user_id=user.id, manifest_hash=_hash(manifest_id), label=label, days=data["days"],
        created_at=now, expires_at=shares.expires_at(now, data["expires_in_days"]),
        passcode_hash=generate_password_hash(
            passcode, method=current_app.config["PASSWORD_HASH_METHOD"]) if passcode else None,
        failed_attempts=0,
        jwe=encrypt(json.dumps(bundle, ensure_ascii=False).encode(), key))
    db.session.add(link)
    db.session.flush()

    payload = {"url": f"{base_url}{MANIFEST_PREFIX}{manifest_id}", "key": b64url(key),
               "exp": int(link.expires_at.timestamp())}
    if passcode:
        payload["flag"] = "P"
    if label:
        payload["label"] = label
    payload["v"] = 1
    shlink = "shlink:/" + b64url(json.dumps(payload, separators=(",", ":")).encode())
    viewer_url = f"{base_url}{VIEWER_PATH}#{shlink}"
    return NewLink(link, shlink, viewer_url, qr_data_url(viewer_url))


def list_links(user: User) -> list[ShlLink]:
    return list(db.session.scalars(select(ShlLink).where(ShlLink.user_id == user.id)
                                   .order_by(ShlLink.created_at.desc(), ShlLink.id.desc())))


def access_counts(user: User) -> dict[int, int]:
    return dict(db.session.execute(
        select(ShlAccess.link_id, func.count()).where(ShlAccess.user_id == user.id)
        .group_by(ShlAccess.link_id)).all())


def get_link(user: User, link_id: int) -> ShlLink:
    link = db.session.scalar(select(ShlLink).where(ShlLink.id == link_id,
                                                   ShlLink.user_id == user.id))
    if link is None:
        raise NotFound("No such SMART Health Link.")
    return link


def revoke_link(user: User, link_id: int, now: dt.datetime) -> ShlLink:
    link = get_link(user, link_id)
    if link.revoked_at is None:
        link.revoked_at = now
    db.session.flush()
    return link


def accesses(user: User, link_id: int) -> list[ShlAccess]:
    link = get_link(user, link_id)
    return list(db.session.scalars(select(ShlAccess).where(ShlAccess.link_id == link.id)
                                   .order_by(ShlAccess.accessed_at.desc(), ShlAccess.id.desc())))


# ---------------------------------------------------------------- the manifest


@dataclass
class ManifestAnswer:
    """Either the manifest (``files``) or a wrong passcode (``remaining_attempts``)."""

    files: list[dict] | None = None
    remaining_attempts: int | None = None


def _live_link(manifest_id: str, now: dt.datetime) -> ShlLink:
    link = None
    if 0 < len(manifest_id) <= MANIFEST_ID_MAX:
        link = db.session.scalar(select(ShlLink).where(ShlLink.manifest_hash == _hash(manifest_id)))
    if link is None or link.status(now) != "active":
        raise NotFound(LINK_GONE)
    return link


def _manifest_request(body: object) -> tuple[str, str | None]:
    """(recipient, passcode) from the request body, or a 400 naming the field."""
    if not isinstance(body, dict):
        raise DomainError("Send a JSON object with a recipient.",
                          {"json": ["A JSON object is required."]})
    recipient, passcode = body.get("recipient"), body.get("passcode")
    if not isinstance(recipient, str) or not recipient.strip():
        raise DomainError("Say who is opening this link (recipient).",
                          {"recipient": ["Missing data for required field."]})
    if len(recipient) > RECIPIENT_MAX:
        raise DomainError("recipient is too long.",
                          {"recipient": [f"At most {RECIPIENT_MAX} characters."]})
    if passcode is not None and not isinstance(passcode, str):
        raise DomainError("passcode must be a string.", {"passcode": ["Not a valid string."]})
    return recipient.strip(), passcode


def open_manifest(manifest_id: str, body: object, now: dt.datetime) -> ManifestAnswer:
    """Answer a manifest request: the encrypted bundle, recorded as an access; or a
    wrong passcode, counted (the 10th disables the link)."""
    link = _live_link(manifest_id, now)
    recipient, passcode = _manifest_request(body)
    if link.passcode_hash is not None:
        if passcode is None or len(passcode) > PASSCODE_MAX \
                or not check_password_hash(link.passcode_hash, passcode):
            return ManifestAnswer(remaining_attempts=_count_failure(link, now))
    db.session.add(ShlAccess(link_id=link.id, user_id=link.user_id, recipient=recipient,
                             accessed_at=now))
    db.session.flush()
    return ManifestAnswer(files=[{"contentType": FHIR_JSON, "embedded": link.jwe}])


def _count_failure(link: ShlLink, now: dt.datetime) -> int:
    """One more wrong passcode, counted by the database (two workers never count one
    try twice or lose one); the attempts left."""
    table = ShlLink.__table__
    failed = db.session.execute(
        update(table).where(table.c.id == link.id)
        .values(failed_attempts=table.c.failed_attempts + 1)
        .returning(table.c.failed_attempts)).scalar_one()
    remaining = max(MAX_ATTEMPTS - failed, 0)
    if remaining == 0:
        db.session.execute(update(table).where(table.c.id == link.id, table.c.disabled_at.is_(None))
                           .values(disabled_at=now))
    db.session.expire(link)
    return remaining
