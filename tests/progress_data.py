"""A month of log book data with known figures, written through the real API, for
the progress and programme tests (``log_month``), and ``MONTH``: what it must add up to."""
from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

DAYS = 30
SKIPPED = (10, 11)  # days ago without a session (a check-in only)


def local_day(offset: int, zone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(zone)).date() - dt.timedelta(days=offset)


def at_noon(offset: int, zone: str) -> str:
    """Noon local time ``offset`` days ago (today's noon may be up to 12 h ahead,
    which the log book accepts as clock skew)."""
    return dt.datetime.combine(local_day(offset, zone), dt.time(12), ZoneInfo(zone)).isoformat()


def score(offset: int) -> int:
    """7 on the first 3 days, 5 in the middle, 3 in the last 7 days."""
    return 7 if offset >= DAYS - 3 else 3 if offset < 7 else 5


def angle(offset: int) -> float:
    return 30.0 + (DAYS - 1 - offset)


def log_month(client, headers: dict | None = None, zone: str = "Europe/Berlin",  # noqa: ANN001
              high: bool = False) -> None:
    """30 days ending today: a check-in every day and a session on all but two days
    (pain_before = the check-in's score, pain_after one less, SLR angles left climbing
    from 30 to 59, right 75). ``high`` writes a different person's data: pain 10,
    angles 100, so a leak into someone else's figures shows."""
    for offset in range(DAYS - 1, -1, -1):
        pain = 10 if high else score(offset)
        response = client.post("/api/v1/checkins", headers=headers, json={
            "client_id": str(uuid.uuid4()), "recorded_at": at_noon(offset, zone),
            "score": pain, "context": "waking"})
        assert response.status_code == 201, response.get_data(as_text=True)
        if offset in SKIPPED:
            continue
        response = client.post("/api/v1/sessions", headers=headers, json={
            "client_id": str(uuid.uuid4()), "performed_at": at_noon(offset, zone),
            "pain_before": pain, "pain_after": pain - (0 if high else 1),
            "entries": [
                {"stretch": "double-knee-to-chest"},
                {"stretch": "slr-strap", "side": "left", "angle_deg": 100 if high else angle(offset)},
                {"stretch": "slr-strap", "side": "right", "angle_deg": 100 if high else 75},
                # measures an angle too, but is not the SLR programme: must not count
                {"stretch": "supine-hamstring", "side": "left", "angle_deg": 110},
            ]})
        assert response.status_code == 201, response.get_data(as_text=True)
