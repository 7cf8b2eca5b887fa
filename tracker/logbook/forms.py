"""The log form of the pages: one card per stretch, turned into the API's session
shape (so the API schema validates it) and back again for editing.

Form names. Top-level fields are the API's (``client_id``, ``performed_at``,
``pain_before``, ``pain_after``, ``notes``). A stretch card's fields are named by the
stretch's slug: ``entries[<slug>][<field>]``, e.g. ``entries[slr-strap][reps]`` (a slug
is ``[a-z0-9]+(-[a-z0-9]+)*``, so no bracket can occur inside one). A card's fields:

- ``done``: ticked, the card is sent as entries; unticked, it is left out;
- ``reps``, ``hold_seconds``, ``worse``;
- ``sides`` (a checkbox each for left and right) on a per-side stretch: one entry per
  side ticked;
- ``angle_left`` / ``angle_right`` (per leg) or ``angle_deg`` (a whole-body angle), each
  with a hidden ``angle_method_left`` / ``angle_method_right`` / ``angle_method``:
  "manual" when typed, "phone" when a phone measured it; sent as the entry's
  ``angle_method`` with its angle.

Every input's id is its name (a side's checkbox: ``entries[<slug>][sides]-left``), so
an error keyed by a form name links to its field. An API error ``entries.<i>.<field>``
is about entry i of the body built here, and that entry's ``stretch`` and ``side`` name
its field (``form_name``): no card numbers to carry along. static/js/serialize.js builds
the same body from the same names, for the offline queue.

``readable_errors`` names every field for people ("Lying hamstring stretch, left angle:
enter 0 to 120°"); ``LIMITS`` are the inputs' HTML limits. Both come from the API
schemas.
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

from tracker.domain.wording import N_, Text, plural_text
from tracker.forms import field_limits, range_rule, readable
from tracker.logbook import schemas

# Bounded lengths: a longer run of digits is no answer to any field here (and int()
# refuses over 4300 digits); it stays text for the schema to refuse. ASCII digits only,
# as static/js/serialize.js reads them.
_INT = re.compile(r"^-?\d{1,30}$", re.ASCII)
_NUM = re.compile(r"^-?\d{1,30}(\.\d{1,30})?$", re.ASCII)
# Any bracketed name is read (an unknown or over-long slug goes to the schema and the
# service, which name the field); a name of another shape is no card's. Matched whole
# (fullmatch: "$" would let a trailing newline through) and in ASCII, as JS does.
_CARD_FIELD = re.compile(r"entries\[([^\[\]]+)\]\[(\w+)\]", re.ASCII)
_API_ENTRY = re.compile(r"entries\.(\d{1,9})\.(\w+)", re.ASCII)


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


def card_field(slug: str, field: str) -> str:
    """A card's form name: ``entries[slr-strap][reps]``."""
    return f"entries[{slug}][{field}]"


def card_slug(name: str) -> str | None:
    """The slug of the card a form name belongs to, or None for any other name."""
    m = _CARD_FIELD.fullmatch(name)
    return m.group(1) if m else None


def posted_cards(form: MultiDict) -> list[str]:
    """The slugs of the cards in a posted form, in the form's order."""
    return list(dict.fromkeys(slug for key in form.keys() if (slug := card_slug(key))))


def session_payload(form: MultiDict, timezone: str, now: dt.datetime) -> dict:
    """The API's session body from the posted log form: one entry per ticked card,
    or per side ticked on a per-side card."""
    payload: dict = {"client_id": form.get("client_id", "")}
    when = _local_datetime(form.get("performed_at"), timezone)
    payload["performed_at"] = when or now.isoformat()
    for name in ("pain_before", "pain_after"):
        value = number(form.get(name))
        if value is not None:
            payload[name] = value
    payload["notes"] = form.get("notes", "")
    entries: list[dict] = []
    for slug in posted_cards(form):
        def posted(field: str, slug: str = slug) -> str | None:
            return form.get(card_field(slug, field))
        if not posted("done"):
            continue
        base = {"stretch": slug, "worse": bool(posted("worse"))}
        for name in ("reps", "hold_seconds"):
            value = number(posted(name))
            if value is not None:
                base[name] = value
        sides = form.getlist(card_field(slug, "sides"))
        if sides:
            for side in sides:
                entry = {**base, "side": side}
                _add_angle(entry, posted(f"angle_{side}"), posted(f"angle_method_{side}"))
                entries.append(entry)
        else:
            _add_angle(base, posted("angle_deg"), posted("angle_method"))
            entries.append(base)
    payload["entries"] = entries
    return payload


