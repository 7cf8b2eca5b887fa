"""The time-zone select's options in the page's language: each zone shown by its
place's name from CLDR ("Wien" / "Vienna" for Europe/Vienna), sorted by that name
within its region, and a place the zone database names twice (a link such as
Asia/Calcutta → Asia/Kolkata) offered once, its other names kept on the option so the
phone's own zone is still found (static/js/app.js) and a stored one still shown
chosen. The rule for which name is kept lives in tracker/domain/clock.py."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from tracker.domain.clock import known_timezones, one_zone_per_place, sort_key, timezone_groups
from tracker.domain.wording import N_
from tracker.i18n import format_locale

ENGLISH = Locale.parse("en")


@dataclass(frozen=True)
class ZoneOption:
    value: str  # the IANA name stored
    label: str  # the place, in the page's language
    aliases: tuple[str, ...] = ()  # other IANA names of the same place

    def chosen(self, current: str | None) -> bool:
        return current == self.value or current in self.aliases


def zone_options(current: str | None = None, locale: Locale | None = None,
                 ) -> list[tuple[str, tuple[ZoneOption, ...]]]:
    """[(region, options)] for the select, then "Other" with UTC and ``current`` when
    no option stands for it (a legacy name such as US/Eastern), so it stays chosen."""
    regions, offered = _regions(str(locale or format_locale()))
    other = [ZoneOption("UTC", "UTC")]
    if current and current != "UTC" and current not in offered:
        other.append(ZoneOption(current, current))
    return [*regions, (N_("Other"), tuple(other))]  # a group label: translated where shown


def _place(zone: str, locale: Locale) -> str:
    return get_timezone_location(zone, locale=locale, return_city=True)


@functools.lru_cache(maxsize=16)
def _regions(code: str) -> tuple[list[tuple[str, tuple[ZoneOption, ...]]], frozenset[str]]:
    """The regions' options in one language, and every IANA name they stand for."""
    locale = Locale.parse(code)
    groups = timezone_groups(known_timezones())
    kept = one_zone_per_place((zone for _region, zones in groups for zone in zones),
                              lambda zone: _place(zone, ENGLISH), get_global("zone_aliases"))
    regions = []
    for region, zones in groups:
        options = [ZoneOption(zone, _place(zone, locale), tuple(kept[zone]))
                   for zone in zones if zone in kept]
        options.sort(key=lambda option: (sort_key(option.label), option.value))
        regions.append((region, tuple(options)))
    offered = frozenset(name for _region, options in regions for option in options
                        for name in (option.value, *option.aliases))
    return regions, offered
