"""The ``share`` table: a read-only link to a person's report. Only a hash of the
link's token is stored; the token itself is shown once, when the link is made."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db_types import UTCDateTime, utcnow
from tracker.domain import shares
from tracker.extensions import db


class Share(db.Model):
    __tablename__ = "share"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (issue 6)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    # sha256 (hex) of the token in the link; the token is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    days: Mapped[int] = mapped_column(SmallInteger)  # how many days the report covers
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def status(self, now: dt.datetime) -> str:
        return shares.status(self.expires_at, self.revoked_at, now)
