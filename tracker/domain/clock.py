"""Calendar helpers: which IANA zones exist, how to offer them, and which local day an
instant falls on."""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Container, Iterable
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


def timezone_groups(zones: Iterable[str]) -> list[tuple[str, list[str]]]:
    """[(region, sorted zones)] for a select's optgroups, regions in order; names
    outside the regions (UTC, legacy aliases) are left to the caller."""
    by_region: dict[str, list[str]] = {r: [] for r in REGIONS}
    for zone in zones:
        region = zone.split("/", 1)[0]
        if region in by_region and "/" in zone:
            by_region[region].append(zone)
    return [(r, sorted(z)) for r, z in by_region.items() if z]


def one_zone_per_place(zones: Iterable[str], place: Callable[[str], str],
                       aliases: Container[str] = frozenset()) -> dict[str, list[str]]:
    """Zones that name the same place (the database's links: Asia/Calcutta and
    Asia/Kolkata, America/Montreal and America/Toronto) offered once, as
    {kept zone: its other names, sorted}. ``place`` names a zone's place in one
    language. Kept: the zone whose own name reads as the place, else one not in
    ``aliases`` (the links CLDR knows), else the first by name."""
    by_place: dict[str, list[str]] = {}
    for zone in zones:
        by_place.setdefault(place(zone), []).append(zone)

    def rank(zone: str, name: str) -> tuple[bool, bool, str]:
        own = zone.rsplit("/", 1)[-1].replace("_", " ")
        return (sort_key(own) != sort_key(name), zone in aliases, zone)

    kept: dict[str, list[str]] = {}
    for name, same in by_place.items():
        first = min(same, key=lambda zone: rank(zone, name))
        kept[first] = sorted(zone for zone in same if zone != first)
    return kept


def sort_key(name: str) -> str:
    """A place name compared and sorted without case or accents: "Córdoba" with
    "Cordoba", "Zürich" among the Z's."""
    letters = unicodedata.normalize("NFKD", name)
    return "".join(c for c in letters if not unicodedata.combining(c)).casefold()


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
