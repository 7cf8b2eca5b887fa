"""Calendar helpers: which IANA zones exist and which local day an instant falls on."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones


# Files in the tz database that are not places: "localtime" is the host's own
# setting, "Factory" means "zone not set", "posixrules" is a template for POSIX TZ
# strings. ``available_timezones()`` lists them, depending on the installed data.
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules", "posix", "right",
                       "leapseconds", "leap-seconds.list", "tzdata.zi", "zone.tab",
                       "zone1970.tab", "zonenow.tab", "iso3166.tab"})


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(name for name in available_timezones()
                     if name not in NOT_ZONES and not name.startswith(("posix/", "right/")))


def is_valid_timezone(name: str) -> bool:
    return name in _zones()


def known_timezones() -> frozenset[str]:
    """Every IANA zone name a person may live in."""
    return _zones()


def local_date(instant: dt.datetime, timezone: str) -> dt.date:
    """The calendar day ``instant`` (aware) falls on in ``timezone``."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(ZoneInfo(timezone)).date()


def local_today(now: dt.datetime, timezone: str) -> dt.date:
    return local_date(now, timezone)
