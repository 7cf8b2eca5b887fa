"""When a reminder fires: its next occurrence as a UTC instant, the local day an
occurrence belongs to (the key that makes delivery exactly-once), and whether an
occurrence is too old to send after downtime.

A reminder fires at a wall-clock time on some weekdays in an IANA zone. Times are
resolved with zoneinfo and ``fold=0``: a time that does not exist on a spring-forward
day lands after the gap (02:30 becomes 03:30 in Europe/Berlin), and a time that happens
twice on a fall-back day resolves to its first occurrence, so it fires once.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tracker.domain.wording import N_, Text

UTC = dt.timezone.utc
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
WEEKDAYS = range(7)  # Monday 0 .. Sunday 6, like datetime.weekday()
ALL_DAYS = tuple(WEEKDAYS)
SNOOZE_PREFIX = "snooze@"


@dataclass(frozen=True)
class Quiet:
    """A person's quiet hours, local wall-clock minutes of the day: from ``start``
    (inclusive) to ``end`` (exclusive), across midnight when ``start`` > ``end``."""

    start: int
    end: int

    @classmethod
    def of(cls, start_hhmm: str, end_hhmm: str) -> "Quiet":
        (sh, sm), (eh, em) = parse_time(start_hhmm), parse_time(end_hhmm)
        if (sh, sm) == (eh, em):
            raise ValueError(N_("Quiet hours need an end different from their start."))
        return cls(sh * 60 + sm, eh * 60 + em)

    def holds(self, minute_of_day: int) -> bool:
        if self.start < self.end:
            return self.start <= minute_of_day < self.end
        return minute_of_day >= self.start or minute_of_day < self.end


@dataclass(frozen=True)
class Rule:
    """A reminder's schedule: ``hour``:``minute`` local time on ``weekdays``, held to
    the end of the person's ``quiet`` hours when it falls inside them."""

    hour: int
    minute: int
    weekdays: frozenset[int]
    timezone: str
    quiet: Quiet | None = None

    @classmethod
    def of(cls, time_hhmm: str, weekdays: Iterable[int], timezone: str,
           quiet: Quiet | None = None) -> "Rule":
        return cls(*parse_time(time_hhmm), frozenset(weekdays), timezone, quiet)


def parse_time(text: str) -> tuple[int, int]:
    """"07:30" -> (7, 30); ValueError for anything but a 24-hour HH:MM."""
    match = TIME_RE.match(text or "")
    if not match:
        raise ValueError(N_("Use a 24-hour time like 07:30."))
    return int(match.group(1)), int(match.group(2))


def occurrence_on(day: dt.date, rule: Rule) -> dt.datetime:
    """The UTC instant the reminder of local ``day`` fires (weekday not checked): at
    its time, or, when that falls in quiet hours, at their end (the next morning for
    a late-evening time in hours that run past midnight). Still that day's one
    occurrence, with that day's key."""
    hour, minute = rule.hour, rule.minute
    quiet = rule.quiet
    if quiet is not None and quiet.holds(hour * 60 + minute):
        if quiet.start > quiet.end and hour * 60 + minute >= quiet.start:
            day += dt.timedelta(days=1)
        hour, minute = divmod(quiet.end, 60)
    local = dt.datetime.combine(day, dt.time(hour, minute), ZoneInfo(rule.timezone))
    # fold=0 (the default) picks the pre-transition offset: after a gap, first of two.
    return local.astimezone(UTC)


def next_fire(after: dt.datetime, rule: Rule) -> dt.datetime | None:
    """The first occurrence strictly after ``after`` (aware), in UTC; None when the
    rule has no weekdays."""
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    if not rule.weekdays:
        return None
    start = after.astimezone(ZoneInfo(rule.timezone)).date() - dt.timedelta(days=1)
    candidates = (occurrence_on(start + dt.timedelta(days=n), rule) for n in range(10)
                  if (start + dt.timedelta(days=n)).weekday() in rule.weekdays)
    return min((c for c in candidates if c > after), default=None)


def next_outside(fire_at: dt.datetime | None, rule: Rule,
                 paused: frozenset[dt.date] | set[dt.date]) -> dt.datetime | None:
    """The first occurrence from ``fire_at`` on whose local day is not ``paused`` (a
    flare-up's days send nothing), or None; looks at most a year ahead."""
    for _ in range(370):
        if fire_at is None or occurrence_day(fire_at, rule) not in paused:
            return fire_at
        fire_at = next_fire(fire_at, rule)
    return None


# Short weekday names, translated where shown (German "Mo.", "Di.", ...).
WEEKDAY_NAMES = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def when_words(fire_at: dt.datetime, now: dt.datetime, timezone: str) -> Text:
    """When ``fire_at`` comes, as a person says it in ``timezone``: "today 18:00",
    "tomorrow 08:00", "Mon 07:30" within the week, "Mon 14 Dec 07:30" beyond (the
    year too when it is not this one). A ``Text``: said in the page's language
    ("morgen um 08:00"); the clock is written "HH:MM", as English and German write it."""
    zone = ZoneInfo(timezone)
    local, today = fire_at.astimezone(zone), now.astimezone(zone).date()
    clock = local.strftime("%H:%M")
    ahead = (local.date() - today).days
    weekday = Text(WEEKDAY_NAMES[local.weekday()])
    if ahead == 0:
        return Text("today %(time)s", time=clock)
    if ahead == 1:
        return Text("tomorrow %(time)s", time=clock)
    if 1 < ahead < 7:
        return Text("%(weekday)s %(time)s", weekday=weekday, time=clock)
    return Text("%(weekday)s %(date)s %(time)s", weekday=weekday, date=local.date(), time=clock)


def occurrence_day(fire_at: dt.datetime, rule: Rule) -> dt.date:
    """The local day whose occurrence is ``fire_at``. Usually its local date; after a
    gap that crosses midnight it is the day before."""
    day = fire_at.astimezone(ZoneInfo(rule.timezone)).date()
    for candidate in (day, day - dt.timedelta(days=1)):
        if occurrence_on(candidate, rule) == fire_at:
            return candidate
    return day


def day_key(day: dt.date) -> str:
    """The delivery key of a scheduled occurrence: one per reminder and local day."""
    return day.isoformat()


def snooze_key(until: dt.datetime) -> str:
    """A snooze's own delivery key, distinct from every day key."""
    return SNOOZE_PREFIX + until.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def key_day(key: str, fire_at: dt.datetime, rule: Rule) -> dt.date:
    """The local day of the occurrence stored under ``key``: a day key names it; a
    snooze's is the local date it fires on."""
    if key.startswith(SNOOZE_PREFIX):
        return fire_at.astimezone(ZoneInfo(rule.timezone)).date()
    return dt.date.fromisoformat(key)


def is_stale(fire_at: dt.datetime, now: dt.datetime, grace: dt.timedelta) -> bool:
    """An occurrence older than the grace window (the dispatcher was down) is skipped
    rather than sent late in a burst."""
    return now - fire_at > grace


def missed(fire_at: dt.datetime, now: dt.datetime, rule: Rule, days: int = 8) -> list[dt.datetime]:
    """Occurrences from ``fire_at`` up to ``now``, oldest first: what a dispatcher that
    was down owes a decision about. After a longer outage only the last ``days`` days
    are walked; older ones are simply passed over."""
    horizon = now - dt.timedelta(days=days)
    current = fire_at if fire_at > horizon else next_fire(horizon, rule)
    due: list[dt.datetime] = []
    while current is not None and current <= now:
        due.append(current)
        current = next_fire(current, rule)
    return due
