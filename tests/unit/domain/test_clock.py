"""Calendar helpers (tracker.domain.clock): which IANA zones exist and which local
day an instant falls on in a person's zone."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain.clock import (is_valid_timezone, local_date, local_today, one_zone_per_place,
                                  sort_key, timezone_groups)

UTC = dt.timezone.utc


@pytest.mark.parametrize(("name", "valid"), [
    ("Europe/Berlin", True),
    ("America/Los_Angeles", True),
    ("Pacific/Auckland", True),
    ("Asia/Kolkata", True),
    ("UTC", True),
    ("europe/berlin", False),     # IANA names are case-sensitive
    ("Mars/Olympus_Mons", False),
    ("", False),
    ("+02:00", False),
    ("../../etc/passwd", False),
    ("Europe/Berlin ", False),
    # tz database files that are not places
    ("localtime", False),
    ("Factory", False),
    ("posixrules", False),
    ("posix/Europe/Berlin", False),
    ("right/UTC", False),
    ("Mars/Olympus", False),
    ("Etc/GMT+5", True),
])
def test_is_valid_timezone(name, valid):
    assert is_valid_timezone(name) is valid


@pytest.mark.parametrize(("instant", "zone", "day"), [
    # 23:30 on 14 March in Los Angeles (PDT, -7) is 06:30 UTC on the 15th
    (dt.datetime(2027, 3, 15, 6, 30, tzinfo=UTC), "America/Los_Angeles", dt.date(2027, 3, 14)),
    # 23:30 in Los Angeles in winter (PST, -8) is 07:30 UTC the next day
    (dt.datetime(2027, 1, 16, 7, 30, tzinfo=UTC), "America/Los_Angeles", dt.date(2027, 1, 15)),
    # Auckland (+13 in January) is already on the next day
    (dt.datetime(2027, 1, 15, 11, 30, tzinfo=UTC), "Pacific/Auckland", dt.date(2027, 1, 16)),
    (dt.datetime(2027, 1, 15, 10, 59, tzinfo=UTC), "Pacific/Auckland", dt.date(2027, 1, 15)),
    # Auckland in July (+12)
    (dt.datetime(2027, 7, 15, 12, 0, tzinfo=UTC), "Pacific/Auckland", dt.date(2027, 7, 16)),
    (dt.datetime(2027, 7, 15, 11, 59, tzinfo=UTC), "Pacific/Auckland", dt.date(2027, 7, 15)),
    # Kolkata's half-hour offset (+5:30)
    (dt.datetime(2027, 5, 1, 18, 29, tzinfo=UTC), "Asia/Kolkata", dt.date(2027, 5, 1)),
    (dt.datetime(2027, 5, 1, 18, 30, tzinfo=UTC), "Asia/Kolkata", dt.date(2027, 5, 2)),
    (dt.datetime(2027, 5, 1, 23, 59, tzinfo=UTC), "UTC", dt.date(2027, 5, 1)),
    # a non-UTC offset on the instant: only the instant matters
    (dt.datetime(2027, 5, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7))),
     "America/Los_Angeles", dt.date(2027, 5, 1)),
    (dt.datetime(2027, 5, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7))),
     "Europe/Berlin", dt.date(2027, 5, 2)),
    # around Berlin's DST changes
    (dt.datetime(2027, 3, 27, 23, 30, tzinfo=UTC), "Europe/Berlin", dt.date(2027, 3, 28)),
    (dt.datetime(2027, 10, 30, 22, 30, tzinfo=UTC), "Europe/Berlin", dt.date(2027, 10, 31)),
    (dt.datetime(2027, 10, 30, 21, 59, tzinfo=UTC), "Europe/Berlin", dt.date(2027, 10, 30)),
])
def test_local_date(instant, zone, day):
    assert local_date(instant, zone) == day


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
def test_local_date_refuses_a_naive_instant(zone):
    with pytest.raises(ValueError, match="aware"):
        local_date(dt.datetime(2027, 5, 1, 12, 0), zone)


@pytest.mark.parametrize(("zone", "day"), [
    ("UTC", dt.date(2027, 12, 31)),
    ("Pacific/Auckland", dt.date(2028, 1, 1)),
    ("America/Los_Angeles", dt.date(2027, 12, 31)),
])
def test_local_today(zone, day):
    now = dt.datetime(2027, 12, 31, 20, 0, tzinfo=UTC)
    assert local_today(now, zone) == day


# ------------------------------------------------------------------ the time-zone select


def test_zones_are_grouped_by_region_in_order_without_the_others():
    groups = timezone_groups(["Europe/Berlin", "America/New_York", "Europe/Athens", "UTC",
                              "US/Eastern", "EST5EDT", "Etc/GMT+5", "America/Argentina/Salta"])
    assert groups == [("America", ["America/Argentina/Salta", "America/New_York"]),
                      ("Europe", ["Europe/Athens", "Europe/Berlin"])]


PLACES = {"Asia/Calcutta": "Kolkata", "Asia/Kolkata": "Kolkata",
          "America/Montreal": "Toronto", "America/Toronto": "Toronto",
          "America/Nipigon": "Toronto", "Asia/Istanbul": "Istanbul",
          "Europe/Istanbul": "Istanbul", "America/Indiana/Knox": "Knox, Indiana",
          "America/Knox_IN": "Knox, Indiana", "America/Cordoba": "Córdoba",
          "America/Argentina/Cordoba": "Córdoba", "America/Rosario": "Córdoba",
          "Europe/Berlin": "Berlin"}


@pytest.mark.parametrize(("zones", "kept"), [
    # the zone whose own name reads as the place, whatever the database calls a link
    (["Asia/Calcutta", "Asia/Kolkata"], {"Asia/Kolkata": ["Asia/Calcutta"]}),
    (["America/Montreal", "America/Nipigon", "America/Toronto"],
     {"America/Toronto": ["America/Montreal", "America/Nipigon"]}),
    # both read as the place: the one that is not a known alias
    (["Asia/Istanbul", "Europe/Istanbul"], {"Europe/Istanbul": ["Asia/Istanbul"]}),
    # neither reads as it: not an alias, then the first by name
    (["America/Knox_IN", "America/Indiana/Knox"], {"America/Indiana/Knox": ["America/Knox_IN"]}),
    # accents do not count ("Cordoba" reads as "Córdoba")
    (["America/Rosario", "America/Cordoba", "America/Argentina/Cordoba"],
     {"America/Argentina/Cordoba": ["America/Cordoba", "America/Rosario"]}),
    (["Europe/Berlin"], {"Europe/Berlin": []}),
    ([], {}),
])
def test_a_place_is_offered_once(zones, kept):
    aliases = {"Asia/Istanbul", "America/Knox_IN", "America/Cordoba", "America/Rosario"}
    assert one_zone_per_place(zones, PLACES.__getitem__, aliases) == kept


@pytest.mark.parametrize(("name", "key"), [
    ("Córdoba", "cordoba"), ("Zürich", "zurich"), ("SÃO PAULO", "sao paulo"), ("Dumont d’Urville", "dumont d’urville"),
])
def test_place_names_sort_without_case_or_accents(name, key):
    assert sort_key(name) == key
