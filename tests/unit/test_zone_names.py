"""The time-zone select's options (tracker/zone_names.py): places named in the page's
language and sorted by that name, a place offered once with its other IANA names kept,
and the person's stored zone always chosen."""
from __future__ import annotations

import pytest
from babel import Locale

from tracker.domain.clock import is_valid_timezone, sort_key
from tracker.zone_names import zone_options

DE, GB = Locale.parse("de"), Locale.parse("en_GB")


def options(locale=GB, current=None):
    return {o.value: o for _region, group in zone_options(current, locale) for o in group}


@pytest.mark.parametrize(("locale", "zone", "label"), [
    (GB, "Europe/Vienna", "Vienna"), (DE, "Europe/Vienna", "Wien"),
    (DE, "Europe/Moscow", "Moskau"), (GB, "America/New_York", "New York"),
    (GB, "America/Argentina/Buenos_Aires", "Buenos Aires"),
    (GB, "America/Indiana/Knox", "Knox, Indiana"), (GB, "Europe/Kyiv", "Kyiv"),
])
def test_a_zone_is_shown_by_its_place_in_the_language(locale, zone, label):
    assert options(locale)[zone].label == label


@pytest.mark.parametrize(("kept", "alias"), [
    ("Asia/Kolkata", "Asia/Calcutta"), ("America/Toronto", "America/Montreal"),
    ("Europe/Kyiv", "Europe/Kiev"), ("Europe/Istanbul", "Asia/Istanbul"),
    ("America/Argentina/Buenos_Aires", "America/Buenos_Aires"),
])
def test_a_place_is_offered_once_its_other_names_on_the_option(kept, alias):
    offered = options()
    assert alias not in offered and alias in offered[kept].aliases


@pytest.mark.parametrize("locale", [GB, DE])
def test_each_region_lists_valid_places_once_sorted_by_name(locale):
    groups = zone_options(locale=locale)
    assert [r for r, _o in groups][:3] == ["Africa", "America", "Antarctica"]
    assert groups[-1][0] == "Other" and [o.value for o in groups[-1][1]] == ["UTC"]
    for _region, group in groups[:-1]:
        labels = [o.label for o in group]
        assert labels == sorted(labels, key=sort_key)
        assert len(set(labels)) == len(labels), labels
    every = [name for _r, group in groups for o in group for name in (o.value, *o.aliases)]
    assert all(is_valid_timezone(z) for z in every) and len(every) == len(set(every))
    assert 300 < len(options(locale)) < len(every)


@pytest.mark.parametrize(("current", "chosen", "other"), [
    (None, None, ["UTC"]), ("UTC", "UTC", ["UTC"]),
    ("Europe/Berlin", "Europe/Berlin", ["UTC"]),
    # a stored link shows its place chosen; saving the form stores the kept name
    ("Asia/Calcutta", "Asia/Kolkata", ["UTC"]),
    # a legacy name outside the regions is still offered, so it stays chosen
    ("US/Eastern", "US/Eastern", ["UTC", "US/Eastern"]),
])
def test_the_stored_zone_is_always_chosen(current, chosen, other):
    groups = zone_options(current, GB)
    picked = [o.value for _r, group in groups for o in group if o.chosen(current)]
    assert picked == ([chosen] if chosen else [])
    assert [o.value for o in groups[-1][1]] == other
