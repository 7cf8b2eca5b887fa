"""Share-link rules: how long a link may live and whether it still opens.

Pure: ``now`` is always passed in."""
from __future__ import annotations

import datetime as dt

EXPIRES_MIN_DAYS = 1
EXPIRES_MAX_DAYS = 30
EXPIRES_DEFAULT_DAYS = 14


def expires_at(now: dt.datetime, expires_in_days: int) -> dt.datetime:
    if not EXPIRES_MIN_DAYS <= expires_in_days <= EXPIRES_MAX_DAYS:
        raise ValueError(f"expires_in_days must be {EXPIRES_MIN_DAYS}-{EXPIRES_MAX_DAYS}")
    return now + dt.timedelta(days=expires_in_days)


def status(expires: dt.datetime, revoked: dt.datetime | None, now: dt.datetime) -> str:
    """"revoked", "expired" (at its expiry instant and after) or "active"."""
    if revoked is not None:
        return "revoked"
    return "expired" if now >= expires else "active"