def _add_angle(entry: dict, angle_text: str | None, method_text: str | None) -> None:
    """A card's angle (one leg's, or the whole stretch's) and how it was measured, from
    its hidden method field; a method without an angle is dropped (the angle is what it
    qualifies), a blank one left to the service's default."""
    angle = number(angle_text)
    if angle is None:
        return
    entry["angle_deg"] = angle
    method = (method_text or "").strip()
    if method:
        entry["angle_method"] = method


# An entry's field as a per-leg card names it.
_SIDED = {"angle_deg": "angle_{side}", "angle_method": "angle_method_{side}"}


def form_name(entry: dict, field: str) -> str:
    """The form field that ``field`` of ``entry`` (an entry of the posted body) came
    from: ``entries[<its stretch>][<field>]``, a leg's angle for a per-side entry."""
    side = entry.get("side")
    if field in _SIDED and side in ("left", "right"):
        field = _SIDED[field].format(side=side)
    elif field == "side":
        field = "sides"
    return card_field(str(entry.get("stretch", "")), field)


def form_errors(errors: dict[str, list[str]], entries: list[dict]) -> dict[str, list[str]]:
    """API error keys (``entries.3.reps``) as the form's names (``entries[cat-cow][reps]``),
    read off the posted ``entries`` (the body's); the two legs of one card share it."""
    out: dict[str, list[str]] = {}
    for key, messages in errors.items():
        m = _API_ENTRY.fullmatch(key)
        if m and int(m.group(1)) < len(entries):
            key = form_name(entries[int(m.group(1))], m.group(2))
        elif key == "entries":
            most = LIMITS["entries"]["maxlength"]
            messages = ([plural_text("Tick at most %(num)s stretch.", "Tick at most %(num)s stretches.",
                                     most)] if entries
                        else [N_("Tick at least one stretch you did.")])
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
    for slug in posted_cards(form):
        def posted(field: str, slug: str = slug) -> str | None:
            return form.get(card_field(slug, field))
        angles = {s: posted(f"angle_{s}") for s in ("left", "right") if posted(f"angle_{s}")}
        methods = {s: posted(f"angle_method_{s}") for s in ("left", "right")
                   if posted(f"angle_method_{s}")}
        if posted("angle_deg"):
            angles["both"] = posted("angle_deg")
        if posted("angle_method"):
            methods["both"] = posted("angle_method")
        cards[slug] = {
            "done": bool(posted("done")), "reps": posted("reps"),
            "hold_seconds": posted("hold_seconds"), "worse": bool(posted("worse")),
            "sides": form.getlist(card_field(slug, "sides")), "angles": angles, "methods": methods,
        }
    return cards


_ENTRY = schemas.EntrySchema().fields
_SESSION = schemas.SessionCreateSchema().fields
_CHECKIN = schemas.CheckinCreateSchema().fields
_STRETCH = schemas.StretchCreateSchema().fields
# The HTML limits of the log form's and the check-in's inputs (templates/logbook/log.html,
# today.html); static/js/outbox.js reads them back from the inputs.
LIMITS = {
    "pain": field_limits(_SESSION["pain_before"]),
    "reps": field_limits(_ENTRY["reps"]),
    "hold_seconds": field_limits(_ENTRY["hold_seconds"]),
    "angle": field_limits(_ENTRY["angle_deg"]),
    "notes": field_limits(_SESSION["notes"]),
    "entries": field_limits(_SESSION["entries"]),
    "score": field_limits(_CHECKIN["score"]),
    "note": field_limits(_CHECKIN["note"]),
    "stretch_name": field_limits(_STRETCH["name"]),
    "stretch_hold_seconds": field_limits(_STRETCH["hold_seconds"]),
    "stretch_reps": field_limits(_STRETCH["reps"]),
}


def _choose(limits: dict) -> Text:
    return Text("choose a number from %(min)s to %(max)s.", min=limits["min"], max=limits["max"])


class _Count(Text):
    """A count inside a sentence: "2,000" in English, as the page's language writes
    the number elsewhere ("2.000")."""

    __slots__ = ()

    def __new__(cls, count: int) -> _Count:
        value = str.__new__(cls, f"{count:,}")
        value.msgid, value.params = "%(num)s", {"num": float(count)}
        value.plural, value.count = None, None
        return value

    def __reduce__(self):  # noqa: ANN204
        return (_Count, (int(self.params["num"]),))


def _at_most(limits: dict) -> Text:
    return plural_text("write at most %(num)s character.", "write at most %(num)s characters.",
                       limits["maxlength"], num=_Count(limits["maxlength"]))


