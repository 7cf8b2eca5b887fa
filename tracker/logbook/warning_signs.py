"""The warning-signs check (red flags): a person's answer, recorded and read back.
The rules and the questions live in tracker.domain.safety."""
from __future__ import annotations

import datetime as dt

from tracker.auth.models import User
from tracker.domain import safety
from tracker.domain.wording import Text
from tracker.errors import Invalid


def red_flags_answered(user: User) -> bool:
    return user.red_flags_answered_at is not None


def red_flags(user: User) -> safety.RedFlagOutcome:
    return safety.red_flag_outcome(user.red_flags or [])


def record_red_flags(user: User, ticked: list[str], now: dt.datetime,
                     none_apply: bool = False) -> safety.RedFlagOutcome:
    unknown = sorted(set(ticked) - safety.RED_FLAG_KEYS)
    if unknown:
        raise Invalid.field("red_flags", Text("Unknown items: %(items)s.", items=", ".join(unknown)))
    problem = safety.answer_problem(ticked, none_apply)
    if problem:
        raise Invalid.field("red_flags", problem)
    user.red_flags = sorted(set(ticked))
    user.red_flags_answered_at = now
    return safety.red_flag_outcome(user.red_flags)
