"""The log form of the pages: one card per stretch, turned into the API's session
shape (so the API schema validates it) and back again for editing.

Form names: top-level fields are the API's (``pain_before``, ``pain_after``,
``notes``, ``client_id``, ``performed_at``); stretch card ``i`` posts ``entries-i-stretch``,
``entries-i-done``, ``entries-i-reps``, ``entries-i-hold_seconds``, ``entries-i-worse``,
per-side stretches ``entries-i-sides`` (left/right) and angle stretches
``entries-i-angle_left`` / ``entries-i-angle_right`` (or ``entries-i-angle_deg``).
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

from tracker.errors import DomainError

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
                angle = number(form.get(f"{prefix}angle_{side}"))
                if angle is not None:
                    entry["angle_deg"] = angle
                card_of[len(entries)] = i
                entries.append(entry)
        else:
            angle = number(form.get(prefix + "angle_deg"))
            if angle is not None:
                base["angle_deg"] = angle
            card_of[len(entries)] = i
            entries.append(base)
    payload["entries"] = entries
    return payload, card_of


def _card_number(digits: str) -> int:
    """A card number from a field name; an absurd one (int() refuses more than 4300
    digits) is a client error naming the field, not a crash."""
    if len(digits) > CARD_DIGITS:
        raise DomainError("The form names a stretch card that does not exist.",
                          {"entries": ["Unknown stretch card."]})
    return int(digits)


def form_errors(errors: dict[str, list[str]], card_of: dict[int, int]) -> dict[str, list[str]]:
    """API error keys (``entries.3.reps``) to the form's names (``entries-1-reps``)."""
    out: dict[str, list[str]] = {}
    for key, messages in errors.items():
        m = re.match(r"^entries\.(\d+)\.(\w+)$", key)
        if m and int(m.group(1)) in card_of:
            key = f"entries-{card_of[int(m.group(1))]}-{m.group(2)}"
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
            "worse": False, "sides": [], "angles": {}})
        card["worse"] = card["worse"] or e.worse
        if e.side in ("left", "right"):
            card["sides"].append(e.side)
        if e.angle_deg is not None:
            card["angles"][e.side] = e.angle_deg
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
        }
    return cards