_ANGLE = range_rule(_ENTRY["angle_deg"], "°")
_METHOD = N_("measure it again, or type it.")
# Card field -> (words after the stretch's name, what is allowed).
_CARD_FIELDS = {
    "done": (Text("done"), None),
    "stretch": (None, None),
    "reps": (Text("reps"), range_rule(_ENTRY["reps"])),
    "hold_seconds": (Text("hold in seconds"), range_rule(_ENTRY["hold_seconds"], " seconds")),
    "sides": (Text("sides"), N_("tick left, right or both.")),
    "angle_left": (Text("left angle"), _ANGLE),
    "angle_right": (Text("right angle"), _ANGLE),
    "angle_deg": (Text("angle"), _ANGLE),
    "angle_method_left": (Text("left angle"), _METHOD),
    "angle_method_right": (Text("right angle"), _METHOD),
    "angle_method": (Text("angle"), _METHOD),
    "worse": (Text("made my pain worse"), None),
}
SESSION_LABELS = {
    "pain_before": (N_("Pain before"), _choose(LIMITS["pain"])),
    "pain_after": (N_("Pain after"), _choose(LIMITS["pain"])),
    "performed_at": N_("When"),
    "notes": (N_("Notes"), _at_most(LIMITS["notes"])),
    "client_id": N_("This session"),
    "entries": N_("Stretches"),
}
CHECKIN_LABELS = {
    "score": (N_("Pain right now"), _choose(LIMITS["score"])),
    "context": (N_("When"), N_("choose one of the answers.")),
    "note": (N_("Note"), _at_most(LIMITS["note"])),
    "recorded_at": N_("Time"),
    "client_id": (N_("Form"), N_("reload the page and try again.")),
}


def _card_label(slug: str, field: str, names: dict[str, str]) -> tuple[str, str | None]:
    """"Lying hamstring stretch, left angle" and its rule; a card the page does not
    have (a tampering client's) is named by its slug, shortened. ``names``: the
    stretches' names as pages show them (built-ins' as ``Text``)."""
    name = names.get(slug) or "“" + (slug if len(slug) <= 40 else slug[:40] + "…") + "”"
    words, rule = _CARD_FIELDS.get(field, (field.replace("_", " "), None))
    return (Text("%(stretch)s, %(field)s", stretch=name, field=words) if words else name), rule


def readable_errors(errors: dict[str, list[str]], names: dict[str, str]) -> dict[str, str]:
    """The log form's errors for people; ``names`` maps the cards' slugs to their
    stretch names, in card order. Ordered as the form is: pain before, cards, pain
    after, when, notes."""
    labels: dict = dict(SESSION_LABELS)
    for key in errors:
        m = _CARD_FIELD.fullmatch(key)
        if m:
            labels[key] = _card_label(m.group(1), m.group(2), names)
    order = ["client_id", "pain_before", "entries"]
    order += [card_field(slug, field) for slug in names for field in _CARD_FIELDS]
    order += ["pain_after", "performed_at", "notes"]
    return readable(errors, labels, order)


# A card field whose error links elsewhere: a hidden field to what it qualifies.
_TARGETS = {"stretch": "done", "angle_method": "angle_deg", "angle_method_left": "angle_left",
            "angle_method_right": "angle_right"}
_SCALES = {"pain_before": "pain", "pain_after": "pain", "score": "score"}


def error_target(name: str, first_card: str | None = None) -> str:
    """The id the error summary links to for a field: the input itself, or the first
    of a group (a pain scale's lowest score, a card's left side, the first card's tick
    for "tick at least one")."""
    if name in _SCALES:
        return f"{name}-{LIMITS[_SCALES[name]]['min']}"
    if name == "entries":
        return card_field(first_card, "done") if first_card else name
    m = _CARD_FIELD.fullmatch(name)
    if not m:
        return name
    slug, field = m.groups()
    if field == "sides":
        return name + "-left"
    return card_field(slug, _TARGETS.get(field, field))


# The check-in picker's words, used wherever a check-in is shown.
CONTEXT_WORDS = {"waking": Text("Just woke up"), "after_sitting": Text("After sitting"),
                 "evening": Text("Evening"), "other": Text("Other")}


def stretch_phrases(entries) -> list[tuple[str, list[tuple[str | None, float | None, str | None]]]]:  # noqa: ANN001
    """A session's stretches in order, one phrase each (sides and angles of one stretch
    together): its name (as pages show it: tracker.catalog.shown) and, per entry, the side's letter (None for both sides), the
    angle and how it was measured. The ``stretch_line`` macro (templates/_macros.html)
    reads it as "Lying hamstring stretch L 42.5° R 40°", marking phone-measured angles."""
    phrases: dict[int, tuple[str, list]] = {}
    for e in entries:
        _, marks = phrases.setdefault(e.stretch_id, (e.stretch.shown_name, []))
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
