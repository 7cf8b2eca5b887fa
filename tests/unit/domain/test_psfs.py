"""PSFS rules (tracker.domain.psfs): the mean, the change and when it is meaningful
(a rise of 2 for the mean, 3 for one activity, never a drop), the limits, and when the
scale is offered and asked again."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain import psfs

TODAY = dt.date(2027, 3, 10)


def d(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.mark.parametrize(("scores", "mean"), [
    ([], None), ([0], 0.0), ([10], 10.0), ([3, 4], 3.5), ([1, 2, 2], 1.7), ([10, 0, 5, 5, 5], 5.0),
])
def test_the_score_is_the_mean(scores, mean):
    assert psfs.mean(scores) == mean


@pytest.mark.parametrize(("means", "change", "meaningful"), [
    ([4.0], 0.0, False),
    ([4.0, 6.0], 2.0, True),          # exactly 2 up: meaningful
    ([4.0, 5.9], 1.9, False),
    ([3.3, 5.3], 2.0, True),          # float arithmetic does not lose the threshold
    ([6.0, 3.0], -3.0, False),        # a drop is never called meaningful
    ([2.0, 9.0, 4.0], 2.0, True),     # first to last; the middle does not count
])
def test_change_of_the_mean(means, change, meaningful):
    result = psfs.mean_change(means)
    assert (result.first, result.last, result.change, result.meaningful) == (
        means[0], means[-1], change, meaningful)


@pytest.mark.parametrize(("scores", "change", "meaningful"), [
    ([2, 4], 2, False),               # 2 is enough for the mean, not for one activity
    ([2, 5], 3, True),
    ([0, 10], 10, True),
    ([8, 5], -3, False),
    ([5], 0, False),
])
def test_change_of_one_activity(scores, change, meaningful):
    result = psfs.activity_change(scores)
    assert (result.change, result.meaningful) == (change, meaningful)


def test_no_series_no_change():
    assert psfs.mean_change([]) is None and psfs.activity_change([]) is None


@pytest.mark.parametrize(("name", "ok"), [
    ("x", True), ("x" * 80, True), ("", False), ("   ", False), ("x" * 81, False),
    ("  putting on socks  ", True),
])
def test_activity_names(name, ok):
    assert (psfs.name_problem(name) is None) is ok


@pytest.mark.parametrize(("active", "too_many"), [(0, False), (4, False), (5, True), (6, True)])
def test_at_most_five_active(active, too_many):
    assert psfs.too_many_active(active) is too_many


@pytest.mark.parametrize(("ids", "active", "problem"), [
    ([1, 2], [1, 2, 3], None),
    ([], [1], (-1, "Rate at least one activity.")),
    ([1, 2, 1], [1, 2], (2, "Rate each activity once.")),
    ([1, 4], [1, 2], (1, "Rate only your activities that are in use.")),
])
def test_a_set_rates_each_active_activity_once(ids, active, problem):
    assert psfs.set_problem(ids, active) == problem


@pytest.mark.parametrize(("last", "first_use", "due"), [
    (None, None, False),
    (None, d(-6), False),      # not yet a week of use
    (None, d(-7), True),       # a week of use: offered
    (d(-6), d(-30), False),
    (d(-7), d(-30), True),     # 7 days after the last rating
    (d(-20), d(-30), True),
    (d(0), d(-30), False),
])
def test_when_the_scale_is_asked(last, first_use, due):
    assert psfs.due(TODAY, last, first_use) is due


def test_due_and_offer_days():
    assert psfs.due_on(TODAY) == d(7) and psfs.offered_from(TODAY) == d(7)


@pytest.mark.parametrize(("means", "said"), [
    ([5.5], "Your first rating: 5.5 out of 10 on average across your activities. Rate them "
            "again in a week to see a change."),
    ([4.0, 6.5], "Your activities average 6.5 out of 10, up 2.5 from 4 at your first rating "
                 "(2 ratings). That is a meaningful improvement (2 points or more)."),
    ([4.0, 5.0, 5.0], "Your activities average 5 out of 10, up 1 from 4 at your first rating "
                      "(3 ratings). A rise of 2 points or more is the change people notice."),
    ([6.0, 3.0], "Your activities average 3 out of 10, down 3 from 6 at your first rating "
                 "(2 ratings)."),
    ([6.0, 6.0], "Your activities average 6 out of 10, the same as at your first rating "
                 "(2 ratings)."),
])
def test_the_sentence_says_where_the_mean_stands(means, said):
    assert psfs.sentence(psfs.mean_change(means), len(means)) == said
