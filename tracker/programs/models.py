"""The ``program`` table: one straight-leg-raise programme of a person."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.data_version import PersonalData


class Program(PersonalData, db.Model):
    __tablename__ = "program"
    __table_args__ = (
        CheckConstraint("affected_leg IN ('left', 'right')", name="affected_leg"),
        CheckConstraint("length_days BETWEEN 7 AND 10", name="length_days"),
        CheckConstraint("status IN ('active', 'ended')", name="status"),
        # One active programme per person, enforced by the database too (a partial
        # unique index), so two concurrent starts cannot both stay active.
        Index("uq_program_one_active", "user_id", unique=True,
              sqlite_where=text("status = 'active'"),
              postgresql_where=text("status = 'active'")),
        Index("ix_program_user_start", "user_id", "start_date"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    affected_leg: Mapped[str] = mapped_column(String(5))
    start_date: Mapped[dt.date] = mapped_column(Date)
    length_days: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(6), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def active(self) -> bool:
        return self.status == "active"
