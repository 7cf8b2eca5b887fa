"""A realistic month of data for one person, for trying the charts and for benchmarks:
pain falling with day-to-day noise, a few missed days, and a straight-leg-raise
programme over the last 10 days in which the affected leg climbs into its band. Deterministic for a given seed; replays are no-ops because the
client_ids are derived from the user and the day."""
from __future__ import annotations

import datetime as dt
import random
import uuid
from zoneinfo import ZoneInfo

from tracker.auth.models import User
from tracker.domain import progression
from tracker.logbook import checkins, sessions

_NAMESPACE = uuid.UUID("6a1f8c2e-3b7d-4f0e-9c55-2d4b8e1a7f30")


def _client_id(user: User, kind: str, day: dt.date) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{user.id}:{kind}:{day.isoformat()}"))


def seed(user: User, days: int, now: dt.datetime, seed: int = 7,
         affected_leg: str = "left") -> tuple[int, int]:
    """Create up to ``days`` days of sessions and check-ins ending today, and start a
    programme over the last 10 of them (unless one with that start is running);
    returns (sessions created, check-ins created)."""
    from tracker.programs import service as programs

    rng = random.Random(seed)
    tz = ZoneInfo(user.timezone)
    today = now.astimezone(tz).date()
    length = progression.LENGTH_DEFAULT
    program_start = today - dt.timedelta(days=min(days, length) - 1)
    running = programs.current_program(user)
    if running is None or running.start_date != program_start:
        programs.start_program(user, {"affected_leg": affected_leg, "start_date": program_start,
                                      "length_days": length}, now)
    other_leg = "right" if affected_leg == "left" else "left"
    made_sessions = made_checkins = 0
    for offset in range(days - 1, -1, -1):
        day = today - dt.timedelta(days=offset)
        progress = (days - 1 - offset) / max(days - 1, 1)  # 0 on the first day, 1 today
        pain = max(0.0, min(10.0, 6.5 - 3.5 * progress + rng.gauss(0, 0.8)))
        # Today's check-in before its usual hour happens now, so a seed run in the
        # small hours still ends today (the sessions do the same below).
        morning = min(dt.datetime.combine(day, dt.time(7, rng.randint(0, 50)), tz), now)
        _, created = checkins.create_checkin(user, {
            "client_id": _client_id(user, "checkin", day), "recorded_at": morning,
            "score": round(min(10, pain + 1)), "context": "waking", "note": ""}, now)
        made_checkins += created
        if rng.random() < 0.15 and offset not in (0, days - 1):
            continue  # a missed day
        when = dt.datetime.combine(day, dt.time(rng.choice([8, 12, 18, 20]), rng.randint(0, 59)), tz)
        when = min(when, now)
        n = progression.day_number(program_start, day)  # the demo's days are never held
        band = progression.target_band(n, length) if 1 <= n <= length else None
        if band is None:  # before the programme: stuck low
            affected = 28 + 6 * progress + rng.gauss(0, 2)
        else:  # climbing with the programme, mostly inside the band
            affected = (band.low + band.high) / 2 - 1 + rng.gauss(0, 3)
        healthy = min(90.0, 76 + rng.gauss(0, 2))
        entries = [
            {"stretch": "double-knee-to-chest", "reps": 3, "hold_seconds": 20},
            {"stretch": "slr-strap", "side": affected_leg, "angle_deg": round(affected * 2) / 2},
            {"stretch": "slr-strap", "side": other_leg, "angle_deg": round(healthy * 2) / 2},
            {"stretch": "supine-hamstring", "side": affected_leg},
            {"stretch": "supine-hamstring", "side": other_leg},
        ]
        _, created = sessions.create_session(user, {
            "client_id": _client_id(user, "session", day), "performed_at": when,
            "pain_before": round(pain), "pain_after": max(0, round(pain - rng.choice([0, 1, 1, 2]))),
            "notes": "", "entries": entries}, now)
        made_sessions += created
    return made_sessions, made_checkins
