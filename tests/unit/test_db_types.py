"""UTCDateTime: naive datetimes are refused, aware ones are stored as UTC and read back
as the same instant in UTC, on SQLite (no time zone type) and PostgreSQL alike.

The first tests call the type directly for both dialects; the rest round-trip real
rows through the test database (SQLite, or PostgreSQL with TRACKER_TEST_DATABASE_URL).
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError

from tracker.auth.models import User
from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import db

UTC = dt.timezone.utc
DIALECTS = [sqlite.dialect(), postgresql.dialect()]

# The same kind of instant written in zones with odd offsets, DST and both signs.
AWARE = [
    dt.datetime(2027, 7, 1, 9, 30, tzinfo=ZoneInfo("Europe/Berlin")),        # +02 (summer)
    dt.datetime(2027, 1, 15, 9, 30, tzinfo=ZoneInfo("Europe/Berlin")),       # +01 (winter)
    dt.datetime(2027, 3, 28, 3, 30, tzinfo=ZoneInfo("Europe/Berlin")),       # DST day
    dt.datetime(2027, 11, 7, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),  # 2nd 01:30
    dt.datetime(2027, 6, 1, 23, 59, 59, 999999, tzinfo=ZoneInfo("America/St_Johns")),  # -02:30
    dt.datetime(2027, 6, 1, 0, 0, 1, tzinfo=ZoneInfo("Asia/Kathmandu")),     # +05:45
    dt.datetime(2027, 12, 31, 23, 0, tzinfo=ZoneInfo("Pacific/Kiritimati")),  # +14
    dt.datetime(2027, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=-12))),
    dt.datetime(2027, 5, 5, 5, 5, 5, 123456, tzinfo=UTC),
]
IDS = ["berlin-summer", "berlin-winter", "berlin-dst", "new-york-fold", "st-johns-micro",
       "kathmandu", "kiritimati", "minus-12", "utc-micro"]


# --- the type on its own ----------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize("naive", [dt.datetime(2027, 1, 1, 12, 0), dt.datetime.now(),
                                   dt.datetime.min])
def test_naive_datetime_refused(dialect, naive):
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(naive, dialect)


class _NoOffset(dt.tzinfo):
    """A tzinfo that does not know its offset: still naive for Python."""

    def utcoffset(self, _when):  # noqa: ANN001
        return None


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_tzinfo_without_offset_counts_as_naive(dialect):
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(dt.datetime(2027, 1, 1, tzinfo=_NoOffset()), dialect)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize("value", [dt.date(2027, 1, 1), "2027-01-01T00:00:00+00:00",
                                   1_700_000_000, dt.time(12, 0)])
def test_non_datetime_refused(dialect, value):
    with pytest.raises(TypeError):
        UTCDateTime().process_bind_param(value, dialect)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_none_passes_through(dialect):
    assert UTCDateTime().process_bind_param(None, dialect) is None
    assert UTCDateTime().process_result_value(None, dialect) is None


@pytest.mark.parametrize("value", AWARE, ids=IDS)
def test_bound_as_utc(value):
    on_sqlite = UTCDateTime().process_bind_param(value, sqlite.dialect())
    on_postgres = UTCDateTime().process_bind_param(value, postgresql.dialect())
    # (Compared via timestamps: Python calls an ambiguous local time unequal to
    # every other-zone datetime, fold or not.)
    # SQLite keeps naive UTC wall time (so text comparison orders instants) ...
    assert on_sqlite.tzinfo is None
    assert on_sqlite.replace(tzinfo=UTC).timestamp() == value.timestamp()
    # ... PostgreSQL gets an aware UTC value for its timestamptz column.
    assert on_postgres.utcoffset() == dt.timedelta(0)
    assert on_postgres.timestamp() == value.timestamp()


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize("stored, expected", [
    (dt.datetime(2027, 1, 1, 12, 0), dt.datetime(2027, 1, 1, 12, 0, tzinfo=UTC)),
    (dt.datetime(2027, 1, 1, 13, 0, tzinfo=ZoneInfo("Europe/Berlin")),
     dt.datetime(2027, 1, 1, 12, 0, tzinfo=UTC)),
])
def test_read_back_as_aware_utc(dialect, stored, expected):
    value = UTCDateTime().process_result_value(stored, dialect)
    assert value == expected
    assert value.utcoffset() == dt.timedelta(0)
    assert value.tzinfo is UTC


def test_utcnow_is_aware_utc():
    now = utcnow()
    assert now.tzinfo is UTC
    assert abs(now - dt.datetime.now(UTC)) < dt.timedelta(seconds=5)


# --- round trips through the test database ---------------------------------------


def _user(created_at: dt.datetime, n: int = 0) -> User:
    return User(email=f"t{n}-{created_at.timestamp()}@example.com", password_hash="x",
                timezone="UTC", created_at=created_at, red_flags=[])


@pytest.mark.parametrize("value", AWARE, ids=IDS)
def test_aware_value_round_trips_as_same_instant_in_utc(app, value):
    with app.app_context():
        user = _user(value)
        db.session.add(user)
        db.session.commit()
        user_id = user.id
        db.session.expunge_all()

        loaded = db.session.get(User, user_id).created_at
        assert loaded.timestamp() == value.timestamp()  # the same instant ...
        assert loaded.tzinfo is UTC                      # ... expressed in UTC
        assert loaded == value.astimezone(UTC)


def test_naive_value_refused_by_the_database_layer(app):
    with app.app_context():
        db.session.add(_user(dt.datetime(2027, 1, 1, 12, 0)))
        with pytest.raises(StatementError) as caught:
            db.session.commit()
        assert isinstance(caught.value.orig, ValueError)
        db.session.rollback()
        assert db.session.scalar(select(User).where(User.email.like("t0-%"))) is None


def test_where_clause_compares_instants_across_zones(app):
    """A filter written in another zone finds the row (the bound value is converted too)."""
    stored = dt.datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    same_in_tokyo = stored.astimezone(ZoneInfo("Asia/Tokyo"))
    with app.app_context():
        db.session.add(_user(stored))
        db.session.commit()
        found = db.session.scalars(select(User.id).where(User.created_at == same_in_tokyo)).all()
        assert len(found) == 1
        earlier = stored.astimezone(ZoneInfo("America/Los_Angeles")) - dt.timedelta(seconds=1)
        assert db.session.scalars(
            select(User.id).where(User.created_at > earlier)).all() == found


def test_ordering_follows_instants_not_wall_clocks(app):
    """Local wall-clock order disagrees with instant order here; the database must
    order by instant (SQLite compares the stored UTC text)."""
    values = [
        dt.datetime(2027, 1, 1, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo")),     # 01:00Z
        dt.datetime(2027, 1, 1, 9, 0, tzinfo=ZoneInfo("Europe/London")),   # 09:00Z
        dt.datetime(2027, 1, 1, 5, 0, tzinfo=ZoneInfo("America/New_York")),  # 10:00Z
    ]
    with app.app_context():
        for n, value in enumerate(reversed(values)):
            db.session.add(_user(value, n))
        db.session.commit()
        ordered = db.session.scalars(select(User.created_at).order_by(User.created_at)).all()
        assert ordered == values
