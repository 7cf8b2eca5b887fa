"""Dates and times as the app writes them, in the page's language (Babel, CLDR):
"7 Nov" / "7. Nov.", "Sat 7 Nov" / "Sa., 7. Nov.", and the year when it is not this
one; never "11/7" or an ISO date on a page. The ``short_date`` filter is registered in
tracker/web.py; the charts (static/js/progress.js) write the same with Intl.

``calendar_months`` lays out the adherence calendar: one block per month, weeks that
start on the language's first day of the week, so the page can show weekday and month
labels at any range.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_skeleton, get_day_names

from tracker.i18n import format_locale

ONE_DAY = dt.timedelta(days=1)


def short_date(value: dt.date | dt.datetime | None, weekday: bool = False,
               year: bool | None = None, today: dt.date | None = None,
               locale: Locale | None = None) -> str:
    """``7 Nov``; ``Sat 7 Nov`` with ``weekday``; the year follows when it is not
    ``today``'s (default: the server's today), or always with ``year=True``, never with
    ``year=False``. None gives "" (like the ``number`` filter)."""
    if value is None:
        return ""
    if year is None:
        year = value.year != (today or dt.date.today()).year
    skeleton = ("y" if year else "") + "MMM" + ("E" if weekday else "") + "d"
    day = value.date() if isinstance(value, dt.datetime) else value
    return format_skeleton(skeleton, day, locale=locale or format_locale())


def short_datetime(value: dt.datetime, today: dt.date | None = None,
                   locale: Locale | None = None) -> str:
    """``6 Dec, 14:50`` (the year when not this one)."""
    chosen = locale or format_locale()
    pattern = chosen.datetime_formats["short"]
    return pattern.format(format_skeleton("Hm", value, locale=chosen),
                          short_date(value, today=today, locale=chosen))


def time_of_day(value: dt.time | dt.datetime, locale: Locale | None = None) -> str:
    """``14:50`` as the language writes a time."""
    return format_skeleton("Hm", value, locale=locale or format_locale())


def weekday_names(width: str = "wide", locale: Locale | None = None) -> list[str]:
    """The seven day names from the language's first day of the week."""
    chosen = locale or format_locale()
    names = get_day_names(width, locale=chosen)  # keyed 0 = Monday
    return [names[(chosen.first_week_day + i) % 7] for i in range(7)]


@dataclass(frozen=True)
class CalendarMonth:
    """One month of the calendar: its first day, a label ("Nov", "Dec 2025" when the
    year is not the range's last), and weeks of 7 cells from the language's first day.
    A cell is the day's entry from the calendar, or None for a day outside the month
    or the range."""
    first: dt.date
    label: str
    weeks: list[list[dict | None]]


def calendar_months(days: Sequence[dict], locale: Locale | None = None) -> list[CalendarMonth]:
    """Group calendar entries (dicts with a ``date``, consecutive days in order) into
    months of weeks, keeping only the weeks that hold a day of the range."""
    if not days:
        return []
    chosen = locale or format_locale()
    week_start = chosen.first_week_day  # 0 = Monday, 6 = Sunday
    by_date = {d["date"]: d for d in days}
    last = days[-1]["date"]
    months: list[CalendarMonth] = []
    first = days[0]["date"].replace(day=1)
    while first <= last:
        after = (first + dt.timedelta(days=32)).replace(day=1)
        day = first - dt.timedelta(days=(first.weekday() - week_start) % 7)  # its first week
        weeks = []
        while day < after:
            week = [by_date.get(day + ONE_DAY * i) if (day + ONE_DAY * i).month == first.month
                    else None for i in range(7)]
            if any(week):
                weeks.append(week)
            day += ONE_DAY * 7
        skeleton = "MMM" if first.year == last.year else "yMMM"
        months.append(CalendarMonth(first, format_skeleton(skeleton, first, locale=chosen), weeks))
        first = after
    return months
