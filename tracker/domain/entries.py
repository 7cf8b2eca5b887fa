"""Rules for what a logged session may contain, beyond field types and ranges."""
from __future__ import annotations

import datetime as dt

from tracker.domain.wording import N_

# A session may be logged at most this far ahead of the server's clock (clock skew,
# time zones); anything later is a mistake.
MAX_AHEAD = dt.timedelta(days=1)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
PER_SIDE_SIDES = ("left", "right")
WHOLE_BODY_SIDES = ("both", "none")


def default_side(per_side: bool) -> str | None:
    """Per-side stretches must name a side; the others default to both."""
    return None if per_side else "both"


# How each built-in raise is assisted, when the entry does not say.
_BUILTIN_ASSIST = {"slr-assisted": "helper", "slr-strap": "strap"}


def default_assisted(slug: str, needs_helper: bool) -> str | None:
    """helper (passive) or strap (self-assisted): the two give different angles, so an
    entry records which; custom stretches that need a helper count as passive."""
    return _BUILTIN_ASSIST.get(slug, "helper" if needs_helper else None)


def default_angle_method(angle_deg: float | None) -> str | None:
    return None if angle_deg is None else "manual"


def entry_problems(*, per_side: bool, measures_angle: bool, side: str | None,
                   angle_deg: float | None, angle_method: str | None) -> dict[str, str]:
    """Field -> message for an entry that does not fit its stretch."""
    problems: dict[str, str] = {}
    if per_side and side not in PER_SIDE_SIDES:
        problems["side"] = N_("This stretch is done per side: choose left or right.")
    elif not per_side and side not in WHOLE_BODY_SIDES:
        problems["side"] = N_("This stretch is not done per side: use both or none.")
    if not measures_angle and angle_deg is not None:
        problems["angle_deg"] = N_("This stretch has no angle to measure.")
    if angle_method is not None and angle_deg is None:
        problems["angle_method"] = N_("Give angle_deg with angle_method.")
    return problems


def performed_at_problem(when: dt.datetime, now: dt.datetime) -> str | None:
    if when > now + MAX_AHEAD:
        return N_("Cannot be more than a day in the future.")
    if when < EARLIEST:
        return N_("Cannot be before the year 2000.")
    return None
