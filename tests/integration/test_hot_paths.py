"""The log book's hot paths stay lean without changing what they answer: a bearer
POST of a session costs three reads, its inserts and the data version, and
nothing after its inserts; the streak is right however far back it reaches, though
Today reads a bounded window; the caution query reads the partial index of "made it
worse" entries; a signed-in view does not re-send its cookie."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import event, text

from tracker.auth.models import User
from tracker.extensions import db
from tracker.logbook import checkins, daily, sessions, stretches

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 6, 15, 18, 0, tzinfo=UTC)


def body() -> dict:
    return {"client_id": str(uuid.uuid4()),
            "performed_at": (dt.datetime.now(UTC) - dt.timedelta(minutes=5)).isoformat(),
            "pain_before": 5, "pain_after": 4,
            "entries": [{"stretch": "double-knee-to-chest"},
                        {"stretch": "slr-strap", "side": "left", "angle_deg": 45},
                        {"stretch": "slr-strap", "side": "right", "angle_deg": 70}]}


@pytest.fixture
def statements(app):
    """The SQL statements the app sends while the fixture's list is being filled."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args):  # noqa: ANN001
        seen.append(" ".join(statement.split()).upper())

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_bearer_post_is_a_handful_of_statements_and_no_reload(app, client, users, statements):
    user = users.create()
    headers = {"Authorization": f"Bearer {users.token(user)}"}
    assert client.post("/api/v1/sessions", json=body(), headers=headers).status_code == 201
    statements.clear()  # the first use of the token also records when it was used

    sent = body()
    response = client.post("/api/v1/sessions", json=sent, headers=headers)

    assert response.status_code == 201
    assert response.get_json()["client_id"] == sent["client_id"]
    assert [e["angle_deg"] for e in response.get_json()["entries"]] == [None, 45, 70]
    work = [s for s in statements if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    # Reads: the token with its user, "seen or deleted?", the stretches; then the
    # inserts (the session, its entries) and the data version, and no reload after.
    selects = [s for s in work if s.startswith("SELECT")]
    assert len(selects) == 3, "\n".join(s[:90] for s in work)
    tables = {s.split("(")[0].strip() for s in work if s.startswith("INSERT")}
    assert tables == {"INSERT INTO STRETCH_SESSION", "INSERT INTO SESSION_ENTRY"}, tables
    assert sum(s.startswith(("UPDATE USER SET DATA_VERSION", 'UPDATE "USER" SET DATA_VERSION')) for s in work) == 1
    first_write = min(i for i, s in enumerate(work) if not s.startswith("SELECT"))
    assert not any(s.startswith("SELECT") for s in work[first_write:]), work
    assert sum(s.startswith("SELECT") and "API_TOKEN" in s for s in work) == 1


def test_replay_and_tombstone_still_answer_after_the_merged_check(client, users):
    user = users.create()
    headers = {"Authorization": f"Bearer {users.token(user)}"}
    sent = body()
    first = client.post("/api/v1/sessions", json=sent, headers=headers)
    again = client.post("/api/v1/sessions", json=sent, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert client.delete(f"/api/v1/sessions/{first.get_json()['id']}",
                         headers=headers).status_code == 204
    gone = client.post("/api/v1/sessions", json=sent, headers=headers)
    assert gone.status_code == 410
    assert "client_id" in gone.get_json()["fields"]


def _log_days(user: User, days_ago: list[int]) -> None:
    for n in days_ago:
        when = NOW - dt.timedelta(days=n)
        sessions.create_session(user, {
            "client_id": str(uuid.uuid4()), "performed_at": when,
            "entries": [{"stretch": "double-knee-to-chest"}]}, NOW)


@pytest.mark.parametrize(("days_ago", "streak"), [
    (list(range(0, 200)), 200),                                  # far past the first window
    (list(range(1, 150)), 149),                                  # from yesterday
    ([d for d in range(0, 200) if d != 120], 120),               # a gap in a later window
    ([d for d in range(0, 200) if d != 64], 64),                 # a gap at the window's edge
    (list(range(0, 10)) + list(range(11, 300)), 10),
    ([], 0),
])
def test_streak_beyond_the_first_window(app, users, days_ago, streak):
    account = users.create(timezone="UTC")
    with app.app_context():
        user = db.session.get(User, account["id"])
        _log_days(user, days_ago)
        db.session.commit()
        assert daily.today(user, NOW).streak == streak


def test_caution_query_reads_the_partial_index(app, users):
    account = users.create()
    with app.app_context():
        user = db.session.get(User, account["id"])
        for _ in range(2):
            sessions.create_session(user, {
                "client_id": str(uuid.uuid4()), "performed_at": NOW,
                "entries": [{"stretch": "slr-strap", "side": "left", "worse": True},
                            {"stretch": "slr-strap", "side": "right", "worse": True},
                            {"stretch": "double-knee-to-chest"}]}, NOW)
        db.session.commit()
        assert stretches.caution_slugs(user) == frozenset({"slr-strap"})
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL picks plans by table size; the index exists (migration test)
        sql = stretches.worse_counts(user).compile(
            db.engine, compile_kwargs={"literal_binds": True})
        plan = db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
        assert any("ix_session_entry_worse" in row[-1] for row in plan), plan


@pytest.mark.parametrize("path", ["/", "/log", "/history", "/progress", "/api/v1/sessions"])
def test_a_signed_in_view_does_not_send_the_cookie_again(users, path):
    """Once the cookie holds its CSRF secret, reading a page leaves the session as it
    is: no new cookie to sign and send on every request."""
    client = users.signed_in()
    assert client.get(path).status_code == 200
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers, response.headers["Set-Cookie"]


def test_todays_queries_search_by_day_not_through_the_history(app, users):
    """Every query behind Today that names a day or a window reads the (user, day)
    index by that day: none walks the person's whole history (SQLite's plans; an
    index that also sorts by time once tempted SQLite into doing exactly that)."""
    account = users.create()
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL picks plans by table size
        user = db.session.get(User, account["id"])
        _log_days(user, list(range(0, 40)))
        for n in range(0, 40, 3):  # pain scores: the baseline and this week's lines
            checkins.create_checkin(user, {"client_id": str(uuid.uuid4()), "score": 5,
                                          "recorded_at": NOW - dt.timedelta(days=n)}, NOW)
        db.session.commit()
        sent: list[tuple] = []

        def record(_conn, _cursor, sql, params, *_args):  # noqa: ANN001
            sent.append((sql, params))

        from tracker.progress import service as progress

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            daily.compute_figures(user, NOW.date())
            progress._today_summary(user, NOW.date())
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        by_day = [(sql, p) for sql, p in sent
                  if re.search(r"local_date (=|>|<|IN|BETWEEN)", sql)]
        assert len(by_day) >= 7, [s for s, _ in sent]
        for sql, params in by_day:
            plan = " | ".join(row[-1] for row in db.session.connection().exec_driver_sql(
                f"EXPLAIN QUERY PLAN {sql}", params))
            assert "local_date" in plan, f"{' '.join(sql.split())[:120]}\n  {plan}"
