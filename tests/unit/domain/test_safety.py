"""Safety rules (tracker.domain.safety): session flags for a pain rise or a stretch
marked worse, which stretches to caution against, and the red-flag screen."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tracker.domain import safety
from tracker.domain.wording import Text
from tracker.domain.safety import (PAIN_RISE_THRESHOLD, RED_FLAG_KEYS, RED_FLAGS, answer_problem,
                                   WORSE_WARNING_COUNT, Flag, red_flag_outcome,
                                   session_flags, stretches_to_caution)


def codes(flags: list[Flag]) -> list[str]:
    return [f.code for f in flags]


@pytest.mark.parametrize(("before", "after", "flagged"), [
    (3, 5, True),      # a rise of exactly the threshold
    (0, 10, True),
    (4, 9, True),
    (3, 4, False),     # a rise of 1 is not flagged
    (5, 5, False),
    (7, 2, False),     # pain went down
    (10, 0, False),
    (None, 8, False),  # nothing to compare with
    (2, None, False),
    (None, None, False),
])
def test_pain_increase_flag(before, after, flagged):
    flags = session_flags(before, after, [])
    assert codes(flags) == (["pain_increase"] if flagged else [])


def test_threshold_is_two_points():
    assert PAIN_RISE_THRESHOLD == 2


@pytest.mark.parametrize(("before", "after", "points"), [(3, 5, 2), (1, 8, 7)])
def test_pain_increase_message_names_the_rise_and_has_no_stretch(before, after, points):
    (flag,) = session_flags(before, after, [])
    assert f"up {points} points" in flag.message
    assert flag.stretch is None


@pytest.mark.parametrize(("worse", "expected"), [
    ([], []),
    (["slr-strap"], ["slr-strap"]),
    (["slr-strap", "supine-hamstring"], ["slr-strap", "supine-hamstring"]),
    (["supine-hamstring", "slr-strap"], ["supine-hamstring", "slr-strap"]),  # in order
    (["slr-strap", "slr-strap"], ["slr-strap"]),                               # once each
    (["a", "b", "a", "c", "b"], ["a", "b", "c"]),
])
def test_one_stretch_worse_flag_per_stretch_in_order(worse, expected):
    flags = session_flags(None, None, worse)
    assert codes(flags) == ["stretch_worse"] * len(expected)
    assert [f.stretch for f in flags] == expected


def test_worse_stretches_may_be_any_iterable():
    flags = session_flags(2, 2, (s for s in ["x", "y"]))
    assert [f.stretch for f in flags] == ["x", "y"]


def test_pain_flag_comes_before_stretch_flags():
    flags = session_flags(1, 6, ["slr-assisted"])
    assert codes(flags) == ["pain_increase", "stretch_worse"]
    assert flags[1].stretch == "slr-assisted"


@pytest.mark.parametrize("flag", [
    Flag("pain_increase", "went up"),
    Flag("stretch_worse", "stop it", "slr-strap"),
])
def test_flag_as_dict(flag):
    assert flag.as_dict() == {"code": flag.code, "message": flag.message, "stretch": flag.stretch}


def test_flags_are_immutable():
    flag = Flag("pain_increase", "m")
    with pytest.raises(AttributeError):
        flag.code = "other"  # type: ignore[misc]


@pytest.mark.parametrize(("counts", "expected"), [
    ({}, set()),
    ({"slr-strap": 1}, set()),
    ({"slr-strap": WORSE_WARNING_COUNT}, {"slr-strap"}),
    ({"slr-strap": 5, "supine-hamstring": 1, "double-knee-to-chest": 2},
     {"slr-strap", "double-knee-to-chest"}),
    ({"x": 0}, set()),
])
def test_stretches_to_caution(counts, expected):
    assert stretches_to_caution(counts) == frozenset(expected)


def test_worse_warning_count_is_two():
    assert WORSE_WARNING_COUNT == 2


# ------------------------------------------------------------------ red flags

EMERGENCY = {"saddle_numbness", "bladder_bowel", "both_legs", "weakness"}
SOON = {"fever", "trauma", "cancer", "weight_loss", "night_pain"}


def test_red_flag_list_covers_the_domain_items():
    assert RED_FLAG_KEYS == EMERGENCY | SOON
    assert len(RED_FLAGS) == len(RED_FLAG_KEYS)  # keys are unique
    by_key = {f.key: f.urgency for f in RED_FLAGS}
    assert {k for k, u in by_key.items() if u == "emergency"} == EMERGENCY
    assert {k for k, u in by_key.items() if u == "soon"} == SOON


@pytest.mark.parametrize("flag", RED_FLAGS, ids=lambda f: f.key)
def test_every_red_flag_is_asked_as_a_question(flag):
    assert flag.question.endswith("?")
    assert flag.urgency in ("emergency", "soon")


@pytest.mark.parametrize(("ticked", "level"), [
    ([], "none"),
    (["fever"], "soon"),
    (["night_pain", "weight_loss"], "soon"),
    *[([key], "emergency") for key in sorted(EMERGENCY)],
    (["fever", "saddle_numbness"], "emergency"),  # any emergency item wins
    (["trauma", "cancer", "both_legs"], "emergency"),
    (["not-a-flag"], "none"),                     # unknown keys are ignored here
    (["not-a-flag", "fever"], "soon"),
])
def test_red_flag_outcome_level(ticked, level):
    outcome = red_flag_outcome(ticked)
    assert outcome.level == level
    assert outcome.stop_stretching is (level != "none")


def test_red_flag_outcome_items_follow_the_list_order_once_each():
    outcome = red_flag_outcome(["weight_loss", "saddle_numbness", "weight_loss"])
    assert [f.key for f in outcome.items] == ["saddle_numbness", "weight_loss"]


DOMAIN_DIR = Path(safety.__file__).parent


@pytest.mark.parametrize("path", sorted(DOMAIN_DIR.glob("*.py")), ids=lambda p: p.name)
def test_domain_modules_import_no_framework(path):
    """domain/ is pure: never Flask, SQLAlchemy or another part of the app."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module)
    roots = {name.split(".")[0] for name in imported}
    assert not roots & {"flask", "flask_sqlalchemy", "flask_login", "sqlalchemy", "werkzeug",
                        "marshmallow", "jinja2"}, imported
    assert all(name.startswith("tracker.domain") for name in imported
               if name.split(".")[0] == "tracker"), imported


