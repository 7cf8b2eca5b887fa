"""Dates as the app writes them (tracker.dates): "7 Nov", with the weekday or the year
when asked or needed, and the adherence calendar laid out as months of weeks."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.dates import calendar_months, short_date

TODAY = dt.date(2027, 3, 10)


@pytest.mark.parametrize(("value", "options", "expected"), [
    (dt.date(2027, 11, 7), {}, "7 Nov"),
    (dt.date(2027, 1, 1), {}, "1 Jan"),
    (dt.date(2026, 12, 31), {}, "31 Dec 2026"),            # another year: the year follows
    (dt.date(2028, 2, 29), {}, "29 Feb 2028"),
    (dt.date(2027, 11, 7), {"weekday": True}, "Sun 7 Nov"),
    (dt.date(2026, 11, 7), {"weekday": True}, "Sat, 7 Nov 2026"),  # CLDR en_GB
    (dt.date(2027, 11, 7), {"year": True}, "7 Nov 2027"),   # a report keeps the year
    (dt.date(2026, 11, 7), {"year": False}, "7 Nov"),
    (dt.datetime(2027, 5, 3, 23, 59), {"weekday": True}, "Mon 3 May"),
    (None, {}, ""),
])
def test_short_date(value, options, expected):
    assert short_date(value, today=TODAY, **options) == expected


def test_short_date_defaults_to_this_year():
    today = dt.date.today()
    assert short_date(today) == f"{today.day} {today.strftime('%b')}"


def entries(first: dt.date, count: int) -> list[dict]:
    return [{"date": first + dt.timedelta(days=i), "logged": i % 2 == 0} for i in range(count)]


def dates(week: list[dict | None]) -> list[int | None]:
    return [cell["date"].day if cell else None for cell in week]


def test_a_month_of_weeks_monday_first():
    # 3 to 16 March 2027: Wednesday to Tuesday
    (month,) = calendar_months(entries(dt.date(2027, 3, 3), 14))
    assert (month.first, month.label) == (dt.date(2027, 3, 1), "Mar")
    assert [dates(w) for w in month.weeks] == [
        [None, None, 3, 4, 5, 6, 7],                # 1 and 2 March are outside the range
        [8, 9, 10, 11, 12, 13, 14],
        [15, 16, None, None, None, None, None],
    ]
    assert month.weeks[0][2] == {"date": dt.date(2027, 3, 3), "logged": True}


@pytest.mark.parametrize(("first", "count", "labels", "weeks"), [
    (dt.date(2027, 3, 10), 1, ["Mar"], [1]),
    # a week across two months is split between them
    (dt.date(2027, 3, 29), 7, ["Mar", "Apr"], [1, 1]),
    (dt.date(2027, 2, 8), 30, ["Feb", "Mar"], [3, 2]),
    # a year: 13 months, the first labelled with its year
    (dt.date(2026, 3, 11), 365, ["Mar 2026", "Apr 2026", "May 2026", "Jun 2026", "Jul 2026",
                                 "Aug 2026", "Sept 2026", "Oct 2026", "Nov 2026", "Dec 2026",
                                 "Jan", "Feb", "Mar"], [4, 5, 5, 5, 5, 6, 5, 5, 6, 5, 5, 4, 2]),
])
def test_months_and_their_weeks(first, count, labels, weeks):
    months = calendar_months(entries(first, count))
    assert [m.label for m in months] == labels
    assert [len(m.weeks) for m in months] == weeks
    cells = [c for m in months for w in m.weeks for c in w if c]
    assert [c["date"] for c in cells] == [first + dt.timedelta(days=i) for i in range(count)]
    assert all(len(w) == 7 for m in months for w in m.weeks)


def test_no_days_no_months():
    assert calendar_months([]) == []
