"""Sharing use cases: share links (make, list, revoke, open by token), the export in
its three formats, the import, and ``report_data``, the one source of the report page.

Callers commit. Share links and reports are scoped to their user; a link opens only
while it is neither expired nor revoked, and an unknown, expired or revoked token are
the same NotFound, so a link says nothing about whether it ever existed."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker.auth.models import User
from tracker.domain import adherence, report, safety, shares
from tracker.domain.clock import local_date
from tracker.domain.wording import N_
from tracker.errors import Conflict, NotFound
from tracker.extensions import db
from tracker.flareups.service import paused_for
from tracker.logbook.daily import current_streak
from tracker.logbook.models import Checkin, StretchSession
from tracker.logbook.transfer import user_checkins, user_sessions
from tracker.logbook.warning_signs import red_flags
from tracker.progress.service import Progress, progress
from tracker.psfs import service as psfs_service
from tracker.sharing import fhir
from tracker.sharing.csv_zip import Table, csv_zip
from tracker.sharing.importer import ImportRun
from tracker.sharing.models import Share
from tracker.sharing.schemas import FORMAT_VERSION
from tracker.sharing.sections import KEYS, SECTIONS

TOKEN_BYTES = 24  # 192 bits from secrets
TOKEN_MAX_LENGTH = 64
LINK_GONE = N_("This link has expired, was withdrawn, or never existed.")

# ---------------------------------------------------------------- share links


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share(user: User, data: dict, now: dt.datetime) -> tuple[Share, str]:
    """(share, token): the token goes into the link once and is never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    share = Share(user_id=user.id, label=data.get("label", "").strip(), token_hash=_hash(token),
                  days=data["days"], created_at=now,
                  expires_at=shares.expires_at(now, data["expires_in_days"]))
    db.session.add(share)
    db.session.flush()
    return share, token


def list_shares(user: User) -> list[Share]:
    return list(db.session.scalars(select(Share).where(Share.user_id == user.id)
                                   .order_by(Share.created_at.desc(), Share.id.desc())))


def get_share(user: User, share_id: int) -> Share:
    share = db.session.scalar(select(Share).where(Share.id == share_id, Share.user_id == user.id))
    if share is None:
        raise NotFound(N_("No such share link."))
    return share


def revoke_share(user: User, share_id: int, now: dt.datetime) -> Share:
    share = get_share(user, share_id)
    if share.revoked_at is None:
        share.revoked_at = now
    db.session.flush()
    return share


def share_by_token(token: str, now: dt.datetime) -> Share:
    share = None
    if 0 < len(token) <= TOKEN_MAX_LENGTH:
        share = db.session.scalar(select(Share).where(Share.token_hash == _hash(token)))
    if share is None or share.status(now) != "active":
        raise NotFound(LINK_GONE)
    return share


# ---------------------------------------------------------------- export / import


def export_json(user: User, now: dt.datetime) -> dict:
    return {"format_version": FORMAT_VERSION, "exported_at": now.isoformat(),
            "user": {"email": user.email, "timezone": user.timezone},
            **{s.key: s.export(user) for s in SECTIONS}}


def export_csv(user: User) -> bytes:
    tables: dict[str, Table] = {}
    for section in SECTIONS:
        if section.csv is not None:
            tables.update(section.csv(user))
    return csv_zip(tables)


def export_fhir(user: User, now: dt.datetime, since: dt.date | None = None) -> dict:
    """The FHIR bundle of everything, or, given ``since``, of the records whose local
    day is on or after it (a SMART Health Link covers a number of days)."""
    return fhir.bundle(user, user_sessions(user), user_checkins(user), now, since=since,
                       psfs_ratings=psfs_service.list_ratings(user, since, limit=None))


def import_data(user: User, data: dict, now: dt.datetime) -> dict:
    """Write a validated export file into ``user``'s account; the summary of what was
    created, already there, or skipped and why. Raises before anything is committed
    when a row breaks a rule (the caller's transaction then holds nothing)."""
    # The row itself, not the request's ``current_user`` proxy: the sections read the
    # person's id and time zone once a row, tens of thousands of times in a big file.
    run = ImportRun(db.session.get(User, user.id), now)
    try:
        for section in SECTIONS:
            section.import_(run, data.get(section.key))
        db.session.flush()
    except IntegrityError:
        # A device wrote one of these records while the import ran (PostgreSQL; SQLite's
        # write lock serialises them). Nothing is kept; the retry finds it "already there".
        db.session.rollback()
        raise Conflict(N_("Something else changed this account during the import; "
                          "nothing was imported. Try again.")) from None
    return run.summary(KEYS)


