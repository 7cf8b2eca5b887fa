"""The ``shl_link`` and ``shl_access`` tables of SMART Health Links.

A link row keeps the ciphertext of the shared bundle (a compact JWE), never its key,
and a sha256 of the manifest id (the secret part of the manifest URL), never the id
itself; the passcode only as a slow hash. ``shl_access`` records each answered
manifest request: who said they were opening it, and when."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db_types import UTCDateTime, utcnow
from tracker.domain import shares
from tracker.extensions import db

RECIPIENT_MAX = 200


class ShlLink(db.Model):
    __tablename__ = "shl_link"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # sha256 (hex) of the manifest id in the link's URL; the id itself is never stored.
    manifest_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    days: Mapped[int] = mapped_column(SmallInteger)  # how many days the bundle covers
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    passcode_hash: Mapped[str | None] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # too many wrong passcodes
    jwe: Mapped[str] = mapped_column(Text)  # the bundle, encrypted when the link was made

    def status(self, now: dt.datetime) -> str:
        """"revoked", "disabled", "expired" or "active"."""
        if self.revoked_at is None and self.disabled_at is not None:
            return "disabled"
        return shares.status(self.expires_at, self.revoked_at, now)


class ShlAccess(db.Model):
    __tablename__ = "shl_access"
    __table_args__ = (Index("ix_shl_access_link_at", "link_id", "accessed_at"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("shl_link.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(RECIPIENT_MAX))
    accessed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
