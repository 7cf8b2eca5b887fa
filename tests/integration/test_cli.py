"""The ``flask demo seed`` command: a realistic month for one user, safe to re-run."""
from __future__ import annotations

import statistics

import pytest
from sqlalchemy import func, select

from tracker.auth.models import User
from tracker.extensions import db
from tracker.logbook.models import Checkin, SessionEntry, Stretch, StretchSession


def _rows(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        sessions = db.session.scalars(select(StretchSession).where(
            StretchSession.user_id == user.id).order_by(StretchSession.performed_at)).all()
        checkins = db.session.scalar(select(func.count()).select_from(Checkin).where(
            Checkin.user_id == user.id))
        angles = db.session.execute(
            select(StretchSession.local_date, SessionEntry.angle_deg)
            .join(SessionEntry).join(Stretch)
            .where(StretchSession.user_id == user.id, Stretch.slug == "slr-strap",
                   SessionEntry.side == "left")
            .order_by(StretchSession.local_date)).all()
        pain = [s.pain_before for s in sessions]
        return len(sessions), checkins, [a for _d, a in angles], pain


def test_demo_seed_makes_a_month_that_improves(app, runner):
    result = runner.invoke(args=["demo", "seed", "--days", "30", "--email", "Demo@Example.com"])
    assert result.exit_code == 0, result.output
    assert "Created demo@example.com" in result.output
    sessions, checkins, angles, pain = _rows(app, "demo@example.com")
    # One waking check-in a day; today's only once its morning time (07:00-07:50 in
    # London) has passed, so between midnight and then the run has 29.
    assert checkins in (29, 30)
    assert 20 <= sessions <= 30  # a few missed days
    # Pain falls and the affected leg goes higher over the month.
    assert statistics.mean(pain[-7:]) < statistics.mean(pain[:3]) - 1
    assert statistics.mean(angles[-5:]) > statistics.mean(angles[:3]) + 15
    assert all(0 <= a <= 120 for a in angles)
    # The demo answers the warning-signs check ("none of these"), so Today shows data.
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "demo@example.com"))
        assert user.red_flags_answered_at is not None and user.red_flags == []


def test_demo_seed_is_idempotent(app, runner):
    runner.invoke(args=["demo", "seed", "--days", "10", "--email", "d@example.com"])
    first = _rows(app, "d@example.com")[:2]
    again = runner.invoke(args=["demo", "seed", "--days", "10", "--email", "d@example.com"])
    assert again.exit_code == 0
    assert "Seeded 0 sessions and 0 check-ins" in again.output
    assert _rows(app, "d@example.com")[:2] == first


@pytest.mark.parametrize("args, message", [
    (["--timezone", "Mars/Olympus"], "unknown time zone"),
    (["--days", "0"], "--days"),
    (["--password", "short"], "at least 10 characters"),
])
def test_demo_seed_refuses_bad_options(runner, args, message):
    result = runner.invoke(args=["demo", "seed", "--email", "x@example.com", *args])
    assert result.exit_code != 0
    assert message in result.output


def test_demo_seed_starts_a_programme_the_charts_tell(app, runner, users):
    result = runner.invoke(args=["demo", "seed", "--days", "30", "--email", "story@example.com"])
    assert result.exit_code == 0, result.output
    assert "Straight-leg-raise programme: left leg, 10 days" in result.output
    again = runner.invoke(args=["demo", "seed", "--days", "30", "--email", "story@example.com"])
    assert again.exit_code == 0
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "story@example.com"))
        login = {"login_id": user.get_id(), "id": user.id}
    client = users.login(app.test_client(), login)
    programs = client.get("/api/v1/programs").get_json()["items"]
    assert len(programs) == 1 and programs[0]["state"] == "active"  # a re-run keeps it
    program = programs[0]
    logged = [d for d in program["days"] if d["best_left"] is not None]
    assert len(logged) >= 5
    assert logged[-1]["best_left"] > logged[0]["best_left"] + 15  # climbing into its band
    assert program["status"] in ("on_track", "ahead", "behind")
    assert sum(d["result"] == "in" for d in logged) >= len(logged) // 2
    pain = client.get("/api/v1/progress?days=30").get_json()["pain"]
    assert pain["current"] < pain["baseline"] and pain["meaningful"] is True
