"""What a reminder says: the notification's title and body, and the one JSON every
browser receives (at most 3 KB). Pure: the programme's target and the app's public
address are passed in. The words are ``Text`` values (English as they are): the
dispatcher says them in the person's language by passing ``say`` (tracker.i18n.translate)
inside ``speaking(user.locale)``, and ``lang``/``dir`` of that language.

The JSON is WebKit's declarative Web Push format, so Safari 18.4+ (iOS, iPadOS,
macOS) shows the notification without running the service worker, and every other
browser hands the same JSON to static/sw-push.js, which shows the same notification:

    {"web_push": 8030,
     "notification": {"title", "body", "navigate", "tag", "lang", "dir",
                      "actions": [{"action", "title", "navigate"}]?},
     "reminder_id", "snooze"?, "occurrence"?}

``navigate`` is an absolute URL of this app (where a tap goes); ``tag`` names the
occurrence, so a re-send of the same occurrence replaces its notification instead of
adding one; our own fields sit beside ``notification``. An action's ``navigate`` is
where Safari goes for it; the service worker handles "snooze" itself with the token.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker.domain.wording import N_, Text

PAYLOAD_MAX = 3072
DECLARATIVE = 8030  # the "web_push" marker of WebKit's declarative format
TITLE = N_("Time to stretch")
DEFAULT_BODY = N_("A few minutes of your stretches now. Stop any that increase your pain.")
SNOOZE_MINUTES = 30


@dataclass(frozen=True)
class Target:
    """Today's SLR programme target: day ``day`` of ``length``, aim ``low``–``high``°."""

    day: int
    length: int
    low: float
    high: float


def _degrees(value: float) -> str:
    return str(int(value + 0.5))  # 37.5 -> 38: half-degrees round up, as people read them


def target_line(target: Target) -> Text:
    """"Day 4 of 10: aim for 38–53°"."""
    return Text("Day %(day)s of %(length)s: aim for %(low)s–%(high)s°", day=target.day,
                length=target.length, low=_degrees(target.low), high=_degrees(target.high))


def body_text(message: str | None, target: Target | None) -> str:
    """The person's own message (or ours, a ``Text``), with today's programme target
    first."""
    text = (message or "").strip() or Text(DEFAULT_BODY)
    return Text("%(target)s. %(message)s", target=target_line(target), message=text) \
        if target else text


def tag(reminder_id: int, occurrence_key: str) -> str:
    """A notification's tag for one occurrence of one reminder."""
    return f"reminder-{reminder_id}@{occurrence_key}"


def payload(*, reminder_id: int | None, body: str, base_url: str, path: str = "/guide",
            tag: str = "reminder", snooze: str | None = None, title: str = TITLE,
            lang: str = "en", direction: str = "ltr", occurrence: str | None = None,
            say: Callable[[Any], Any] = str) -> bytes:
    """The declarative push JSON; ``base_url`` is the app's public address (no
    trailing slash), ``path`` where a tap goes, ``snooze`` the signed snooze token;
    ``say`` turns the title, body and action titles into the language ``lang``
    (default: English as written)."""
    title = say(title if isinstance(title, Text) else Text(title))  # a marked constant
    notification = {"title": title, "body": say(body), "navigate": base_url + path, "tag": tag,
                    "lang": lang, "dir": direction}
    if snooze:
        notification["actions"] = [
            {"action": "log", "title": say(Text("Log now")), "navigate": base_url + "/log"},
            {"action": "snooze",
             "title": say(Text("Snooze %(minutes)s min", minutes=SNOOZE_MINUTES)),
             "navigate": f"{base_url}/reminders/snooze/{snooze}"}]
    data: dict = {"web_push": DECLARATIVE, "notification": notification,
                  "reminder_id": reminder_id}
    if snooze:
        data["snooze"] = snooze
    if occurrence:
        data["occurrence"] = occurrence
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    if len(encoded) > PAYLOAD_MAX:
        raise ValueError(f"push payload of {len(encoded)} bytes exceeds {PAYLOAD_MAX}")
    return encoded
