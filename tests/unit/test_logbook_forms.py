"""The log form's translation (tracker.logbook.forms): posted stretch cards to the
API's session body (``session_payload``), API error names back to form names
(``form_errors``), and the cards again for re-showing or editing a form."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from tracker.logbook.forms import (cards_from_form, cards_from_session, form_errors, number,
                                   readable_errors, session_payload, stretch_phrases)

UTC = dt.timezone.utc
NOW = dt.datetime(2027, 6, 15, 12, 0, tzinfo=UTC)
CID = "0b0c1f5e-3f7c-4c8a-9d57-2f3c6a1b2c3d"


def payload(pairs: list[tuple[str, str]], timezone: str = "Europe/Berlin"):
    return session_payload(MultiDict(pairs), timezone, NOW)


@pytest.mark.parametrize(("text", "value"), [
    (None, None),
    ("", None),
    ("   ", None),
    ("5", 5),
    (" 7 ", 7),
    ("-1", -1),
    ("0", 0),
    ("3.5", 3.5),
    ("40.25", 40.25),
    ("abc", "abc"),      # left as text so the schema names the field
    ("1e3", "1e3"),
    ("5,5", "5,5"),
    ("9" * 30, int("9" * 30)),
    ("9" * 31, "9" * 31),        # no field takes that many digits (int() stops at 4300)
    ("9" * 5000, "9" * 5000),
    ("1." + "5" * 31, "1." + "5" * 31),
])
def test_number(text, value):
    result = number(text)
    assert result == value
    assert type(result) is type(value)


def test_top_level_fields():
    body, card_of = payload([("client_id", CID), ("performed_at", "2027-06-14T08:30"),
                             ("pain_before", "6"), ("pain_after", "4"), ("notes", "stiff")])
    assert body == {"client_id": CID, "performed_at": "2027-06-14T08:30:00+02:00",
                    "pain_before": 6, "pain_after": 4, "notes": "stiff", "entries": []}
    assert card_of == {}


@pytest.mark.parametrize(("zone", "local", "iso"), [
    ("Europe/Berlin", "2027-06-14T08:30", "2027-06-14T08:30:00+02:00"),
    ("Europe/Berlin", "2027-01-14T08:30", "2027-01-14T08:30:00+01:00"),
    ("America/Los_Angeles", "2027-06-14T23:30", "2027-06-14T23:30:00-07:00"),
    ("Asia/Kolkata", "2027-06-14T06:00", "2027-06-14T06:00:00+05:30"),
    ("Pacific/Auckland", "2027-06-14T06:00", "2027-06-14T06:00:00+12:00"),
    # an explicit offset is kept as sent
    ("Europe/Berlin", "2027-06-14T08:30:00+00:00", "2027-06-14T08:30:00+00:00"),
])
def test_datetime_local_is_wall_time_in_the_users_zone(zone, local, iso):
    body, _ = payload([("performed_at", local)], zone)
    assert body["performed_at"] == iso


@pytest.mark.parametrize("pairs", [[], [("performed_at", "")]])
def test_missing_time_means_now(pairs):
    body, _ = payload(pairs)
    assert body["performed_at"] == NOW.isoformat()


def test_unparseable_time_is_passed_on_for_the_schema_to_name():
    body, _ = payload([("performed_at", "yesterday")])
    assert body["performed_at"] == "yesterday"


@pytest.mark.parametrize(("pairs", "absent"), [
    ([("pain_before", "")], {"pain_before", "pain_after"}),
    ([], {"pain_before", "pain_after"}),
    ([("pain_after", "3")], {"pain_before"}),
])
def test_blank_pain_is_left_out(pairs, absent):
    body, _ = payload(pairs)
    assert not absent & set(body)


@pytest.mark.parametrize(("text", "sent"), [("11", 11), ("3.5", 3.5), ("five", "five")])
def test_bad_pain_is_passed_on_for_the_schema(text, sent):
    body, _ = payload([("pain_before", text)])
    assert body["pain_before"] == sent


def test_missing_client_id_and_notes_become_empty_text():
    body, _ = payload([])
    assert body["client_id"] == "" and body["notes"] == ""


def test_only_ticked_cards_become_entries():
    body, card_of = payload([
        ("entries-0-stretch", "double-knee-to-chest"), ("entries-0-done", "1"),
        ("entries-0-reps", "3"), ("entries-0-hold_seconds", "20"),
        ("entries-1-stretch", "single-knee-to-chest"),           # not ticked
        ("entries-1-reps", "3"), ("entries-1-sides", "left"),
        ("entries-2-stretch", "slr-strap"), ("entries-2-done", "1"),
    ])
    assert body["entries"] == [
        {"stretch": "double-knee-to-chest", "worse": False, "reps": 3, "hold_seconds": 20},
        {"stretch": "slr-strap", "worse": False},
    ]
    assert card_of == {0: 0, 1: 2}


def test_per_side_card_makes_one_entry_per_side_with_its_angle():
    body, card_of = payload([
        ("entries-3-stretch", "supine-hamstring"), ("entries-3-done", "1"),
        ("entries-3-reps", "3"), ("entries-3-hold_seconds", "20"),
        ("entries-3-sides", "left"), ("entries-3-sides", "right"),
        ("entries-3-angle_left", "45"), ("entries-3-angle_right", "52.5"),
        ("entries-3-worse", "1"),
    ])
    assert body["entries"] == [
        {"stretch": "supine-hamstring", "worse": True, "reps": 3, "hold_seconds": 20,
         "side": "left", "angle_deg": 45},
        {"stretch": "supine-hamstring", "worse": True, "reps": 3, "hold_seconds": 20,
         "side": "right", "angle_deg": 52.5},
    ]
    assert card_of == {0: 3, 1: 3}


def test_side_without_an_angle_has_no_angle_deg():
    body, _ = payload([("entries-0-stretch", "slr-strap"), ("entries-0-done", "1"),
                       ("entries-0-sides", "right"), ("entries-0-angle_left", "40")])
    assert body["entries"] == [{"stretch": "slr-strap", "worse": False, "side": "right"}]


def test_whole_body_card_with_an_angle():
    body, _ = payload([("entries-0-stretch", "custom"), ("entries-0-done", "1"),
                       ("entries-0-angle_deg", "30")])
    assert body["entries"] == [{"stretch": "custom", "worse": False, "angle_deg": 30}]


def test_cards_are_read_in_index_order_not_post_order():
    body, card_of = payload([
        ("entries-10-stretch", "b"), ("entries-10-done", "1"),
        ("entries-2-stretch", "a"), ("entries-2-done", "1"),
    ])
    assert [e["stretch"] for e in body["entries"]] == ["a", "b"]
    assert card_of == {0: 2, 1: 10}


@pytest.mark.parametrize(("reps", "sent"), [("", None), ("0", 0), ("x", "x"), ("2.5", 2.5)])
def test_card_numbers(reps, sent):
    body, _ = payload([("entries-0-stretch", "a"), ("entries-0-done", "1"),
                       ("entries-0-reps", reps)])
    assert body["entries"][0].get("reps") == sent


# ------------------------------------------------------------------ form_errors

@pytest.mark.parametrize(("errors", "card_of", "expected"), [
    ({}, {}, {}),
    ({"pain_before": ["bad"]}, {}, {"pain_before": ["bad"]}),
    ({"entries.0.reps": ["too many"]}, {0: 4}, {"entries-4-reps": ["too many"]}),
    ({"entries.1.angle_deg": ["no"]}, {0: 3, 1: 3}, {"entries-3-angle_deg": ["no"]}),
    # two entries of one card: messages land together on the card
    ({"entries.0.side": ["a"], "entries.1.side": ["b"]}, {0: 2, 1: 2},
     {"entries-2-sides": ["a", "b"]}),
    # no card for that entry: the API name stays
    ({"entries.5.reps": ["x"]}, {0: 1}, {"entries.5.reps": ["x"]}),
    ({"entries": ["Length must be between 1 and 50."]}, {},
     {"entries": ["Tick at least one stretch you did."]}),
    ({"_schema": ["broken"]}, {}, {"_schema": ["broken"]}),
])
def test_form_errors(errors, card_of, expected):
    assert form_errors(errors, card_of) == expected


def test_round_trip_error_lands_on_the_card_that_caused_it():
    body, card_of = payload([
        ("entries-0-stretch", "a"),
        ("entries-1-stretch", "b"), ("entries-1-done", "1"), ("entries-1-reps", "99"),
    ])
    assert body["entries"][0]["reps"] == 99
    assert form_errors({"entries.0.reps": ["Must be between 1 and 50."]}, card_of) == {
        "entries-1-reps": ["Must be between 1 and 50."]}


# ------------------------------------------------------------------ re-showing cards

def test_cards_from_form():
    cards = cards_from_form(MultiDict([
        ("entries-0-stretch", "slr-strap"), ("entries-0-done", "1"), ("entries-0-reps", "5"),
        ("entries-0-hold_seconds", "10"), ("entries-0-sides", "left"),
        ("entries-0-angle_left", "40"), ("entries-0-worse", "1"),
        ("entries-1-stretch", "double-knee-to-chest"), ("entries-1-reps", "3"),
    ]))
    assert cards["slr-strap"] == {"done": True, "reps": "5", "hold_seconds": "10", "worse": True,
                                  "sides": ["left"], "angles": {"left": "40"}, "methods": {}}
    assert cards["double-knee-to-chest"]["done"] is False
    assert cards["double-knee-to-chest"]["angles"] == {}


def _entry(slug, side, angle=None, worse=False, method=None):
    return SimpleNamespace(stretch=SimpleNamespace(slug=slug), side=side, reps=5,
                           hold_seconds=10, angle_deg=angle, angle_method=method, worse=worse)


def test_cards_from_session_merges_sides_of_one_stretch():
    session = SimpleNamespace(entries=[
        _entry("slr-strap", "left", 40.0), _entry("slr-strap", "right", 55.5, worse=True),
        _entry("double-knee-to-chest", "both"),
    ])
    cards = cards_from_session(session)
    assert cards["slr-strap"] == {"done": True, "reps": 5, "hold_seconds": 10, "worse": True,
                                  "sides": ["left", "right"],
                                  "angles": {"left": 40.0, "right": 55.5},
                                  "methods": {"left": "manual", "right": "manual"}}
    assert cards["double-knee-to-chest"]["sides"] == []
    assert cards["double-knee-to-chest"]["worse"] is False


# ------------------------------------------------------------------ angle methods


@pytest.mark.parametrize(("pairs", "expected"), [
    # the hidden per-leg field goes with that leg's angle as angle_method
    ([("entries-0-sides", "left"), ("entries-0-angle_left", "40"),
      ("entries-0-angle_method_left", "phone")], [("left", 40, "phone")]),
    ([("entries-0-sides", "left"), ("entries-0-sides", "right"),
      ("entries-0-angle_left", "40"), ("entries-0-angle_method_left", "manual"),
      ("entries-0-angle_right", "55"), ("entries-0-angle_method_right", "phone")],
     [("left", 40, "manual"), ("right", 55, "phone")]),
    # no angle: the method is not sent (the API would refuse a method without an angle)
    ([("entries-0-sides", "left"), ("entries-0-angle_method_left", "manual")],
     [("left", None, None)]),
    ([("entries-0-sides", "left"), ("entries-0-sides", "right"),
      ("entries-0-angle_method_left", "phone"), ("entries-0-angle_right", "60"),
      ("entries-0-angle_method_right", "phone")], [("left", None, None), ("right", 60, "phone")]),
    # no method posted (a page without the hidden fields): the service defaults it
    ([("entries-0-sides", "left"), ("entries-0-angle_left", "45")], [("left", 45, None)]),
    # a blank method is no method
    ([("entries-0-sides", "left"), ("entries-0-angle_left", "45"),
      ("entries-0-angle_method_left", " ")], [("left", 45, None)]),
    # anything else is passed on for the schema to name
    ([("entries-0-sides", "left"), ("entries-0-angle_left", "45"),
      ("entries-0-angle_method_left", "laser")], [("left", 45, "laser")]),
    # a whole-body angle stretch: entries-i-angle_method
    ([("entries-0-angle_deg", "30"), ("entries-0-angle_method", "phone")], [(None, 30, "phone")]),
])
def test_angle_method_is_passed_through(pairs, expected):
    body, _ = payload([("entries-0-stretch", "s"), ("entries-0-done", "1"), *pairs])
    assert [(e.get("side"), e.get("angle_deg"), e.get("angle_method"))
            for e in body["entries"]] == expected


def test_a_per_side_angle_error_lands_on_that_legs_input():
    body, card_of = payload([
        ("entries-3-stretch", "slr-strap"), ("entries-3-done", "1"),
        ("entries-3-sides", "left"), ("entries-3-sides", "right"),
        ("entries-3-angle_left", "40"), ("entries-3-angle_right", "130"),
        ("entries-3-angle_method_right", "laser")])
    errors = {"entries.1.angle_deg": ["too big"], "entries.1.angle_method": ["bad"]}
    assert form_errors(errors, card_of, body["entries"]) == {
        "entries-3-angle_right": ["too big"], "entries-3-angle_method_right": ["bad"]}


def _slr(*extra):
    return [("entries-2-stretch", "slr-assisted"), ("entries-2-done", "1"),
            ("entries-2-sides", "left"), ("entries-2-sides", "right"), *extra]


def test_cards_from_form_keeps_the_methods():
    cards = cards_from_form(MultiDict(_slr(
        ("entries-2-angle_left", "45"), ("entries-2-angle_method_left", "phone"),
        ("entries-2-angle_right", "60"), ("entries-2-angle_method_right", "manual"))
        + [("entries-5-stretch", "custom"), ("entries-5-angle_deg", "20"),
           ("entries-5-angle_method", "phone")]))
    assert cards["slr-assisted"]["methods"] == {"left": "phone", "right": "manual"}
    assert cards["custom"]["methods"] == {"both": "phone"}


def test_cards_from_session_keeps_the_methods():
    cards = cards_from_session(SimpleNamespace(entries=[
        _entry("slr-assisted", "left", 45.0, method="phone"),
        _entry("slr-assisted", "right", 60.0, method="manual"),
        _entry("custom", "both", 20.0, method="phone"),
        _entry("slr-strap", "left", None, method=None),
    ]))
    assert cards["slr-assisted"]["methods"] == {"left": "phone", "right": "manual"}
    assert cards["custom"]["methods"] == {"both": "phone"}
    assert cards["slr-strap"]["methods"] == {}


@pytest.mark.parametrize(("errors", "shown"), [
    ({"entries-0-angle_left": ["Must be greater than or equal to 0 and less than or equal to 120."]},
     {"entries-0-angle_left": "Lying hamstring stretch, left angle: enter 0 to 120°."}),
    ({"entries-1-reps": ["Not a valid integer."]},
     {"entries-1-reps": "Straight-leg raise with a strap, reps: enter 1 to 50."}),
    ({"pain_before": ["Missing data for required field."]},
     {"pain_before": "Pain before: choose a number from 0 to 10."}),
    ({"notes": ["Longer than maximum length 2000."]},
     {"notes": "Notes: write at most 2,000 characters."}),
    ({"performed_at": ["Cannot be more than a day in the future."]},
     {"performed_at": "When: cannot be more than a day in the future."}),
    # in the form's order, whatever order the errors came in
    ({"notes": ["x"], "entries-0-reps": ["x"], "pain_before": ["x"]},
     ["pain_before", "entries-0-reps", "notes"]),
])
def test_readable_errors_use_labels_not_keys(errors, shown):
    result = readable_errors(errors, ["Lying hamstring stretch", "Straight-leg raise with a strap"])
    if isinstance(shown, list):
        assert list(result) == shown
    else:
        assert result == shown


def test_stretch_phrases_keep_sides_angles_and_methods_of_one_stretch_together():
    def entry(stretch_id, name, side, angle=None, method=None):
        return SimpleNamespace(stretch_id=stretch_id, stretch=SimpleNamespace(name=name),
                               side=side, angle_deg=angle, angle_method=method)
    phrases = stretch_phrases([
        entry(4, "Lying hamstring stretch", "left", 42.5, "phone"),
        entry(1, "Cat stretch", "both"),
        entry(4, "Lying hamstring stretch", "right", 40.0, "manual"),
        entry(7, "Wall angle", "both", 30.0, "phone"),
        entry(8, "Straight-leg raise with a strap", "left"),
    ])
    assert phrases == [("Lying hamstring stretch", [("L", 42.5, "phone"), ("R", 40.0, "manual")]),
                       ("Cat stretch", []), ("Wall angle", [(None, 30.0, "phone")]),
                       ("Straight-leg raise with a strap", [("L", None, None)])]


@pytest.mark.parametrize("digits", ["9" * 5, "9" * 4301, "0" * 40])
def test_absurd_card_numbers_are_a_client_error(digits):
    from tracker.errors import DomainError

    with pytest.raises(DomainError) as caught:
        payload([("client_id", CID), (f"entries-{digits}-stretch", "cat-camel"),
                 (f"entries-{digits}-done", "1")])
    assert caught.value.status == 400 and "entries" in caught.value.fields
