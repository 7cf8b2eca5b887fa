"""The PSFS tables: ``psfs_activity`` (an activity the person named; retired ones keep
their history), ``psfs_rating`` (one set of ratings, idempotent by the device's
client_id) and ``psfs_score`` (one activity's 0-10 in a set)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (CheckConstraint, Date, ForeignKey, Index, SmallInteger, String,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.data_version import PersonalData
from tracker.db_types import UTCDateTime, utcnow
from tracker.domain import psfs
from tracker.extensions import db


class PsfsActivity(PersonalData, db.Model):
    __tablename__ = "psfs_activity"
    __table_args__ = (
        Index("ix_psfs_activity_user_active", "user_id", "active"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(psfs.NAME_MAX))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PsfsRating(PersonalData, db.Model):
    __tablename__ = "psfs_rating"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        Index("ix_psfs_rating_user_rated", "user_id", "rated_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(36))
    rated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    local_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    scores: Mapped[list["PsfsScore"]] = relationship(
        back_populates="rating", cascade="all, delete-orphan", passive_deletes=True,
        order_by="PsfsScore.id", lazy="selectin")

    @property
    def mean(self) -> float | None:
        return psfs.mean(s.score for s in self.scores)


class PsfsScore(PersonalData, db.Model):
    __tablename__ = "psfs_score"
    __table_args__ = (
        UniqueConstraint("rating_id", "activity_id"),
        CheckConstraint("score BETWEEN 0 AND 10", name="score"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The owner again, so a score raises its person's data version like any row.
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    rating_id: Mapped[int] = mapped_column(ForeignKey("psfs_rating.id", ondelete="CASCADE"),
                                           index=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("psfs_activity.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(SmallInteger)

    rating: Mapped[PsfsRating] = relationship(back_populates="scores")
    activity: Mapped[PsfsActivity] = relationship(lazy="selectin")
