"""The log form of the pages: one card per stretch, turned into the API's session
shape (so the API schema validates it) and back again for editing.

Form names: top-level fields are the API's (``pain_before``, ``pain_after``,
``notes``, ``client_id``, ``performed_at``); stretch card ``i`` posts ``entries-i-stretch``,
``entries-i-done``, ``entries-i-reps``, ``entries-i-hold_seconds``, ``entries-i-worse``,
per-side stretches ``entries-i-sides`` (left/right) and angle stretches
``entries-i-angle_left`` / ``entries-i-angle_right`` (or ``entries-i-angle_deg``), each
with a hidden ``entries-i-angle_method_left`` / ``_right`` (or ``entries-i-angle_method``):
"manual" when typed, "phone" when a phone measured it; sent as the entry's
``angle_method`` with its angle.

``labels`` and ``readable_errors`` name every field for people ("Lying hamstring
stretch, left angle: enter 0 to 120°"), with ranges read from the API schemas.
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

from tracker.errors import DomainError
from tracker.forms import range_rule, readable
from tracker.logbook import schemas

# Bounded lengths: a longer run of digits is no answer to any field here (and int()
# refuses over 4300 digits); it stays text for the schema to refuse.
_INT = re.compile(r"^-?\d{1,30}$")
_NUM = re.compile(r"^-?\d{1,30}(\.\d{1,30})?$")
_CARD = re.compile(r"^entries-(\d+)-stretch$")
# The page has a card per stretch in the library; no real form numbers past this.
CARD_DIGITS = 4


def number(value: str | None):  # noqa: ANN202
    """Form text to a JSON-like value: ints and decimals become numbers, blanks None;
    anything else stays text so the schema names the field."""
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    if _INT.match(value):
        return int(value)
    if _NUM.match(value):
        return float(value)
    return value


def _local_datetime(value: str | None, timezone: str):  # noqa: ANN202
    """A datetime-local value is wall time in the user's zone."""
    if not value:
        return None
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError:
        return value  # the schema reports it
    if naive.tzinfo is None:
        naive = naive.replace(tzinfo=ZoneInfo(timezone))
    return naive.isoformat()


def session_payload(form: MultiDict, timezone: str, now: dt.datetime) -> tuple[dict, dict[int, int]]:
    """(API body, map from entry index in the body to the stretch card index)."""
    payload: dict = {"client_id": form.get("client_id", "")}
    when = _local_datetime(form.get("performed_at"), timezone)
    payload["performed_at"] = when or now.isoformat()
    for name in ("pain_before", "pain_after"):
        value = number(form.get(name))
        if value is not None:
            payload[name] = value
    payload["notes"] = form.get("notes", "")
    entries: list[dict] = []
    card_of: dict[int, int] = {}
    cards = sorted({_card_number(m.group(1)) for key in form.keys() if (m := _CARD.match(key))})
    for i in cards:
        prefix = f"entries-{i}-"
        if not form.get(prefix + "done"):
            continue
        base = {"stretch": form.get(prefix + "stretch", ""), "worse": bool(form.get(prefix + "worse"))}
        for name in ("reps", "hold_seconds"):
            value = number(form.get(prefix + name))
            if value is not None:
                base[name] = value
        sides = form.getlist(prefix + "sides")
        if sides:
            for side in sides:
                entry = {**base, "side": side}
                _add_angle(entry, form, f"{prefix}angle_{side}", f"{prefix}angle_method_{side}")
                card_of[len(entries)] = i
                entries.append(entry)
        else:
            _add_angle(base, form, prefix + "angle_deg", prefix + "angle_method")
            card_of[len(entries)] = i
            entries.append(base)
    payload["entries"] = entries
    return payload, card_of


def _add_angle(entry: dict, form: MultiDict, angle_name: str, method_name: str) -> None:
    """A card's angle (one leg's, or the whole stretch's) and how it was measured, from
    its hidden method field; a method without an angle is dropped (the angle is what it
    qualifies), a blank one left to the service's default."""
    angle = number(form.get(angle_name))
    if angle is None:
        return
    entry["angle_deg"] = angle
    method = (form.get(method_name) or "").strip()
    if method:
        entry["angle_method"] = method


