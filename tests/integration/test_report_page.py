"""The report page: /report?days=N for the signed-in person. Content for a seeded
month (period, pain per day, adherence, relief, flags, warning signs, notes, the
not-a-diagnosis statement), its bounds, and what it keeps private."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from tracker.auth.models import User
from tracker.db_types import utcnow
from tracker.domain.clock import local_date
from tracker.extensions import db
from tracker.logbook import demo
from tracker.domain import progression
from tracker.progress import service as progress
from tracker.sharing import service

NOW = dt.datetime(2027, 3, 28, 18, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def month(shared_app, shared_users):
    """A seeded month (ending at NOW) plus a flagged session with notes."""
    account = shared_users.create(timezone="Europe/London")
    with shared_app.app_context():
        user = db.session.get(User, account["id"])
        demo.seed(user, 30, NOW)
        from tracker.logbook import sessions, warning_signs

        sessions.create_session(user, {
            "client_id": str(uuid.uuid4()), "performed_at": NOW - dt.timedelta(days=2),
            "pain_before": 3, "pain_after": 6, "notes": "Flared after moving boxes",
            "entries": [{"stretch": "double-knee-to-chest", "worse": True}]}, NOW)
        warning_signs.record_red_flags(user, ["night_pain"], NOW - dt.timedelta(days=5))
        db.session.commit()
    return account


def test_report_data_for_a_seeded_month(shared_app, month):
    with shared_app.app_context():
        user = db.session.get(User, month["id"])
        r = service.report_data(user, 30, NOW)
    assert (r.first, r.last) == (dt.date(2027, 2, 27), dt.date(2027, 3, 28))
    assert r.adherence["days"] == 30
    assert 20 <= r.adherence["days_logged"] <= 30
    assert r.adherence["checkins"] == 30
    assert len(r.pain_days) == 30  # a check-in every day
    assert all(0 <= p.mean <= 10 and round(p.mean, 1) == p.mean for p in r.pain_days)
    # The seeded month improves: the last week hurts less than the first days.
    means = [p.mean for p in r.pain_days]
    assert sum(means[-7:]) / 7 < sum(means[:3]) / 3
    lefts = [d["best_left"] for d in r.daily if d["best_left"]]
    assert lefts[-1] > lefts[0]
    assert {x["stretch"] for x in r.relief} >= {"double-knee-to-chest", "slr-strap"}
    assert [f["stretch"] for f in r.flags if f["stretch"]] == ["Double knee-to-chest"]
    assert any("went up 3 points" in f["message"] for f in r.flags)
    assert [n["text"] for n in r.notes] == ["Flared after moving boxes"]
    assert [i.key for i in r.red_flags.items] == ["night_pain"]
    # progress's analytics of the same days
    with shared_app.app_context():
        figures = progress.progress(db.session.get(User, month["id"]), 30, NOW)
    assert r.trend == figures.pain
    assert r.trend["baseline"] is not None and r.trend["change"] < 0
    assert r.program is not None and r.program.start_date <= r.last  # the demo's programme


def test_report_shows_the_trend_and_the_programme_with_its_bands(shared_app, shared_users):
    account = shared_users.create(timezone="Europe/London")
    with shared_app.app_context():
        user = db.session.get(User, account["id"])
        demo.seed(user, 30, utcnow())
        db.session.commit()
        r = service.report_data(user, 30, utcnow())
    client = shared_users.login(shared_app.test_client(), account)
    html = client.get("/report?days=30").get_data(as_text=True)
    t = r.trend
    assert f"<dt>Pain at the start</dt><dd>{t['baseline']:.1f}</dd>" in html
    assert f"<dt>Pain in the last 7 days</dt><dd>{t['current']:.1f}</dd>" in html
    assert f"{t['change']:+.1f} <small>({t['change_pct']:+.1f}%)</small>" in html
    assert f"<dt>Meaningful change</dt><dd>{'Yes' if t['meaningful'] else 'No'}</dd>" in html
    assert t["summary"] in html
    # the charts, drawn by progress.js from the signed-in person's progress figures
    assert 'data-figures="/api/v1/progress?days=30"' in html
    assert re.search(r'src="/static/js/progress\.[0-9a-f]{8}\.js"', html)
    assert 'data-chart="pain"' in html and 'data-chart="slr"' in html
    # the programme, a row a day with the band of the domain's rule
    program = r.program
    assert "Straight-leg-raise programme" in html
    for d in program.days:
        band = progression.target_band(d.step, program.length_days)
        assert f"<td>{band.label}</td>" in html


@pytest.mark.parametrize("days", [7, 30, 365])
def test_report_page(shared_app, shared_users, month, days):
    client = shared_users.login(shared_app.test_client(), month)
    response = client.get(f"/report?days={days}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"({days} days)" in html
    assert "not a diagnosis" in html
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert 'style="' not in html and not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_report_page_shows_each_section(shared_app, shared_users):
    account = shared_users.create(timezone="Europe/London")
    with shared_app.app_context():
        user = db.session.get(User, account["id"])
        demo.seed(user, 30, utcnow())
        from tracker.logbook import sessions, warning_signs

        sessions.create_session(user, {
            "client_id": str(uuid.uuid4()), "performed_at": utcnow() - dt.timedelta(hours=2),
            "pain_before": 3, "pain_after": 6, "notes": "Flared after moving boxes",
            "entries": [{"stretch": "double-knee-to-chest", "worse": True}]}, utcnow())
        warning_signs.record_red_flags(user, ["night_pain", "both_legs"], utcnow())
        db.session.commit()
        today = local_date(utcnow(), "Europe/London")
    client = shared_users.login(shared_app.test_client(), account)
    html = client.get("/report").get_data(as_text=True)
    for heading in ("At a glance", "Day by day", "Relief per stretch", "Safety", "Notes"):
        assert heading in html
    assert "Flared after moving boxes" in html
    assert "Pain that is there all night" in html and "emergency department" in html
    assert "You marked this stretch as making your pain worse" in html
    assert f"{today.day} {today.strftime('%b %Y')}" in html
    assert "(30 days)" in html


@pytest.mark.parametrize("query", ["days=6", "days=366", "days=abc", "days=-1", "days=99999999999999999999"])
def test_report_days_out_of_range(member, query):
    response = member.get(f"/report?{query}")
    assert response.status_code == 422
    assert "7 to 365" in response.get_data(as_text=True)


def test_report_ignores_other_query_parameters(member):
    assert member.get("/report?days=14&utm_source=x").status_code == 200


def test_report_needs_signing_in(shared_app):
    response = shared_app.test_client().get("/report")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_empty_report(shared_users):
    member = shared_users.signed_in(answered=False)
    html = member.get("/report?days=7").get_data(as_text=True)
    assert "Nothing was logged in this period." in html
    assert "Not answered yet." in html
