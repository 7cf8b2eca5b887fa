"""Whether a person's reminders can reach them: a switched-on reminder reaches no one
when it goes by push only and no device of theirs is subscribed (or by e-mail on a
server without a mail server). Today's cached figures carry the answer, so every
change of it raises the person's data version here (reminders and devices are
otherwise left out of the version: see tracker/data_version.py)."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from tracker.data_version import raise_for
from tracker.extensions import db
from tracker.reminders import email
from tracker.reminders.models import PushSubscription, Reminder


def reaches(channels: Iterable[str], has_device: bool, email_ok: bool) -> bool:
    channels = set(channels)
    return ("push" in channels and has_device) or ("email" in channels and email_ok)


def reachable(reminder: Reminder) -> bool:
    """Whether ``reminder`` can reach its person (loads ``has_device`` if need be)."""
    return reaches(reminder.channels, bool(reminder.has_device), email.available())


def unreachable_times(user_id: int) -> tuple[str, ...]:
    """The times ("07:30") of the person's switched-on reminders that nothing can
    deliver, earliest first."""
    rows = db.session.execute(
        select(Reminder.time, Reminder.channels).where(Reminder.user_id == user_id,
                                                       Reminder.enabled)
        .order_by(Reminder.time, Reminder.id)).all()
    if not rows:
        return ()
    has_device = db.session.scalar(select(
        select(PushSubscription.id).where(PushSubscription.user_id == user_id).exists()))
    email_ok = email.available()
    return tuple(time for time, channels in rows if not reaches(channels, has_device, email_ok))


def reach_changed(user_ids: Iterable[int]) -> None:
    """These people's reminders or devices changed in a way that may change their
    reach: what was cached from it is stale once this transaction commits."""
    raise_for(db.session(), sorted(set(user_ids)))