# An entry's per-side field as the form names it: entries-i-angle_left, entries-i-sides.
_SIDED = {"angle_deg": "angle_{side}", "angle_method": "angle_method_{side}"}


def _card_number(digits: str) -> int:
    """A card number from a field name; an absurd one (int() refuses more than 4300
    digits) is a client error naming the field, not a crash."""
    if len(digits) > CARD_DIGITS:
        raise DomainError("The form names a stretch card that does not exist.",
                          {"entries": ["Unknown stretch card."]})
    return int(digits)


def form_errors(errors: dict[str, list[str]], card_of: dict[int, int],
                entries: list[dict] | None = None) -> dict[str, list[str]]:
    """API error keys (``entries.3.reps``) to the form's names (``entries-1-reps``);
    given the posted ``entries``, a per-side angle error lands on that leg's input."""
    out: dict[str, list[str]] = {}
    for key, messages in errors.items():
        m = re.match(r"^entries\.(\d+)\.(\w+)$", key)
        if m and int(m.group(1)) in card_of:
            index, field = int(m.group(1)), m.group(2)
            side = (entries[index].get("side") if entries and index < len(entries) else None)
            if field in _SIDED and side in ("left", "right"):
                field = _SIDED[field].format(side=side)
            elif field == "side":
                field = "sides"
            key = f"entries-{card_of[index]}-{field}"
        elif key == "entries":
            messages = ["Tick at least one stretch you did."] if messages else messages
        out.setdefault(key, []).extend(messages)
    return out


def cards_from_session(session) -> dict[str, dict]:  # noqa: ANN001
    """Stretch slug -> the card's values, to pre-fill the form when editing."""
    cards: dict[str, dict] = {}
    for e in session.entries:
        card = cards.setdefault(e.stretch.slug, {
            "done": True, "reps": e.reps, "hold_seconds": e.hold_seconds,
            "worse": False, "sides": [], "angles": {}, "methods": {}})
        card["worse"] = card["worse"] or e.worse
        if e.side in ("left", "right"):
            card["sides"].append(e.side)
        if e.angle_deg is not None:
            card["angles"][e.side] = e.angle_deg
            card["methods"][e.side] = e.angle_method or "manual"
    return cards


def cards_from_form(form: MultiDict) -> dict[str, dict]:
    """The posted values again, to re-show a form that had errors."""
    cards: dict[str, dict] = {}
    for key in form.keys():
        m = re.match(r"^entries-(\d+)-stretch$", key)
        if not m:
            continue
        p = f"entries-{m.group(1)}-"
        cards[form[key]] = {
            "done": bool(form.get(p + "done")), "reps": form.get(p + "reps"),
            "hold_seconds": form.get(p + "hold_seconds"), "worse": bool(form.get(p + "worse")),
            "sides": form.getlist(p + "sides"),
            "angles": {s: form.get(f"{p}angle_{s}") for s in ("left", "right", "both")
                       if form.get(f"{p}angle_{s}")} | (
                {"both": form.get(p + "angle_deg")} if form.get(p + "angle_deg") else {}),
            "methods": {s: form.get(f"{p}angle_method_{s}") for s in ("left", "right")
                        if form.get(f"{p}angle_method_{s}")} | (
                {"both": form.get(p + "angle_method")} if form.get(p + "angle_method") else {}),
        }
    return cards


