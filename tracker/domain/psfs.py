"""The Patient-Specific Functional Scale (PSFS; Stratford et al. 1995, DOMAIN.md): the
person names up to five activities their back makes hard and rates each 0-10
(0 = unable to do it, 10 = as well as before the problem); the score is the mean.

A change counts as meaningful at a rise of at least 2 points for the mean and at
least 3 for one activity; a drop is never called meaningful here (the product says
when things get better, and points to the warning signs and a clinician otherwise).
The scale is offered once the person has used the app for a week, and asked again 7
days after the last rating."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.domain.wording import N_, Text, plural_text

NAME_MIN, NAME_MAX = 1, 80
ACTIVE_MAX = 5
NAME_RULE = Text("Name the activity in %(min)s–%(max)s characters.", min=NAME_MIN, max=NAME_MAX)
SCORE_MIN, SCORE_MAX = 0, 10
MEANINGFUL_MEAN = 2.0      # points, for the mean of the activities
MEANINGFUL_ACTIVITY = 3    # points, for one activity
ASK_EVERY_DAYS = 7         # asked again this many days after the last rating
OFFER_AFTER_DAYS = 7       # first offered after a week of use

# What the ends of the scale mean, in our own words.
SCALE_LOW = N_("0 = unable to do it")
SCALE_HIGH = N_("10 = as well as before the problem")
EXAMPLES = (N_("putting on socks"), N_("sitting through a film"), N_("lifting a shopping bag"))


@dataclass(frozen=True)
class Change:
    """First and last figure of a series, the change between them and whether the
    change is a meaningful improvement."""
    first: float
    last: float
    change: float
    meaningful: bool


def mean(scores: Iterable[int]) -> float | None:
    """The mean of a set's scores, to one decimal place (None for no scores)."""
    values = list(scores)
    if not values:
        return None
    return round(sum(values) / len(values), 1)


def meaningful(change: float, threshold: float) -> bool:
    """A rise of at least ``threshold`` points; never a drop."""
    return change >= threshold - 1e-9


def change_of(series: Sequence[float], threshold: float) -> Change | None:
    """The change from the first to the last figure of ``series`` (oldest first)."""
    if not series:
        return None
    first, last = series[0], series[-1]
    change = round(last - first, 1)
    return Change(first, last, change, meaningful(change, threshold))


def mean_change(means: Sequence[float]) -> Change | None:
    return change_of(means, MEANINGFUL_MEAN)


def activity_change(scores: Sequence[int]) -> Change | None:
    return change_of(scores, MEANINGFUL_ACTIVITY)


def _score(value: float) -> float | int:
    """A mean as the sentences write it: 6 -> "6", 5.5 -> "5.5" / "5,5"."""
    return int(value) if float(value).is_integer() else float(value)


def sentence(mean: Change, ratings: int) -> Text:
    """What Progress and the report say of the mean over ``ratings`` sets."""
    if ratings == 1:
        return Text("Your first rating: %(mean)s out of 10 on average across your "
                    "activities. Rate them again in a week to see a change.",
                    mean=_score(mean.last))
    if mean.change > 0:
        text = plural_text("Your activities average %(mean)s out of 10, up %(change)s from "
                           "%(first)s at your first rating (%(num)s rating).",
                           "Your activities average %(mean)s out of 10, up %(change)s from "
                           "%(first)s at your first rating (%(num)s ratings).", ratings,
                           mean=_score(mean.last), change=_score(abs(mean.change)),
                           first=_score(mean.first))
    elif mean.change < 0:
        text = plural_text("Your activities average %(mean)s out of 10, down %(change)s from "
                           "%(first)s at your first rating (%(num)s rating).",
                           "Your activities average %(mean)s out of 10, down %(change)s from "
                           "%(first)s at your first rating (%(num)s ratings).", ratings,
                           mean=_score(mean.last), change=_score(abs(mean.change)),
                           first=_score(mean.first))
    else:
        text = plural_text("Your activities average %(mean)s out of 10, the same as at your "
                           "first rating (%(num)s rating).",
                           "Your activities average %(mean)s out of 10, the same as at your "
                           "first rating (%(num)s ratings).", ratings, mean=_score(mean.last))
    if mean.meaningful:
        # TRANSLATORS: follows "Your activities average ...": the rise is meaningful.
        return Text("%(text)s That is a meaningful improvement (%(points)s points or more).",
                    text=text, points=_score(MEANINGFUL_MEAN))
    if mean.change > 0:
        return Text("%(text)s A rise of %(points)s points or more is the change people notice.",
                    text=text, points=_score(MEANINGFUL_MEAN))
    return text


def name_problem(name: str) -> str | None:
    """Why this activity name cannot be used (after trimming), or None."""
    if not NAME_MIN <= len(name.strip()) <= NAME_MAX:
        return NAME_RULE
    return None


def too_many_active(active_count: int) -> bool:
    """Whether one more active activity would pass the limit (``active_count`` are
    active already)."""
    return active_count >= ACTIVE_MAX


def set_problem(activity_ids: Sequence[int], active_ids: Iterable[int]
                ) -> tuple[int, str] | None:
    """(index, why) of the first score of a set that cannot be kept, or None: each
    activity once, each one in use. An empty set is index -1."""
    if not activity_ids:
        return -1, N_("Rate at least one activity.")
    active, seen = set(active_ids), set()
    for index, activity_id in enumerate(activity_ids):
        if activity_id in seen:
            return index, N_("Rate each activity once.")
        if activity_id not in active:
            return index, N_("Rate only your activities that are in use.")
        seen.add(activity_id)
    return None


def due_on(last_rated: dt.date) -> dt.date:
    """The day the scale is asked again after a rating on ``last_rated``."""
    return last_rated + dt.timedelta(days=ASK_EVERY_DAYS)


def offered_from(first_use: dt.date) -> dt.date:
    """The first day the scale is offered to someone who started on ``first_use``."""
    return first_use + dt.timedelta(days=OFFER_AFTER_DAYS)


def due(today: dt.date, last_rated: dt.date | None, first_use: dt.date | None) -> bool:
    """Whether Today asks for a rating: 7 days after the last one; before a first one,
    once the person has used the app for a week."""
    if last_rated is not None:
        return today >= due_on(last_rated)
    return first_use is not None and today >= offered_from(first_use)