# ---------------------------------------------------------------- the report


@dataclass
class Report:
    """Everything the report page shows: the period's days, adherence, relief, flags
    and notes, and progress's analytics of the same days (``progress``)."""

    first: dt.date
    last: dt.date
    days: int
    timezone: str
    generated_at: dt.datetime
    daily: list[dict]            # {date, pain (DayStats|None), sessions, best_left, best_right}
    adherence: dict
    flags: list[dict]            # {date, message, stretch}
    red_flags: safety.RedFlagOutcome
    red_flags_answered_at: dt.datetime | None
    notes: list[dict]            # {date, kind, text}
    relief: list[dict]           # {stretch, name, mean, count}
    # progress's analytics over the same days: the pain trend (baseline, current,
    # change, change_pct, meaningful), the chart figures and the running programme
    progress: Progress

    @property
    def pain_days(self) -> list:
        """The days with a pain score (progress's per-day figures)."""
        return self.progress.daily

    @property
    def trend(self) -> dict:
        return self.progress.pain

    @property
    def program(self):  # noqa: ANN201 - tracker.programs.service.ProgramView | None
        return self.progress.program

    @property
    def psfs(self):  # noqa: ANN201 - tracker.psfs.service.Summary | None
        """The PSFS ratings (all of them: the change is from the first rating)."""
        return self.progress.psfs

    @property
    def flare_ups(self) -> list:
        """The flare-ups with a day in the period (tracker.flareups.service.FlareUpView)."""
        return self.progress.flare_ups


def report_data(user: User, days: int, now: dt.datetime) -> Report:
    first, last = report.period(local_date(now, user.timezone), days)
    sessions = list(db.session.scalars(
        select(StretchSession).where(StretchSession.user_id == user.id,
                                     StretchSession.local_date.between(first, last))
        .order_by(StretchSession.performed_at, StretchSession.id)))
    checkins = list(db.session.scalars(
        select(Checkin).where(Checkin.user_id == user.id, Checkin.local_date.between(first, last))
        .order_by(Checkin.recorded_at, Checkin.id)))

    analytics = progress(user, days, now)  # the same days
    pain_by_day = {p.date: p for p in analytics.daily}
    angles = {a.date: a for a in report.best_angles(
        (s.local_date, e.side, e.angle_deg) for s in sessions for e in s.entries)}
    per_day: dict[dt.date, int] = {}
    for s in sessions:
        per_day[s.local_date] = per_day.get(s.local_date, 0) + 1
    daily = [{"date": day, "pain": pain_by_day.get(day), "sessions": per_day.get(day, 0),
              "best_left": angles[day].best_left if day in angles else None,
              "best_right": angles[day].best_right if day in angles else None}
             for day in report.each_day(first, last)
             if day in pain_by_day or day in per_day]

    names = {e.stretch.slug: e.stretch.shown_name for s in sessions for e in s.entries}
    relief = [{"stretch": r.stretch, "name": names[r.stretch], "mean": r.mean, "count": r.count}
              for r in report.relief_by_stretch(
                  ([e.stretch.slug for e in s.entries], s.pain_before, s.pain_after)
                  for s in sessions)]
    flags = [{"date": s.local_date, "message": f.message,
              "stretch": names.get(f.stretch) if f.stretch else None}
             for s in sessions for f in s.flags]
    notes = sorted([{"date": s.local_date, "kind": N_("Session"), "text": s.notes}
                    for s in sessions if s.notes.strip()] +
                   [{"date": c.local_date, "kind": N_("Check-in"), "text": c.note}
                    for c in checkins if c.note.strip()], key=lambda n: n["date"])
    logged = list(per_day)
    return Report(
        first=first, last=last, days=days, timezone=user.timezone, generated_at=now,
        daily=daily,
        adherence={"days_logged": len(logged), "days": days, "sessions": len(sessions),
                   "checkins": len(checkins),
                   "current_streak": current_streak(user, last),
                   "longest_streak": adherence.longest_streak(logged, paused_for(user, first))},
        flags=flags, red_flags=red_flags(user),
        red_flags_answered_at=user.red_flags_answered_at, notes=notes, relief=relief,
        progress=analytics)
