"""Reminder tables: a person's push subscriptions (one per browser/device), their
reminders, and one delivery row per occurrence (the exactly-once ledger)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String, UniqueConstraint, exists
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from tracker.auth.models import User
from tracker.db_types import UTCDateTime, utcnow
from tracker.domain.schedule import Rule
from tracker.extensions import db


class PushSubscription(db.Model):
    __tablename__ = "push_subscription"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # One row per endpoint: whoever subscribes it last owns it.
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(default=0)


class Reminder(db.Model):
    __tablename__ = "reminder"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    time: Mapped[str] = mapped_column(String(5))  # local "HH:MM"
    weekdays: Mapped[list[int]] = mapped_column(JSON, default=list)  # Monday 0
    timezone: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(default=True)
    skip_if_logged: Mapped[bool] = mapped_column(default=True)
    message: Mapped[str] = mapped_column(String(200), default="")
    # How it reaches the person: "push", "email", or both (tracker/reminders/channels.py).
    channels: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["push"],
                                                server_default='["push"]')
    # The next scheduled occurrence (UTC); NULL when disabled or no weekdays.
    next_fire_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    snoozed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Whether the person has any push device: loaded only where asked for (the
    # dispatcher's batches never need it; the lists load it with ``undefer``).
    has_device: Mapped[bool] = column_property(
        exists().where(PushSubscription.user_id == user_id), deferred=True)

    user: Mapped[User] = relationship()

    @property
    def rule(self) -> Rule:
        """When it fires, the person's quiet hours included (``user`` is usually in
        the session already; the dispatcher loads its batch's people at once)."""
        return Rule.of(self.time, self.weekdays, self.timezone, self.user.quiet)



class ReminderDelivery(db.Model):
    """One occurrence of a reminder: claimed (its UNIQUE key inserted) before any push
    is sent, so a second dispatcher, a retry or a restart never claims it again. A claim
    whose sender died stays ``pending``; once its lease has run out (``claimed_at`` +
    REMINDER_LEASE_SECONDS on a dispatcher's clock) the next dispatcher claims it again
    and sends it with the same Topic and tag, counting the claim in ``claims``."""

    __tablename__ = "reminder_delivery"
    __table_args__ = (
        UniqueConstraint("reminder_id", "occurrence_key"),
        Index("ix_reminder_delivery_user_created", "user_id", "created_at"),
        Index("ix_reminder_delivery_status_claimed", "status", "claimed_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminder.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    occurrence_key: Mapped[str] = mapped_column(String(32))
    fire_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # pending (claimed, being sent) | sent | skipped | failed | no_subscription
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # why skipped/failed: logged | disabled | stale | gone | rejected | timeout | ...
    reason: Mapped[str] = mapped_column(String(32), default="")
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    # One entry per device: {"subscription_id", "host", "outcome", "status", "attempts"}.
    outcomes: Mapped[list[dict]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When the latest claim was made, on the claiming dispatcher's clock (its ``now``).
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # How many times the occurrence was claimed: 2 after a re-send past the lease.
    claims: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")

    reminder: Mapped[Reminder] = relationship()


class SchedulerHeartbeat(db.Model):
    """When each scheduler job last ran, for /healthz (a scheduler may be another
    process, or another machine)."""

    __tablename__ = "scheduler_heartbeat"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_tick_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
