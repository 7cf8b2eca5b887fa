"""Calendar helpers (tracker.domain.clock): which IANA zones exist and which local
day an instant falls on in a person's zone."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain.clock import (is_valid_timezone, local_date, local_today, offered_timezones,
                                  timezone_groups)

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


def test_zones_are_grouped_by_region_in_order_then_other():
    groups = timezone_groups(["Europe/Berlin", "America/New_York", "Europe/Athens", "UTC",
                              "US/Eastern", "EST5EDT", "Etc/GMT+5", "America/Argentina/Salta"])
    assert groups == [("America", ["America/Argentina/Salta", "America/New_York"]),
                      ("Europe", ["Europe/Athens", "Europe/Berlin"]),
                      ("Other", ["UTC"])]


@pytest.mark.parametrize(("current", "other"), [
    (None, ["UTC"]), ("UTC", ["UTC"]), ("Europe/Berlin", ["UTC"]),
    # a stored legacy alias (or anything else) is still shown, so it stays chosen
    ("US/Eastern", ["UTC", "US/Eastern"]),
])
def test_the_current_choice_is_always_offered(current, other):
    assert timezone_groups(["Europe/Berlin"], current)[-1] == ("Other", other)


def test_every_offered_zone_is_valid_and_the_regions_are_all_there():
    groups = offered_timezones()
    offered = [zone for _region, zones in groups for zone in zones]
    assert all(is_valid_timezone(z) for z in offered)
    assert [r for r, _z in groups][:3] == ["Africa", "America", "Antarctica"]
    assert "Europe/Berlin" in offered and "Asia/Tokyo" in offered and len(offered) > 300
