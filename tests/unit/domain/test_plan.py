"""Today's plan (tracker.domain.plan): the stretches a person does most
often lately, ties broken by recency, without the ones to avoid."""
from __future__ import annotations

import pytest

from tracker.catalog import BUILTIN_SLUGS, DEFAULT_PLAN
from tracker.domain.plan import PROGRAMME_RAISE, guided_plan, usual_plan

DEFAULT = ("a", "b", "c", "d", "e")


@pytest.mark.parametrize(("recent", "kwargs", "expected"), [
    # nothing logged: the default plan, cut to size
    ([], {}, ["a", "b", "c", "d"]),
    ([], {"size": 2}, ["a", "b"]),
    ([], {"size": 10}, ["a", "b", "c", "d", "e"]),
    ([], {"exclude": ["b"]}, ["a", "c", "d", "e"]),
    # most often first
    (["x", "y", "y", "z", "y", "z"], {}, ["y", "z", "x"]),
    # ties: the most recently used first (the list is newest first)
    (["x", "y", "z"], {}, ["x", "y", "z"]),
    (["z", "y", "x", "x", "y", "z"], {}, ["z", "y", "x"]),
    # cut to size
    (["p", "q", "r", "s", "t"], {"size": 3}, ["p", "q", "r"]),
    (["p", "q", "r", "s", "t", "t"], {"size": 3}, ["t", "p", "q"]),
    # excluded stretches never come back, however often they were done
    (["x", "x", "x", "y"], {"exclude": ["x"]}, ["y"]),
    (["x", "x"], {"exclude": ["x"]}, ["a", "b", "c", "d"]),  # only excluded: default
    (["x"], {"exclude": ["a", "x"]}, ["b", "c", "d", "e"]),
])
def test_usual_plan(recent, kwargs, expected):
    assert usual_plan(recent, DEFAULT, **kwargs) == expected


@pytest.mark.parametrize("exclude", [set(), {"y"}, ("x", "z")])
def test_plan_has_no_duplicates_and_no_excluded(exclude):
    plan = usual_plan(["x", "y", "x", "z", "y", "x"], DEFAULT, size=4, exclude=exclude)
    assert len(plan) == len(set(plan))
    assert not set(plan) & set(exclude)


def test_default_accepts_a_generator():
    assert usual_plan([], (s for s in DEFAULT), size=2) == ["a", "b"]


def test_default_plan_names_builtin_stretches():
    assert set(DEFAULT_PLAN) <= BUILTIN_SLUGS
    assert usual_plan([], DEFAULT_PLAN) == list(DEFAULT_PLAN)[:4]


RAISES = ("slr-assisted", "slr-strap")


@pytest.mark.parametrize(("plan", "running", "expected"), [
    (["double-knee-to-chest"], True, ["double-knee-to-chest", "slr-strap"]),
    (["double-knee-to-chest"], False, ["double-knee-to-chest"]),
    (["slr-assisted", "supine-hamstring"], True, ["slr-assisted", "supine-hamstring"]),
    ([], True, ["slr-strap"]),
])
def test_a_running_programme_puts_its_raise_in_every_guided_session(plan, running, expected):
    assert guided_plan(plan, RAISES, running) == expected


def test_the_added_raise_is_a_builtin_raise():
    assert PROGRAMME_RAISE in BUILTIN_SLUGS and PROGRAMME_RAISE in RAISES
