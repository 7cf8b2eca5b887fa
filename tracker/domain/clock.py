"""Calendar helpers: which IANA zones exist and which local day an instant falls on."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_timezone(name: str) -> bool:
    return name in _zones()


def local_date(instant: dt.datetime, timezone: str) -> dt.date:
    """The calendar day ``instant`` (aware) falls on in ``timezone``."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(ZoneInfo(timezone)).date()


def local_today(now: dt.datetime, timezone: str) -> dt.date:
    return local_date(now, timezone)
