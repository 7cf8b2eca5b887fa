"""Calendar helpers: which IANA zones exist, how to offer them, and which local day an
instant falls on."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from tracker.domain.wording import N_


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


# The regions of the zone database's canonical names (Europe/Berlin, ...); legacy
# aliases such as US/Eastern or EST5EDT are not offered (they still validate).
REGIONS = (N_("Africa"), N_("America"), N_("Antarctica"), N_("Arctic"), N_("Asia"),
           N_("Atlantic"), N_("Australia"), N_("Europe"), N_("Indian"), N_("Pacific"))
# (the names are zone-database words and group labels: translated where shown)


def timezone_groups(zones: Iterable[str], current: str | None = None) -> list[tuple[str, list[str]]]:
    """[(region, sorted zones)] for a select's optgroups, regions in order, then
    "Other" with UTC (and ``current`` when it is a name outside the regions, so a
    stored choice is always shown)."""
    by_region: dict[str, list[str]] = {r: [] for r in REGIONS}
    for zone in zones:
        region = zone.split("/", 1)[0]
        if region in by_region and "/" in zone:
            by_region[region].append(zone)
    groups = [(r, sorted(z)) for r, z in by_region.items() if z]
    other = ["UTC"]
    if current and current not in other and not any(current in z for _r, z in groups):
        other.append(current)
    return groups + [(N_("Other"), other)]  # a group label: translated where shown


def offered_timezones(current: str | None = None) -> list[tuple[str, list[str]]]:
    return timezone_groups(_zones(), current)
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
