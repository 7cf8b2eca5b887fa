"""Accounts: users and their personal API tokens."""
from __future__ import annotations

import datetime as dt
import secrets

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, utcnow
from tracker.domain.schedule import Quiet
from tracker.extensions import db


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    # AUTOINCREMENT: SQLite never hands a deleted person's id to someone new.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The random secret a cookie session names its user by (Flask-Login's user id).
    # Replaced on sign-out, sign-out-everywhere and password changes, which ends every
    # cookie session made with the old one.
    session_token: Mapped[str] = mapped_column(String(64), unique=True,
                                               default=new_session_token)
    # Red-flag screen: the items ticked at the last answer (empty = none), and when.
    red_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    red_flags_answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Raised by the database whenever any of this person's log data changes
    # (tracker.data_version): caches of figures derived from it key on this number.
    data_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Quiet hours, local "HH:MM" (both or neither): a reminder falling inside them is
    # held to their end (tracker/domain/schedule.py, ``Quiet``).
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    # The language pages, mails and pushes speak ("de"); None: the browser's
    # Accept-Language on pages, English in mail (tracker/i18n.py).
    locale: Mapped[str | None] = mapped_column(String(16))

    tokens: Mapped[list["ApiToken"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        return self.session_token

    @property
    def quiet(self) -> Quiet | None:
        if self.quiet_start and self.quiet_end:
            return Quiet.of(self.quiet_start, self.quiet_end)
        return None

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()


class ApiToken(db.Model):
    __tablename__ = "api_token"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # sha256 of the token: the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")
