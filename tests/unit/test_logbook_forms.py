"""The log form's translation (tracker.logbook.forms): posted stretch cards
(``entries[<slug>][<field>]``) to the API's session body (``session_payload``), API
error names back to form names (``form_errors``), the cards again for re-showing or
editing a form, and the errors in people's words."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from marshmallow import fields, validate
from werkzeug.datastructures import MultiDict

from tracker.forms import field_limits
from tracker.logbook import schemas
from tracker.logbook.forms import (LIMITS, card_field, cards_from_form, cards_from_session,
                                   error_target, form_errors, form_name, number,
                                   readable_errors, session_payload, stretch_phrases)

UTC = dt.timezone.utc
NOW = dt.datetime(2027, 6, 15, 12, 0, tzinfo=UTC)
CID = "0b0c1f5e-3f7c-4c8a-9d57-2f3c6a1b2c3d"
# Shared with tests/js/serialize.test.mjs: static/js/serialize.js builds the same bodies.
FIXTURE = json.loads((Path(__file__).parents[1] / "js" / "session_form.json").read_text("utf-8"))


def payload(pairs: list[tuple[str, str]], timezone: str = "Europe/Berlin"):
    return session_payload(MultiDict(pairs), timezone, NOW)


def card(slug: str):
    """The form names of one card: card("slr-strap")("reps") == "entries[slr-strap][reps]"."""
    return lambda field: card_field(slug, field)


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=lambda c: c["case"])
def test_the_same_body_as_the_offline_queue_builds(case):
    now = dt.datetime.fromisoformat(case["now"])
    pairs = [tuple(pair) for pair in case["form"]]
    assert session_payload(MultiDict(pairs), case["timezone"], now) == case["body"]


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
    body = payload([("client_id", CID), ("performed_at", "2027-06-14T08:30"),
                    ("pain_before", "6"), ("pain_after", "4"), ("notes", "stiff")])
    assert body == {"client_id": CID, "performed_at": "2027-06-14T08:30:00+02:00",
                    "pain_before": 6, "pain_after": 4, "notes": "stiff", "entries": []}


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
    body = payload([("performed_at", local)], zone)
    assert body["performed_at"] == iso


@pytest.mark.parametrize("pairs", [[], [("performed_at", "")]])
def test_missing_time_means_now(pairs):
    body = payload(pairs)
    assert body["performed_at"] == NOW.isoformat()


def test_unparseable_time_is_passed_on_for_the_schema_to_name():
    body = payload([("performed_at", "yesterday")])
    assert body["performed_at"] == "yesterday"


@pytest.mark.parametrize(("pairs", "absent"), [
    ([("pain_before", "")], {"pain_before", "pain_after"}),
    ([], {"pain_before", "pain_after"}),
    ([("pain_after", "3")], {"pain_before"}),
])
def test_blank_pain_is_left_out(pairs, absent):
    body = payload(pairs)
    assert not absent & set(body)


@pytest.mark.parametrize(("text", "sent"), [("11", 11), ("3.5", 3.5), ("five", "five")])
def test_bad_pain_is_passed_on_for_the_schema(text, sent):
    body = payload([("pain_before", text)])
    assert body["pain_before"] == sent


def test_missing_client_id_and_notes_become_empty_text():
    body = payload([])
    assert body["client_id"] == "" and body["notes"] == ""


def test_only_ticked_cards_become_entries():
    knee, single, strap = card("double-knee-to-chest"), card("single-knee-to-chest"), card("slr-strap")
    body = payload([
        (knee("done"), "1"), (knee("reps"), "3"), (knee("hold_seconds"), "20"),
        (single("reps"), "3"), (single("sides"), "left"),           # not ticked
        (strap("done"), "1"),
    ])
    assert body["entries"] == [
        {"stretch": "double-knee-to-chest", "worse": False, "reps": 3, "hold_seconds": 20},
        {"stretch": "slr-strap", "worse": False},
    ]


def test_per_side_card_makes_one_entry_per_side_with_its_angle():
    ham = card("supine-hamstring")
    body = payload([
        (ham("done"), "1"), (ham("reps"), "3"), (ham("hold_seconds"), "20"),
        (ham("sides"), "left"), (ham("sides"), "right"),
        (ham("angle_left"), "45"), (ham("angle_right"), "52.5"), (ham("worse"), "1"),
    ])
    assert body["entries"] == [
        {"stretch": "supine-hamstring", "worse": True, "reps": 3, "hold_seconds": 20,
         "side": "left", "angle_deg": 45},
        {"stretch": "supine-hamstring", "worse": True, "reps": 3, "hold_seconds": 20,
         "side": "right", "angle_deg": 52.5},
    ]


def test_side_without_an_angle_has_no_angle_deg():
    strap = card("slr-strap")
    body = payload([(strap("done"), "1"), (strap("sides"), "right"), (strap("angle_left"), "40")])
    assert body["entries"] == [{"stretch": "slr-strap", "worse": False, "side": "right"}]


def test_whole_body_card_with_an_angle():
    custom = card("custom")
    body = payload([(custom("done"), "1"), (custom("angle_deg"), "30")])
    assert body["entries"] == [{"stretch": "custom", "worse": False, "angle_deg": 30}]


def test_cards_are_read_in_the_forms_order():
    body = payload([(card("b")("done"), "1"), (card("a")("reps"), "2"), (card("a")("done"), "1")])
    assert [e["stretch"] for e in body["entries"]] == ["b", "a"]


@pytest.mark.parametrize(("reps", "sent"), [("", None), ("0", 0), ("x", "x"), ("2.5", 2.5)])
def test_card_numbers(reps, sent):
    body = payload([(card("a")("done"), "1"), (card("a")("reps"), reps)])
    assert body["entries"][0].get("reps") == sent


@pytest.mark.parametrize("name", [
    "entries-0-done", "entries[][done]", "entries[a][b][done]", "entries[a]][done]",
    "entries[a][do-ne]", "entries.0.done", "entries[a]", "[a][done]",
])
def test_names_of_another_shape_are_no_cards(name):
    assert payload([(name, "1")])["entries"] == []


@pytest.mark.parametrize("slug", ["x" * 61, "9" * 5000, "Cat Camel!", "ä", "a b", "<b>"])
def test_any_bracketed_slug_is_passed_on_for_the_schema_and_service_to_refuse(slug):
    body = payload([(card_field(slug, "done"), "1"), (card_field(slug, "reps"), "0")])
    assert body["entries"] == [{"stretch": slug, "worse": False, "reps": 0}]
    assert form_errors({"entries.0.stretch": ["Unknown stretch."], "entries.0.reps": ["no"]},
                       body["entries"]) == {card_field(slug, "stretch"): ["Unknown stretch."],
                                            card_field(slug, "reps"): ["no"]}


# ------------------------------------------------------------------ form_errors

@pytest.mark.parametrize(("entry", "field", "name"), [
    ({"stretch": "cat-cow"}, "reps", "entries[cat-cow][reps]"),
    ({"stretch": "cat-cow", "side": "both"}, "angle_deg", "entries[cat-cow][angle_deg]"),
    ({"stretch": "slr-strap", "side": "left"}, "angle_deg", "entries[slr-strap][angle_left]"),
    ({"stretch": "slr-strap", "side": "right"}, "angle_method",
     "entries[slr-strap][angle_method_right]"),
    ({"stretch": "slr-strap", "side": "left"}, "side", "entries[slr-strap][sides]"),
    ({"stretch": "custom"}, "angle_method", "entries[custom][angle_method]"),
])
def test_form_name(entry, field, name):
    assert form_name(entry, field) == name


TWO = [{"stretch": "a"}, {"stretch": "slr-strap", "side": "left"},
       {"stretch": "slr-strap", "side": "right"}]


@pytest.mark.parametrize(("errors", "entries", "expected"), [
    ({}, [], {}),
    ({"pain_before": ["bad"]}, [], {"pain_before": ["bad"]}),
    ({"entries.0.reps": ["too many"]}, TWO, {"entries[a][reps]": ["too many"]}),
    ({"entries.2.angle_deg": ["no"]}, TWO, {"entries[slr-strap][angle_right]": ["no"]}),
    # two entries of one card: messages land together on the card
    ({"entries.1.reps": ["a"], "entries.2.reps": ["b"]}, TWO, {"entries[slr-strap][reps]": ["a", "b"]}),
    # no such entry: the API name stays
    ({"entries.5.reps": ["x"]}, TWO, {"entries.5.reps": ["x"]}),
    ({"entries.99999999999999999999.reps": ["x"]}, TWO, {"entries.99999999999999999999.reps": ["x"]}),
    ({"entries": ["Length must be between 1 and 50."]}, [],
     {"entries": ["Tick at least one stretch you did."]}),
    ({"entries": ["Length must be between 1 and 50."]}, TWO * 17,
     {"entries": ["Tick at most 50 stretches."]}),
    ({"_schema": ["broken"]}, [], {"_schema": ["broken"]}),
])
def test_form_errors(errors, entries, expected):
    assert form_errors(errors, entries) == expected


def test_round_trip_error_lands_on_the_card_that_caused_it():
    body = payload([(card("a")("reps"), "3"), (card("b")("done"), "1"), (card("b")("reps"), "99")])
    assert body["entries"][0]["reps"] == 99
    assert form_errors({"entries.0.reps": ["Must be between 1 and 50."]}, body["entries"]) == {
        "entries[b][reps]": ["Must be between 1 and 50."]}


# ------------------------------------------------------------------ re-showing cards

def test_cards_from_form():
    strap, knee = card("slr-strap"), card("double-knee-to-chest")
    cards = cards_from_form(MultiDict([
        (strap("done"), "1"), (strap("reps"), "5"), (strap("hold_seconds"), "10"),
        (strap("sides"), "left"), (strap("angle_left"), "40"), (strap("worse"), "1"),
        (knee("reps"), "3"),
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


S = card("s")


@pytest.mark.parametrize(("pairs", "expected"), [
    # the hidden per-leg field goes with that leg's angle as angle_method
    ([(S("sides"), "left"), (S("angle_left"), "40"), (S("angle_method_left"), "phone")],
     [("left", 40, "phone")]),
    ([(S("sides"), "left"), (S("sides"), "right"),
      (S("angle_left"), "40"), (S("angle_method_left"), "manual"),
      (S("angle_right"), "55"), (S("angle_method_right"), "phone")],
     [("left", 40, "manual"), ("right", 55, "phone")]),
    # no angle: the method is not sent (the API would refuse a method without an angle)
    ([(S("sides"), "left"), (S("angle_method_left"), "manual")], [("left", None, None)]),
    ([(S("sides"), "left"), (S("sides"), "right"),
      (S("angle_method_left"), "phone"), (S("angle_right"), "60"),
      (S("angle_method_right"), "phone")], [("left", None, None), ("right", 60, "phone")]),
    # no method posted (a page without the hidden fields): the service defaults it
    ([(S("sides"), "left"), (S("angle_left"), "45")], [("left", 45, None)]),
    # a blank method is no method
    ([(S("sides"), "left"), (S("angle_left"), "45"), (S("angle_method_left"), " ")],
     [("left", 45, None)]),
    # anything else is passed on for the schema to name
    ([(S("sides"), "left"), (S("angle_left"), "45"), (S("angle_method_left"), "laser")],
     [("left", 45, "laser")]),
    # a whole-body angle stretch: entries[<slug>][angle_method]
    ([(S("angle_deg"), "30"), (S("angle_method"), "phone")], [(None, 30, "phone")]),
])
def test_angle_method_is_passed_through(pairs, expected):
    body = payload([(S("done"), "1"), *pairs])
    assert [(e.get("side"), e.get("angle_deg"), e.get("angle_method"))
            for e in body["entries"]] == expected


def test_a_per_side_angle_error_lands_on_that_legs_input():
    strap = card("slr-strap")
    body = payload([
        (strap("done"), "1"), (strap("sides"), "left"), (strap("sides"), "right"),
        (strap("angle_left"), "40"), (strap("angle_right"), "130"),
        (strap("angle_method_right"), "laser")])
    errors = {"entries.1.angle_deg": ["too big"], "entries.1.angle_method": ["bad"]}
    assert form_errors(errors, body["entries"]) == {
        strap("angle_right"): ["too big"], strap("angle_method_right"): ["bad"]}


def test_cards_from_form_keeps_the_methods():
    slr, custom = card("slr-assisted"), card("custom")
    cards = cards_from_form(MultiDict([
        (slr("done"), "1"), (slr("sides"), "left"), (slr("sides"), "right"),
        (slr("angle_left"), "45"), (slr("angle_method_left"), "phone"),
        (slr("angle_right"), "60"), (slr("angle_method_right"), "manual"),
        (custom("angle_deg"), "20"), (custom("angle_method"), "phone")]))
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


NAMES = {"supine-hamstring": "Lying hamstring stretch",
         "slr-strap": "Straight-leg raise with a strap"}


@pytest.mark.parametrize(("errors", "shown"), [
    ({"entries[supine-hamstring][angle_left]":
      ["Must be greater than or equal to 0 and less than or equal to 120."]},
     {"entries[supine-hamstring][angle_left]":
      "Lying hamstring stretch, left angle: enter 0 to 120°."}),
    ({"entries[slr-strap][reps]": ["Not a valid integer."]},
     {"entries[slr-strap][reps]": "Straight-leg raise with a strap, reps: enter 1 to 50."}),
    ({"entries[slr-strap][angle_method_right]": ["Must be one of: manual, phone."]},
     {"entries[slr-strap][angle_method_right]":
      "Straight-leg raise with a strap, right angle: measure it again, or type it."}),
    ({"pain_before": ["Missing data for required field."]},
     {"pain_before": "Pain before: choose a number from 0 to 10."}),
    ({"notes": ["Longer than maximum length 2000."]},
     {"notes": "Notes: write at most 2,000 characters."}),
    ({"performed_at": ["Cannot be more than a day in the future."]},
     {"performed_at": "When: cannot be more than a day in the future."}),
    # a card the page does not have (a tampering client's) is named by its slug
    ({"entries[secret][stretch]": ["Unknown stretch."]},
     {"entries[secret][stretch]": "“secret”: unknown stretch."}),
    ({card_field("x" * 5000, "stretch"): ["Longer than maximum length 60."]},
     {card_field("x" * 5000, "stretch"): "“" + "x" * 40 + "…”: longer than maximum length 60."}),
    # in the form's order, whatever order the errors came in
    ({"notes": ["x"], "entries[slr-strap][reps]": ["x"], "pain_before": ["x"],
      "entries[supine-hamstring][sides]": ["x"]},
     ["pain_before", "entries[supine-hamstring][sides]", "entries[slr-strap][reps]", "notes"]),
])
def test_readable_errors_use_labels_not_keys(errors, shown):
    result = readable_errors(errors, NAMES)
    if isinstance(shown, list):
        assert list(result) == shown
    else:
        assert result == shown


@pytest.mark.parametrize(("name", "first", "target"), [
    ("pain_before", None, "pain_before-0"),
    ("score", None, "score-0"),
    ("notes", None, "notes"),
    ("entries", "cat-cow", "entries[cat-cow][done]"),
    ("entries", None, "entries"),
    ("entries[slr-strap][reps]", None, "entries[slr-strap][reps]"),
    ("entries[slr-strap][sides]", None, "entries[slr-strap][sides]-left"),
    ("entries[slr-strap][angle_method_left]", None, "entries[slr-strap][angle_left]"),
    ("entries[custom][angle_method]", None, "entries[custom][angle_deg]"),
    ("entries[secret][stretch]", None, "entries[secret][done]"),
])
def test_error_target_is_the_fields_id(name, first, target):
    assert error_target(name, first) == target


def test_limits_come_from_the_api_schemas():
    entry = schemas.EntrySchema().fields
    assert LIMITS["reps"] == {"min": entry["reps"].validators[0].min,
                              "max": entry["reps"].validators[0].max}
    assert LIMITS["angle"] == {"min": 0, "max": 120}
    assert LIMITS["notes"] == {"maxlength": schemas.NOTES_MAX}
    assert LIMITS["note"] == {"maxlength": schemas.NOTE_MAX}
    assert LIMITS["entries"] == {"maxlength": schemas.ENTRIES_MAX}
    assert LIMITS["pain"] == LIMITS["score"] == {"min": 0, "max": 10}


@pytest.mark.parametrize(("field", "limits"), [
    (fields.Integer(validate=validate.Range(1, 50)), {"min": 1, "max": 50}),
    (fields.Float(validate=validate.Range(0, 12.5)), {"min": 0, "max": 12.5}),
    (fields.Integer(validate=validate.Range(min=5)), {"min": 5}),
    (fields.String(validate=validate.Length(max=80)), {"maxlength": 80}),
    (fields.String(validate=[validate.Length(min=1, max=60), validate.Regexp("a")]), {"maxlength": 60}),
    (fields.String(validate=validate.Length(min=1)), {}),
    (fields.String(), {}),
])
def test_field_limits(field, limits):
    assert field_limits(field) == limits


def test_stretch_phrases_keep_sides_angles_and_methods_of_one_stretch_together():
    def entry(stretch_id, name, side, angle=None, method=None):
        return SimpleNamespace(stretch_id=stretch_id, stretch=SimpleNamespace(shown_name=name),
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
