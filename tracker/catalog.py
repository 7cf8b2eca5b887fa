"""The built-in stretch library, written in our own words from DOMAIN.md.

Migration 0002 loads these rows; a later change to this text needs a migration that
updates the rows by slug (fresh databases get the new text from 0002 directly).

The rows keep this English text (the JSON API sends it); the texts are marked ``N_``
for the catalog and pages say them in the person's language (``shown``: a built-in's
text as a ``Text``; a person's own stretch is shown as they typed it).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from tracker.domain.wording import N_, Text


@dataclass(frozen=True)
class CatalogStretch:
    slug: str
    name: str
    spine: str  # flexion | neutral | extension
    hold_seconds: int
    reps: int
    per_side: bool
    needs_helper: bool
    measures_angle: bool
    instructions: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)

    def as_row(self) -> dict:
        return asdict(self)


GENERAL_CAUTIONS = [
    N_("Move into the position slowly and stop if the stretch makes your pain worse."),
]

BUILTIN_STRETCHES: tuple[CatalogStretch, ...] = (
    CatalogStretch(
        slug="double-knee-to-chest",
        name=N_("Double knee-to-chest"),
        spine="flexion",
        hold_seconds=20,
        reps=3,
        per_side=False,
        needs_helper=False,
        measures_angle=False,
        instructions=[
            N_("Lie on your back on a mat or firm bed, knees bent."),
            N_("Bring both knees up towards your chest and hold them with your hands."),
            N_("Curl your head forward so your body makes a loose ball."),
            N_("Stay there for about 20 seconds, breathing slowly."),
            N_("Let go, rest, and repeat until the tightness eases (three holds is a good start)."),
        ],
        cautions=GENERAL_CAUTIONS + [
            N_("This rounds (flexes) the spine. If bending forward usually makes your back "
            "or leg pain worse, for example with a disc problem, skip it and ask a clinician."),
            N_("Useful first thing in the morning or after sitting for a long time."),
        ],
    ),
    CatalogStretch(
        slug="single-knee-to-chest",
        name=N_("Single knee-to-chest"),
        spine="flexion",
        hold_seconds=5,
        reps=3,
        per_side=True,
        needs_helper=False,
        measures_angle=False,
        instructions=[
            N_("Lie on your back with both knees bent and feet flat."),
            N_("Pull one knee towards your chest until you feel a gentle stretch in your middle and lower back."),
            N_("Keep breathing normally and hold for 5 seconds."),
            N_("Lower that leg and do the same with the other knee."),
        ],
        cautions=GENERAL_CAUTIONS + [
            N_("A gentler version of the double knee-to-chest; it also rounds (flexes) the spine."),
        ],
    ),
    CatalogStretch(
        slug="supine-hamstring",
        name=N_("Lying hamstring stretch"),
        spine="neutral",
        hold_seconds=20,
        reps=3,
        per_side=True,
        needs_helper=False,
        measures_angle=True,
        instructions=[
            N_("Lie on your back with both legs straight."),
            N_("Tighten your buttocks and stomach muscles so your lower back presses flat into the mat."),
            N_("Bend one knee and put that foot flat on the floor."),
            N_("Lift the other leg, knee straight and toes pulled towards you, as high as it comfortably goes."),
            N_("Hold for 20 seconds, lower it, then swap legs. Do the whole round three times."),
        ],
        cautions=GENERAL_CAUTIONS + [
            N_("With flexible hamstrings the raised leg can reach about 90 degrees; most backs start lower."),
            N_("Keep the lower back on the mat: an arching back means the leg has gone too high."),
        ],
    ),
    CatalogStretch(
        slug="slr-assisted",
        name=N_("Straight-leg raise with a helper"),
        spine="neutral",
        hold_seconds=10,
        reps=5,
        per_side=True,
        needs_helper=True,
        measures_angle=True,
        instructions=[
            N_("Lie flat with a thin pillow under your neck and let your whole body go loose."),
            N_("Your helper holds the ankle of the painful leg and lifts it, keeping the knee straight."),
            N_("The first lift is only 4 to 5 inches (10 to 12 cm), or until you feel a strong pull."),
            N_("Your helper holds it there for 10 seconds, then lowers it slowly."),
            N_("Repeat, going a little higher each time."),
        ],
        cautions=GENERAL_CAUTIONS + [
            N_("Meant for back pain that spreads into the buttock or down the leg (sciatic pain)."),
            N_("It is often uncomfortable. A pull is expected; sharp or increasing pain means stop."),
            N_("You stay relaxed: the helper does all the lifting."),
        ],
    ),
    CatalogStretch(
        slug="slr-strap",
        name=N_("Straight-leg raise with a strap"),
        spine="neutral",
        hold_seconds=10,
        reps=5,
        per_side=True,
        needs_helper=False,
        measures_angle=True,
        instructions=[
            N_("Sit down and loop a belt, rope or exercise band under the foot of the painful leg."),
            N_("Lie back holding both ends."),
            N_("Keeping the knee straight, pull the leg up until you feel a moderate pull."),
            N_("Hold 10 seconds, lower it, and repeat a little higher each time."),
        ],
        cautions=GENERAL_CAUTIONS + [
            N_("The do-it-yourself version of the helper-assisted raise, for when no one can help."),
            N_("Pull steadily; never bounce or jerk the leg up."),
        ],
    ),
)

BUILTIN_SLUGS = frozenset(s.slug for s in BUILTIN_STRETCHES)


def shown(text: str, builtin: bool) -> str:
    """A stretch's text (its name, a step, a caution) as a page shows it: a built-in's
    as a ``Text`` (the person's language where the catalog has it; English is the row's
    own text), a person's own stretch's exactly as they typed it, never translated."""
    return Text(text) if builtin and text else text


# Each built-in's name inside a sentence ("after the double knee-to-chest"): English
# writes it in lower case there; another language says it as its grammar wants.
SENTENCE_NAMES = {
    "double-knee-to-chest": N_("double knee-to-chest"),
    "single-knee-to-chest": N_("single knee-to-chest"),
    "supine-hamstring": N_("lying hamstring stretch"),
    "slr-assisted": N_("straight-leg raise with a helper"),
    "slr-strap": N_("straight-leg raise with a strap"),
}


def in_sentence(slug: str, name: str, builtin: bool) -> str:
    """A stretch's name inside a sentence: a built-in's from SENTENCE_NAMES (a
    ``Text``), a person's own exactly as they typed it."""
    if builtin and slug in SENTENCE_NAMES:
        return Text(SENTENCE_NAMES[slug])
    return name


