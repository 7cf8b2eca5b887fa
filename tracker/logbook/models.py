"""Log book tables: the stretch library, stretching sessions and their entries, and
pain check-ins outside a session."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, CheckConstraint, Date, ForeignKey, Index, Select, SmallInteger,
                        String, Text, UniqueConstraint, select, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.catalog import shown
from tracker.db_types import UTCDateTime, utcnow
from tracker.domain import safety
from tracker.extensions import db
from tracker.data_version import PersonalData


class Stretch(PersonalData, db.Model):
    __tablename__ = "stretch"
    __data_owner__ = "owner_id"  # None: a built-in
    __table_args__ = (
        UniqueConstraint("owner_id", "slug"),
        CheckConstraint("spine IN ('flexion', 'neutral', 'extension')", name="spine"),
        {"sqlite_autoincrement": True},  # ids of people's rows are never reused
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL owner = built-in, visible to everyone.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(60), index=True)
    name: Mapped[str] = mapped_column(String(80))
    spine: Mapped[str] = mapped_column(String(10))
    hold_seconds: Mapped[int] = mapped_column(SmallInteger)
    reps: Mapped[int] = mapped_column(SmallInteger)
    per_side: Mapped[bool] = mapped_column(default=False)
    needs_helper: Mapped[bool] = mapped_column(default=False)
    measures_angle: Mapped[bool] = mapped_column(default=False)
    instructions: Mapped[list[str]] = mapped_column(JSON, default=list)
    cautions: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when its owner removed a custom stretch that sessions still name: it leaves
    # the library and the log form, and history keeps showing it.
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def builtin(self) -> bool:
        return self.owner_id is None

    # What pages show (tracker.catalog.shown): a built-in's text in the person's
    # language, a person's own as typed. The API sends the row's own text.
    @property
    def shown_name(self) -> str:
        return shown(self.name, self.builtin)

    @property
    def shown_instructions(self) -> list[str]:
        return [shown(step, self.builtin) for step in self.instructions or []]

    @property
    def shown_cautions(self) -> list[str]:
        return [shown(caution, self.builtin) for caution in self.cautions or []]


class StretchSession(PersonalData, db.Model):
    """One stretching session (table ``stretch_session``: "session" is an SQL word)."""

    __tablename__ = "stretch_session"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        Index("ix_stretch_session_user_day", "user_id", "local_date"),
        CheckConstraint("pain_before BETWEEN 0 AND 10", name="pain_before"),
        CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(36))
    performed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    local_date: Mapped[dt.date] = mapped_column(Date)
    pain_before: Mapped[int | None] = mapped_column(SmallInteger)
    pain_after: Mapped[int | None] = mapped_column(SmallInteger)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    entries: Mapped[list["SessionEntry"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True,
        order_by="SessionEntry.position", lazy="selectin",
    )

    @property
    def flags(self) -> list[safety.Flag]:
        return safety.session_flags(self.pain_before, self.pain_after,
                                    [e.stretch.slug for e in self.entries if e.worse])


class SessionEntry(PersonalData, db.Model):
    __tablename__ = "session_entry"
    __table_args__ = (
        CheckConstraint("side IN ('left', 'right', 'both', 'none')", name="side"),
        CheckConstraint("angle_deg IS NULL OR (angle_deg >= 0 AND angle_deg <= 120)",
                        name="angle_deg"),
        CheckConstraint("angle_method IS NULL OR angle_method IN ('manual', 'phone')",
                        name="angle_method"),
        CheckConstraint("assisted IS NULL OR assisted IN ('helper', 'strap')", name="assisted"),
        # Only the entries marked "made it worse": what the caution query reads.
        Index("ix_session_entry_worse", "session_id", "stretch_id",
              sqlite_where=text("worse = 1"), postgresql_where=text("worse")),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("stretch_session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    stretch_id: Mapped[int] = mapped_column(ForeignKey("stretch.id", ondelete="CASCADE"),
                                            index=True)
    side: Mapped[str] = mapped_column(String(5))
    reps: Mapped[int] = mapped_column(SmallInteger)
    hold_seconds: Mapped[int] = mapped_column(SmallInteger)
    angle_deg: Mapped[float | None]
    angle_method: Mapped[str | None] = mapped_column(String(6))
    assisted: Mapped[str | None] = mapped_column(String(6))
    worse: Mapped[bool] = mapped_column(default=False)

    session: Mapped[StretchSession] = relationship(back_populates="entries")
    stretch: Mapped[Stretch] = relationship(lazy="selectin")

    def data_owner(self) -> int | None:
        return self.session.user_id if self.session is not None else None

    @classmethod
    def owners_where(cls, whereclause) -> Select:  # noqa: ANN001
        query = select(StretchSession.user_id).distinct().join(
            cls, cls.session_id == StretchSession.id)
        return query if whereclause is None else query.where(whereclause)

    @classmethod
    def owners_of_rows(cls, rows: list[dict]) -> Select:
        if not all("session_id" in row for row in rows):
            return cls.owners_where(None)
        return select(StretchSession.user_id).where(
            StretchSession.id.in_({row["session_id"] for row in rows}))


class Checkin(PersonalData, db.Model):
    __tablename__ = "checkin"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        Index("ix_checkin_user_day", "user_id", "local_date"),
        CheckConstraint("score BETWEEN 0 AND 10", name="score"),
        CheckConstraint("context IN ('waking', 'after_sitting', 'evening', 'other')",
                        name="context"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(36))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    local_date: Mapped[dt.date] = mapped_column(Date)
    score: Mapped[int] = mapped_column(SmallInteger)
    context: Mapped[str] = mapped_column(String(16), default="other")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeletedRecord(PersonalData, db.Model):
    """A tombstone for a deleted session or check-in: a device that replays its
    create later (an offline queue) is told it is gone instead of bringing it back."""

    __tablename__ = "deleted_record"
    __table_args__ = (UniqueConstraint("user_id", "kind", "client_id"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # the table: stretch_session | checkin
    client_id: Mapped[str] = mapped_column(String(36))
    deleted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