_ENTRY = schemas.EntrySchema().fields
_SESSION = schemas.SessionPatchSchema().fields
_ANGLE = range_rule(_ENTRY["angle_deg"], "°")
_METHOD = "measure it again, or type it."
# Card field -> (words after the stretch's name, what is allowed).
_CARD_FIELDS = {
    "done": ("done", None),
    "stretch": ("stretch", None),
    "reps": ("reps", range_rule(_ENTRY["reps"])),
    "hold_seconds": ("hold in seconds", range_rule(_ENTRY["hold_seconds"], " seconds")),
    "sides": ("sides", "tick left, right or both."),
    "angle_left": ("left angle", _ANGLE),
    "angle_right": ("right angle", _ANGLE),
    "angle_deg": ("angle", _ANGLE),
    "angle_method_left": ("left angle", _METHOD),
    "angle_method_right": ("right angle", _METHOD),
    "angle_method": ("angle", _METHOD),
    "worse": ("made my pain worse", None),
}
_PAIN = "choose a number from 0 to 10."
SESSION_LABELS = {
    "pain_before": ("Pain before", _PAIN),
    "pain_after": ("Pain after", _PAIN),
    "performed_at": "When",
    "notes": ("Notes", f"write at most {_SESSION['notes'].validators[0].max:,} characters."),
    "client_id": "This session",
    "entries": "Stretches",
}


def readable_errors(errors: dict[str, list[str]], names: list[str]) -> dict[str, str]:
    """The log form's errors for people; ``names`` are the cards' stretch names in
    card order. Ordered as the form is: pain before, cards, pain after, when, notes."""
    labels: dict = dict(SESSION_LABELS)
    order = ["client_id", "pain_before", "entries"]
    for i, name in enumerate(names):
        for field, (words, rule) in _CARD_FIELDS.items():
            labels[f"entries-{i}-{field}"] = (f"{name}, {words}", rule)
            order.append(f"entries-{i}-{field}")
    order += ["pain_after", "performed_at", "notes"]
    return readable(errors, labels, order)


def error_target(name: str) -> str:
    """The id the error summary links to for a field: the input itself, or the first
    of a group (a pain scale's 0, a card's left side)."""
    if name in ("pain_before", "pain_after", "score"):
        return f"{name}-0"
    if name == "entries":
        return "entries-0-done"
    if name.endswith("-sides"):
        return name + "-left"
    if name.endswith("-angle_method_left") or name.endswith("-angle_method_right"):
        return name.replace("angle_method_", "angle_")
    return name


# The check-in picker's words, used wherever a check-in is shown.
CONTEXT_WORDS = {"waking": "Just woke up", "after_sitting": "After sitting",
                 "evening": "Evening", "other": "Other"}


def stretch_phrases(entries) -> list[tuple[str, list[tuple[str | None, float | None, str | None]]]]:  # noqa: ANN001
    """A session's stretches in order, one phrase each (sides and angles of one stretch
    together): its name and, per entry, the side's letter (None for both sides), the
    angle and how it was measured. The ``stretch_line`` macro (templates/_macros.html)
    reads it as "Lying hamstring stretch L 42.5° R 40°", marking phone-measured angles."""
    phrases: dict[int, tuple[str, list]] = {}
    for e in entries:
        _, marks = phrases.setdefault(e.stretch_id, (e.stretch.name, []))
        side = e.side[0].upper() if e.side in ("left", "right") else None
        if side or e.angle_deg is not None:
            marks.append((side, e.angle_deg, e.angle_method))
    return list(phrases.values())


def stretch_payload(form: MultiDict) -> dict:
    """The add/edit stretch form as the API's stretch body: ticks to booleans, one
    instruction step per line."""
    payload: dict = {k: form.get(k, "").strip() for k in ("name", "spine")}
    payload = {k: v for k, v in payload.items() if v}
    for name in ("hold_seconds", "reps"):
        value = number(form.get(name))
        if value is not None:
            payload[name] = value
    for name in ("per_side", "measures_angle", "needs_helper"):
        payload[name] = bool(form.get(name))
    payload["instructions"] = [line.strip() for line in form.get("instructions", "").splitlines()
                               if line.strip()]
    return payload


def stretch_values(stretch) -> dict:  # noqa: ANN001
    """The add/edit form's values: a stretch's, or a new one's defaults."""
    if stretch is None:
        return {"spine": "neutral", "hold_seconds": "20", "reps": "3"}
    return {"name": stretch.name, "spine": stretch.spine, "hold_seconds": stretch.hold_seconds,
            "reps": stretch.reps, "per_side": stretch.per_side,
            "measures_angle": stretch.measures_angle, "needs_helper": stretch.needs_helper,
            "instructions": "\n".join(stretch.instructions)}
