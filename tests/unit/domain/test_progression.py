"""The SLR programme rules (tracker.domain.progression): bands for every step, hold
days and flare-up pauses, where an angle sits, the status, the gap between the legs,
the sentence and how a finished programme went."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain import progression as p
from tracker.domain.wording import Text, english

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
    day = p.day_of(p.program_days(START, 10, "left", {}), on)
    assert (day and (day.band.low, day.band.high)) == expected


def test_without_holds_the_programme_ends_as_planned():
    days = p.program_days(START, 10, "left", {})
    assert [d.step for d in days] == list(range(1, 11))
    assert days[-1].date == p.planned_end(START, 10) and not any(d.hold for d in days)


@pytest.mark.parametrize(("rises", "worse", "hold"), [
    ([], False, False),
    ([1], False, False),
    ([2], False, True),        # the threshold itself holds
    ([-3, 4], False, True),    # any session of the day
    ([None], False, False),    # a session without both scores
    ([None, 0], True, True),   # a stretch marked "made it worse"
])
def test_hold_day_rule(rises, worse, hold):
    assert p.is_hold(rises, worse) is hold


def test_a_hold_on_day_4_keeps_its_band_on_day_5_and_ends_a_day_later():
    days = p.program_days(START, 10, "left", {}, holds={day(4)})
    assert len(days) == 11 and days[-1].date == day(11)
    assert [d.step for d in days] == [1, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10]
    assert (days[4].band.low, days[4].band.high) == (37.5, 52.5)
    assert days[3].hold and not days[4].hold
    assert p.held(days, days[4]) and not p.held(days, days[3])


def test_three_holds():
    days = p.program_days(START, 7, "left", {}, holds={day(2), day(3), day(4)})
    assert [d.step for d in days] == [1, 2, 2, 2, 2, 3, 4, 5, 6, 7]
    assert p.hold_count(days, day(4)) == 3 and p.hold_count(days, day(3)) == 2
    assert "pause the programme and ask a clinician" in p.sentence(days, day(4))
    assert "clinician" not in p.sentence(days, day(3))


def test_a_hold_on_the_last_day_does_not_lengthen_it():
    days = p.program_days(START, 7, "left", {}, holds={day(7)})
    assert len(days) == 7


def test_a_flare_up_shifts_the_days_after_it_and_has_no_target():
    paused = {day(3), day(4), day(5)}
    days = p.program_days(START, 10, "left", {}, paused=paused)
    assert len(days) == 10 and days[-1].date == day(13)
    assert [d.date for d in days[:3]] == [day(1), day(2), day(6)]
    assert days[2].step == 3 and days[2].day == 3
    assert [d.paused_before for d in days[:4]] == [0, 0, 3, 0]
    assert p.day_of(days, day(4)) is None


def test_holds_and_a_flare_up_together():
    # Day 2 is held, then three paused days, then day 6 (programme day 3) is held too.
    days = p.program_days(START, 7, "right", {}, holds={day(2), day(6)},
                          paused={day(3), day(4), day(5)})
    assert [(d.date, d.step) for d in days] == [
        (day(1), 1), (day(2), 2), (day(6), 2), (day(7), 2), (day(8), 3), (day(9), 4),
        (day(10), 5), (day(11), 6), (day(12), 7)]
    assert p.held(days, days[2]) and p.held(days, days[3])


def test_paused_days_before_the_start_change_nothing():
    assert p.program_days(START, 7, "left", {}, paused={day(0), day(-1)}) == \
        p.program_days(START, 7, "left", {})


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
    # the start date as English writes it: "1 Mar", with the year when not this one
    ({}, day(0), f"Starts on {english(START)}: 10 days, first target 30–45°."),
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


@pytest.mark.parametrize(("holds", "paused", "today", "says"), [
    ({day(4)}, set(), day(5), "Day 5 of 11: no angle logged yet; the target is 37.5–52.5°. "
                              "Today's target stays at 37.5–52.5°: pain rose after yesterday's session."),
    ({day(4)}, set(), day(4), "Day 4 of 11: no angle logged yet; the target is 37.5–52.5°. "
                              "Tomorrow's target stays at 37.5–52.5°: pain rose today."),
    (set(), {day(2), day(3)}, day(3), "Paused for a flare-up: the programme goes on when it is over."),
])
def test_sentence_says_why_a_target_waits(holds, paused, today, says):
    days = p.program_days(START, 10, "left", {}, holds=holds, paused=paused)
    assert p.sentence(days, today) == says


@pytest.mark.parametrize(("best", "says", "next_starts"), [
    ({}, "No straight-leg-raise angle was logged for the affected leg.", "Keep up a few raises"),
    ({2: (40, 70)}, "One angle was logged: 40° on day 2, inside its 30–45°.", "Keep up a few raises"),
    ({1: (35, 70), 2: (None, 70), 10: (66, 75)},
     "Your leg went from 35° on day 1 (inside its 30–45°) to 66° on day 10 (inside its 60–75°).",
     "Keep it there: a few raises a week in the 60–75° band."),
])
def test_outcome_of_a_finished_programme(best, says, next_starts):
    result = p.outcome(days_with(best))
    assert result.sentence == says and result.next_step.startswith(next_starts)


def test_sentences_keep_their_message_for_other_languages():
    """The sentence reads English (the API) and keeps what another language needs: its
    message and parameters, the band and the place said by their own messages."""
    said = p.sentence(days_with({4: (60, 70)}), day(5))
    assert isinstance(said, Text) and said == "Day 4 of 10: 60°, above day 4's 37.5–52.5°."
    assert said.msgid == "Day %(day)s of %(length)s: %(angle)s°, %(place)s."
    place = said.params["place"]
    assert place.msgid == "above day %(day)s's %(band)s"
    assert place.params["band"].params == {"low": 37.5, "high": 52.5}
    joined = p.sentence(p.program_days(START, 10, "left", {}, holds={day(4)}), day(5))
    assert joined.msgid == "%(text)s %(more)s"
