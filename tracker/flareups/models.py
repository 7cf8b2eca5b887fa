"""The ``flare_up`` table: one pause of a person's programme, streak and reminders."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.data_version import PersonalData
from tracker.db_types import UTCDateTime, utcnow
from tracker.domain import flareups
from tracker.extensions import db


class FlareUp(PersonalData, db.Model):
    __tablename__ = "flare_up"
    __table_args__ = (
        # Flare-ups never overlap (the service refuses it), so one start date names one
        # flare-up: an import matches on it.
        UniqueConstraint("user_id", "start_date"),
        CheckConstraint("end_date >= start_date", name="dates"),
        Index("ix_flare_up_user_end", "user_id", "end_date"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)  # inclusive; moved earlier by "I'm better"
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # ended early

    @property
    def span(self) -> flareups.Span:
        return flareups.Span(self.start_date, self.end_date)

    @property
    def days(self) -> int:
        return self.span.days
