"""The SLR programme rules (tracker.domain.progression): bands for every day, where an
angle sits, the status, the gap between the legs and the sentence."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain import progression as p

START = dt.date(2027, 3, 1)

BANDS = {1: (30, 45), 2: (30, 45), 3: (30, 45), 4: (37.5, 52.5), 5: (45, 60),
         6: (52.5, 67.5), 7: (60, 75), 8: (60, 75), 9: (60, 75), 10: (60, 75)}


@pytest.mark.parametrize("length", [7, 10])
@pytest.mark.parametrize("day", range(1, 11))
def test_band_of_every_day(length, day):
    if day > length:
        with pytest.raises(ValueError):
            p.target_band(day, length)
        return
    band = p.target_band(day, length)
    assert (band.low, band.high) == BANDS[day]


@pytest.mark.parametrize("day", [1, 5, 7, 10])
def test_whole_bands_are_whole_numbers(day):
    band = p.target_band(day, 10)
    assert isinstance(band.low, int) and isinstance(band.high, int)


@pytest.mark.parametrize(("day", "length"), [(0, 10), (-1, 10), (11, 10), (8, 7), (1, 6), (1, 11)])
def test_band_outside_the_programme_is_an_error(day, length):
    with pytest.raises(ValueError):
        p.target_band(day, length)


@pytest.mark.parametrize(("on", "expected"), [
    (START - dt.timedelta(days=1), None),
    (START, (30, 45)),
    (START + dt.timedelta(days=4), (45, 60)),
    (START + dt.timedelta(days=9), (60, 75)),
    (START + dt.timedelta(days=10), None),
])
def test_band_on_a_calendar_day(on, expected):
    band = p.band_on(START, 10, on)
    assert (band and (band.low, band.high)) == expected


@pytest.mark.parametrize(("angle", "place"), [
    (29.9, "under"), (30, "in"), (40, "in"), (45, "in"), (45.1, "over"), (0, "under"),
])
def test_place_in_band(angle, place):
    assert p.Band(30, 45).place(angle) == place


def days_with(best: dict[int, tuple], length: int = 10, leg: str = "left"):
    return p.program_days(START, length, leg,
                          {START + dt.timedelta(days=n - 1): v for n, v in best.items()})


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n - 1)


@pytest.mark.parametrize(("best", "leg", "today", "status"), [
    ({}, "left", day(3), None),
    ({1: (35, 70)}, "left", day(1), "on_track"),
    ({1: (25, 70)}, "left", day(1), "behind"),
    ({1: (50, 70)}, "left", day(1), "ahead"),
    ({1: (70, 25)}, "right", day(1), "behind"),
    ({1: (25, 70), 5: (50, 70)}, "left", day(6), "on_track"),  # the latest logged day counts
    ({1: (35, 70), 5: (40, 70)}, "left", day(5), "behind"),    # 40 is under day 5's 45-60
    ({1: (35, 70), 5: (None, 70)}, "left", day(5), "on_track"),  # other leg only: day 1 is latest
    ({1: (35, 70), 5: (40, 70)}, "left", day(4), "on_track"),  # day 5 is after "today"
])
def test_status(best, leg, today, status):
    assert p.status(days_with(best, leg=leg), today) == status


@pytest.mark.parametrize(("best", "leg", "gap"), [
    ({}, "left", None),
    ({2: (40, None)}, "left", None),
    ({2: (40, 75)}, "left", 35),
    ({2: (40, 75)}, "right", -35),
    ({2: (40, 75), 3: (45, None)}, "left", 35),  # the latest day with both legs
    ({2: (40, 75), 3: (50.5, 76)}, "left", 25.5),
])
def test_leg_gap(best, leg, gap):
    assert p.leg_gap(days_with(best, leg=leg), day(5)) == gap


@pytest.mark.parametrize(("best", "today", "sentence"), [
    ({5: (50, 70)}, day(5), "Day 5 of 10: 50°, inside today's 45–60°."),
    ({5: (40.5, 70)}, day(5), "Day 5 of 10: 40.5°, under today's 45–60°."),
    ({4: (60, 70)}, day(5), "Day 4 of 10: 60°, above day 4's 37.5–52.5°."),
    ({}, day(2), "Day 2 of 10: no angle logged yet; the target is 30–45°."),
    ({}, day(0), "Starts on 2027-03-01: 10 days, first target 30–45°."),
    ({}, day(14), "Day 10 of 10: no angle logged yet; the target is 60–75°."),
    ({10: (66, 70)}, day(12), "Day 10 of 10: 66°, inside day 10's 60–75° (the programme has finished)."),
])
def test_sentence(best, today, sentence):
    assert p.sentence(days_with(best), today) == sentence


def test_program_days_carry_dates_bands_and_both_legs():
    days = days_with({2: (40, 75)}, length=7, leg="right")
    assert [d.day for d in days] == list(range(1, 8))
    assert days[1].date == dt.date(2027, 3, 2)
    assert (days[1].best_left, days[1].best_right, days[1].affected, days[1].other) == (40, 75, 75, 40)
    assert days[1].result == "over" and days[0].result is None


@pytest.mark.parametrize(("start", "ok"), [
    (dt.date(2027, 3, 1), True),
    (dt.date(2026, 3, 1), True),    # exactly a year ago
    (dt.date(2026, 2, 28), False),
    (dt.date(2028, 2, 29), True),   # 365 days ahead (2028 is a leap year)
    (dt.date(2028, 3, 1), False),
])
def test_start_within_a_year(start, ok):
    assert (p.start_problem(start, dt.date(2027, 3, 1)) is None) == ok


def test_only_the_slr_stretches_count():
    assert set(p.SLR_STRETCHES) == {"slr-assisted", "slr-strap"}
