"""Share-link rules: expiry range and status at a given instant."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain import shares

NOW = dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("days", [1, 14, 30])
def test_expires_after_the_given_days(days):
    assert shares.expires_at(NOW, days) == NOW + dt.timedelta(days=days)


@pytest.mark.parametrize("days", [0, 31, -1])
def test_expiry_out_of_range_is_refused(days):
    with pytest.raises(ValueError):
        shares.expires_at(NOW, days)


@pytest.mark.parametrize("now, revoked, expected", [
    (NOW - dt.timedelta(seconds=1), None, "active"),
    (NOW, None, "expired"),
    (NOW + dt.timedelta(days=1), None, "expired"),
    (NOW - dt.timedelta(days=1), NOW - dt.timedelta(days=2), "revoked"),
])
def test_status(now, revoked, expected):
    assert shares.status(NOW, revoked, now) == expected
