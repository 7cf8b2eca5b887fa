"""Safety rules: when a session needs a warning, which stretches to caution against,
and the red-flag screen that sends a person to a clinician instead of stretching."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tracker.domain.wording import N_, Text, plural_text

# A rise of this many points (0-10 scale) from before to after a session is flagged.
PAIN_RISE_THRESHOLD = 2
# A stretch marked "made it worse" this many times is shown with a warning.
WORSE_WARNING_COUNT = 2


@dataclass(frozen=True)
class Flag:
    """One warning about a session; ``message`` is a ``Text`` (English for the API,
    the person's language on pages)."""
    code: str
    message: str
    stretch: str | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "stretch": self.stretch}


# What the guided session says when a person marks a stretch "This made my pain worse".
WORSE_ADVICE = Text(
    "Stop this stretch now and rest in a position that eases the pain. Leave it out of "
    "your sessions until you have talked to a clinician about it. If pain spreads down "
    "a leg, or you feel numbness or weakness, go through the warning signs.")


def session_flags(pain_before: int | None, pain_after: int | None,
                  worse_stretches: Iterable[str]) -> list[Flag]:
    """Flags for one session: pain went up by the threshold or more, and one flag per
    stretch the person marked as making it worse (named by slug, in order, once)."""
    flags: list[Flag] = []
    if pain_before is not None and pain_after is not None \
            and pain_after - pain_before >= PAIN_RISE_THRESHOLD:
        flags.append(Flag("pain_increase", plural_text(
            "Your pain went up %(num)s point during this session. "
            "Stop the stretches that made it worse, and talk to a clinician if it stays up.",
            "Your pain went up %(num)s points during this session. "
            "Stop the stretches that made it worse, and talk to a clinician if it stays up.",
            pain_after - pain_before)))
    for slug in dict.fromkeys(worse_stretches):
        flags.append(Flag(
            "stretch_worse",
            Text("You marked this stretch as making your pain worse. Stop doing it; "
                 "a stretch that raises pain is not helping."),
            slug,
        ))
    return flags


def _named(names: list[str]) -> str:
    """"a", "a and b", "a, b and c": each name as said inside a sentence (a built-in's
    as a ``Text``: tracker.catalog.in_sentence; a person's own as typed)."""
    said = list(names)
    if len(said) == 1:
        return said[0]
    listed = Text("%(first)s and %(last)s", first=said[-2], last=said[-1])
    for name in reversed(said[:-2]):
        listed = Text("%(first)s, %(rest)s", first=name, rest=listed)
    return listed


def bad_session_caution(rise: int | None, worse_names: list[str], yesterday: bool
                        ) -> tuple[Text, Text]:
    """What Today says after a session that made pain worse (a rise of the threshold
    or more, or stretches marked "made it worse"): (what happened, what to do).
    ``worse_names``: the stretches' names as said inside a sentence (built-ins' as
    ``Text``, tracker.catalog.in_sentence; a person's own as typed)."""
    risen = rise is not None and rise >= PAIN_RISE_THRESHOLD
    count = len(worse_names)
    named = _named(worse_names) if worse_names else None
    if risen and worse_names:
        if yesterday:
            happened = plural_text(
                "Your pain went up %(points)s points after the %(stretches)s yesterday.",
                "Your pain went up %(points)s points after the %(stretches)s yesterday.",
                count, points=rise, stretches=named)
        else:
            happened = plural_text(
                "Your pain went up %(points)s points after the %(stretches)s today.",
                "Your pain went up %(points)s points after the %(stretches)s today.",
                count, points=rise, stretches=named)
    elif risen:
        happened = (Text("Your pain went up %(points)s points during yesterday's session.",
                         points=rise) if yesterday else
                    Text("Your pain went up %(points)s points during today's session.",
                         points=rise))
    elif yesterday:
        happened = plural_text(
            "You marked the %(stretches)s as making your pain worse yesterday.",
            "You marked the %(stretches)s as making your pain worse yesterday.",
            count, stretches=named)
    else:
        happened = plural_text(
            "You marked the %(stretches)s as making your pain worse today.",
            "You marked the %(stretches)s as making your pain worse today.",
            count, stretches=named)
    if worse_names:
        todo = plural_text(
            "Stop the %(stretches)s: leave it out until you have talked to a clinician. "
            "Rest in a position that eases the pain.",
            "Stop the %(stretches)s: leave them out until you have talked to a clinician. "
            "Rest in a position that eases the pain.",
            count, stretches=named)
    else:
        todo = Text("Stop any stretch that made it worse, move into each one slowly, and do "
                    "less today. Talk to a clinician if the pain stays up.")
    return happened, todo


def stretches_to_caution(worse_counts: Mapping[str, int]) -> frozenset[str]:
    return frozenset(s for s, n in worse_counts.items() if n >= WORSE_WARNING_COUNT)


@dataclass(frozen=True)
class RedFlag:
    key: str
    question: str
    urgency: str  # "emergency" (go now) | "soon" (see a doctor soon)


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("saddle_numbness", Text("Numbness or pins and needles around your genitals, "
            "buttocks or inner thighs (where you would sit on a saddle)?"), "emergency"),
    RedFlag("bladder_bowel", Text("New trouble passing urine, or not being able to "
            "control your bladder or bowels?"), "emergency"),
    RedFlag("both_legs", Text("Sciatica (pain, numbness or tingling) going down both legs?"),
            "emergency"),
    RedFlag("weakness", Text("Weakness in a leg that keeps getting worse, or new trouble "
            "walking?"), "emergency"),
    RedFlag("fever", Text("A fever, or feeling generally unwell, together with the back "
            "pain?"), "soon"),
    RedFlag("trauma", Text("Back pain that started after a serious accident or fall?"), "soon"),
    RedFlag("cancer", Text("Cancer in the past, and this back pain is new?"), "soon"),
    RedFlag("weight_loss", Text("Losing weight without trying?"), "soon"),
    RedFlag("night_pain", Text("Pain that is there all night and does not ease when you "
            "change position?"), "soon"),
)
RED_FLAG_KEYS = frozenset(f.key for f in RED_FLAGS)


def answer_problem(ticked: Iterable[str], none_apply: bool) -> str | None:
    """The check is answered either way explicitly: some signs, or "none of these"."""
    chosen = set(ticked)
    if none_apply and chosen:
        return N_("Tick the signs you have, or “None of these apply to me”, not both.")
    if not none_apply and not chosen:
        return N_("Tick the signs you have, or “None of these apply to me”.")
    return None


@dataclass(frozen=True)
class RedFlagOutcome:
    level: str  # "none" | "soon" | "emergency"
    items: tuple[RedFlag, ...]

    @property
    def stop_stretching(self) -> bool:
        return self.level != "none"


def red_flag_outcome(ticked: Iterable[str]) -> RedFlagOutcome:
    """What the answers mean: any emergency item wins; unknown keys are ignored."""
    chosen = set(ticked)
    items = tuple(f for f in RED_FLAGS if f.key in chosen)
    if any(f.urgency == "emergency" for f in items):
        level = "emergency"
    elif items:
        level = "soon"
    else:
        level = "none"
    return RedFlagOutcome(level, items)