@pytest.mark.parametrize(("ticked", "none_apply", "ok"), [
    ([], True, True),                 # "None of these apply to me"
    (["fever"], False, True),         # some signs
    ([], False, False),               # nothing said: not an answer
    (["fever"], True, False),         # both at once contradict each other
])
def test_the_check_is_answered_explicitly(ticked, none_apply, ok):
    assert (answer_problem(ticked, none_apply) is None) is ok


@pytest.mark.parametrize(("rise", "names", "yesterday", "happened", "todo_starts"), [
    # Names come as said inside a sentence (tracker.catalog.in_sentence): a built-in's
    # in lower case in English, a person's own exactly as typed.
    (4, [Text("straight-leg raise with a strap")], False,
     "Your pain went up 4 points after the straight-leg raise with a strap today.",
     "Stop the straight-leg raise with a strap: leave it out"),
    (2, [], True, "Your pain went up 2 points during yesterday's session.",
     "Stop any stretch that made it worse"),
    (None, [Text("double knee-to-chest"), "Cat-cow"], True,
     "You marked the double knee-to-chest and Cat-cow as making your pain worse yesterday.",
     "Stop the double knee-to-chest and Cat-cow: leave them out"),
    (None, ["A", "B", "C"], True,
     "You marked the A, B and C as making your pain worse yesterday.",
     "Stop the A, B and C: leave them out"),
    (1, ["Cat-cow"], False, "You marked the Cat-cow as making your pain worse today.",
     "Stop the Cat-cow"),
])
def test_bad_session_caution(rise, names, yesterday, happened, todo_starts):
    said, todo = safety.bad_session_caution(rise, names, yesterday)
    assert said == happened and todo.startswith(todo_starts)
