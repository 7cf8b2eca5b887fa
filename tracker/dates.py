"""Dates as the app writes them: "7 Nov", "Sat 7 Nov", and "7 Nov 2025" when the year
is not this one (the ``short_date`` filter, registered in tracker/web.py; the charts in
static/js/progress.js follow the same rule), never "11/7" or an ISO date on a page.

``calendar_months`` lays out the adherence calendar: one block per month, Monday-first
weeks, so the page can show weekday and month labels at any range.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def short_date(value: dt.date | dt.datetime | None, weekday: bool = False,
               year: bool | None = None, today: dt.date | None = None) -> str:
    """``7 Nov``; ``Sat 7 Nov`` with ``weekday``; the year follows when it is not
    ``today``'s (default: the server's today), or always with ``year=True``, never with
    ``year=False``. None gives "" (like the ``number`` filter)."""
    if value is None:
        return ""
    if year is None:
        year = value.year != (today or dt.date.today()).year
    text = f"{value.day} {value.strftime('%b')}"
    if weekday:
        text = f"{value.strftime('%a')} {text}"
    return f"{text} {value.year}" if year else text


@dataclass(frozen=True)
class CalendarMonth:
    """One month of the calendar: its first day, a label ("Nov", "Dec 2025" when the
    year is not the range's last), and Monday-first weeks of 7 cells. A cell is the
    day's entry from the calendar, or None for a day outside the month or the range."""
    first: dt.date
    label: str
    weeks: list[list[dict | None]]


def calendar_months(days: Sequence[dict]) -> list[CalendarMonth]:
    """Group calendar entries (dicts with a ``date``, consecutive days in order) into
    months of Monday-first weeks, keeping only the weeks that hold a day of the range."""
    if not days:
        return []
    by_date = {d["date"]: d for d in days}
    last = days[-1]["date"]
    months: list[CalendarMonth] = []
    first = days[0]["date"].replace(day=1)
    while first <= last:
        after = (first + dt.timedelta(days=32)).replace(day=1)
        day = first - dt.timedelta(days=first.weekday())  # the Monday of its first week
        weeks = []
        while day < after:
            week = [by_date.get(day + ONE_DAY * i) if (day + ONE_DAY * i).month == first.month
                    else None for i in range(7)]
            if any(week):
                weeks.append(week)
            day += ONE_DAY * 7
        label = first.strftime("%b") if first.year == last.year else first.strftime("%b %Y")
        months.append(CalendarMonth(first, label, weeks))
        first = after
    return months
