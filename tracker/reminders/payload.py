"""What a reminder says: the notification's title and body, and the JSON payload the
service worker receives (``{title, body, url, tag, reminder_id, snooze}``, at most
3 KB). Pure: the programme's target for today is passed in."""
from __future__ import annotations

import json
from dataclasses import dataclass

PAYLOAD_MAX = 3072
TITLE = "Time to stretch"
DEFAULT_BODY = "A few minutes of your stretches now. Stop any that increase your pain."


@dataclass(frozen=True)
class Target:
    """Today's SLR programme target: day ``day`` of ``length``, aim ``low``–``high``°."""

    day: int
    length: int
    low: float
    high: float


def _degrees(value: float) -> str:
    return str(int(value + 0.5))  # 37.5 -> 38: half-degrees round up, as people read them


def target_line(target: Target) -> str:
    """"Day 4 of 10: aim for 38–53°"."""
    return f"Day {target.day} of {target.length}: aim for {_degrees(target.low)}–{_degrees(target.high)}°"


def body_text(message: str | None, target: Target | None) -> str:
    """The person's own message (or ours), with today's programme target first."""
    text = (message or "").strip() or DEFAULT_BODY
    return f"{target_line(target)}. {text}" if target else text


def payload(*, reminder_id: int | None, body: str, url: str = "/log", tag: str = "reminder",
            snooze: str | None = None, title: str = TITLE) -> bytes:
    data = {"title": title, "body": body, "url": url, "tag": tag, "reminder_id": reminder_id}
    if snooze:
        data["snooze"] = snooze
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    if len(encoded) > PAYLOAD_MAX:
        raise ValueError(f"push payload of {len(encoded)} bytes exceeds {PAYLOAD_MAX}")
    return encoded