DEFAULT_PLAN = ("double-knee-to-chest", "single-knee-to-chest", "supine-hamstring", "slr-strap")


# ---- How the pages picture a stretch (never stored: not part of the rows above) ----

# What each direction does to the back, in plain words: every page's direction badge.
SPINE_WORDS = {
    "neutral": Text("Back stays flat"),
    "flexion": Text("Curls the back"),
    "extension": Text("Arches the back"),
}

# The text alternative of each built-in stretch's drawing (static/img/stretches.svg,
# which has a "<slug>-start" and a "<slug>-end" symbol for every slug here).
ILLUSTRATION_TEXT = {
    "double-knee-to-chest": Text("Drawing: lying on the back, knees bent and feet on the mat, then "
                                 "both knees hugged to the chest with the head curled towards them."),
    "single-knee-to-chest": Text("Drawing: lying on the back, knees bent and feet on the mat, then "
                                 "one knee pulled towards the chest with both hands while the other "
                                 "foot stays on the mat."),
    "supine-hamstring": Text("Drawing: lying on the back with one knee bent and that foot on the "
                             "mat; the other leg rises from the mat, knee straight and toes pulled "
                             "back, until it points almost straight up."),
    "slr-assisted": Text("Drawing: lying flat and relaxed with a thin pillow under the neck; a "
                         "kneeling helper holds the ankle and lifts the straight leg, first a "
                         "little way, then higher."),
    "slr-strap": Text("Drawing: lying on the back with a strap looped under one foot and its ends "
                      "in both hands; pulling on the strap lifts the straight leg higher."),
}
PLACEHOLDER_TEXT = Text("Drawing: a person lying on a mat.")
PLACEHOLDER_POSE = "placeholder"


@dataclass(frozen=True)
class Illustration:
    pose: str  # the symbol name in static/img/stretches.svg ("-start"/"-end" added)
    text: str  # the text alternative
    moves: bool  # a start and an end position, or the one still placeholder


def illustration(slug: str, builtin: bool = True) -> Illustration:
    """The drawing of a stretch: its own for a built-in one, the placeholder for a
    person's own stretch (even one whose slug happens to match a built-in)."""
    if builtin and slug in ILLUSTRATION_TEXT:
        return Illustration(slug, ILLUSTRATION_TEXT[slug], True)
    return Illustration(PLACEHOLDER_POSE, PLACEHOLDER_TEXT, False)
