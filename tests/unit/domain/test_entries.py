"""What a session entry may contain beyond types and ranges
(tracker.domain.entries): sides per stretch kind, angles only where measured, and
how far from now a session may be dated."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain.entries import (EARLIEST, MAX_AHEAD, PER_SIDE_SIDES, WHOLE_BODY_SIDES,
                                    default_angle_method, default_assisted, default_side,
                                    entry_problems, performed_at_problem)

UTC = dt.timezone.utc
NOW = dt.datetime(2027, 6, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("per_side", "expected"), [(True, None), (False, "both")])
def test_default_side(per_side, expected):
    assert default_side(per_side) == expected


def problems(per_side=False, measures_angle=False, side="both", angle_deg=None, angle_method=None):
    return entry_problems(per_side=per_side, measures_angle=measures_angle, side=side,
                          angle_deg=angle_deg, angle_method=angle_method)


@pytest.mark.parametrize(("per_side", "side", "ok"), [
    (True, "left", True),
    (True, "right", True),
    (True, "both", False),
    (True, "none", False),
    (True, None, False),      # a per-side stretch must name its side
    (False, "both", True),
    (False, "none", True),
    (False, "left", False),
    (False, "right", False),
    (False, None, False),
    (True, "LEFT", False),
    (False, "", False),
])
def test_side_must_fit_the_stretch(per_side, side, ok):
    found = problems(per_side=per_side, side=side)
    assert ("side" not in found) is ok
    if not ok:
        assert ("left or right" if per_side else "both or none") in found["side"]


@pytest.mark.parametrize(("measures_angle", "angle", "ok"), [
    (True, 45.0, True),
    (True, 0.0, True),        # zero is an angle, not "no angle"
    (True, None, True),
    (False, None, True),
    (False, 30.0, False),
    (False, 0.0, False),
])
def test_angle_only_on_angle_measuring_stretches(measures_angle, angle, ok):
    side = "left" if measures_angle else "both"
    found = problems(per_side=measures_angle, measures_angle=measures_angle, side=side,
                     angle_deg=angle)
    assert ("angle_deg" not in found) is ok


@pytest.mark.parametrize(("angle", "method", "ok"), [
    (40.0, "phone", True),
    (40.0, None, True),
    (None, None, True),
    (None, "phone", False),
    (None, "manual", False),
])
def test_angle_method_needs_an_angle(angle, method, ok):
    found = problems(per_side=True, measures_angle=True, side="left", angle_deg=angle,
                     angle_method=method)
    assert ("angle_method" not in found) is ok


def test_several_problems_at_once():
    found = problems(per_side=True, measures_angle=False, side="both", angle_deg=10.0)
    assert set(found) == {"side", "angle_deg"}


def test_sides_vocabulary():
    assert set(PER_SIDE_SIDES) | set(WHOLE_BODY_SIDES) == {"left", "right", "both", "none"}
    assert not set(PER_SIDE_SIDES) & set(WHOLE_BODY_SIDES)


@pytest.mark.parametrize(("when", "problem"), [
    (NOW, None),
    (NOW - dt.timedelta(days=400), None),
    (NOW + dt.timedelta(hours=23), None),
    (NOW + MAX_AHEAD, None),                                   # exactly a day ahead is fine
    (NOW + MAX_AHEAD + dt.timedelta(seconds=1), "future"),
    (NOW + dt.timedelta(days=30), "future"),
    (EARLIEST, None),
    (EARLIEST - dt.timedelta(seconds=1), "2000"),
    (dt.datetime(1999, 12, 31, 23, 0, tzinfo=UTC), "2000"),
    # other offsets compare as instants
    (dt.datetime(2027, 6, 16, 13, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))), None),
    (dt.datetime(2027, 6, 16, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2))), "future"),
])
def test_performed_at_problem(when, problem):
    found = performed_at_problem(when, NOW)
    if problem is None:
        assert found is None
    else:
        assert problem in found


def test_max_ahead_is_one_day():
    assert MAX_AHEAD == dt.timedelta(days=1)


@pytest.mark.parametrize(("slug", "needs_helper", "expected"), [
    ("slr-assisted", True, "helper"),
    ("slr-strap", False, "strap"),
    ("supine-hamstring", False, None),
    ("my-partner-stretch", True, "helper"),
    ("my-band-stretch", False, None),
])
def test_default_assisted(slug, needs_helper, expected):
    assert default_assisted(slug, needs_helper) == expected


@pytest.mark.parametrize(("angle", "expected"), [(None, None), (0.0, "manual"), (45.5, "manual")])
def test_default_angle_method(angle, expected):
    assert default_angle_method(angle) == expected
