"""The person's data version (tracker.data_version): every write to their log raises it,
reads and other people's writes do not, and the figures cached under it (Today, the
log form's plan, progress, pages of sessions and check-ins) are never stale and cost
no query on a hit."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import delete, event, insert, update

from tracker.auth.models import User
from tracker.data_version import changed_in_this_transaction
from tracker.extensions import db
from tracker.logbook import daily
from tracker.logbook.models import Checkin, SessionEntry, StretchSession

UTC = dt.timezone.utc


def ago(**kw) -> str:
    return (dt.datetime.now(UTC) - dt.timedelta(**kw)).isoformat()


def version(client) -> int:  # noqa: ANN001
    with client.application.app_context():
        value = db.session.get(User, client.user["id"]).data_version
        db.session.remove()
        return value


def new_session(client, stretch: str = "double-knee-to-chest", **fields) -> dict:  # noqa: ANN001
    made = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": ago(minutes=5),
        "entries": [{"stretch": stretch}], **fields})
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.get_json()


def new_checkin(client, score: int = 4) -> dict:  # noqa: ANN001
    made = client.post("/api/v1/checkins", json={
        "client_id": str(uuid.uuid4()), "recorded_at": ago(minutes=3), "score": score})
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.get_json()


def new_stretch(client) -> str:  # noqa: ANN001
    made = client.post("/api/v1/stretches", json={
        "name": f"Cat-cow {uuid.uuid4().hex[:6]}", "spine": "flexion", "hold_seconds": 15})
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.get_json()["slug"]


# Each write: (setup returning what it needs, the write itself).
WRITES = {
    "create a session": (lambda c: None, lambda c, _: new_session(c)),
    "edit a session": (new_session, lambda c, s: c.patch(
        f"/api/v1/sessions/{s['id']}", json={"pain_after": 2})),
    "replace a session's entries": (new_session, lambda c, s: c.patch(
        f"/api/v1/sessions/{s['id']}", json={"entries": [{"stretch": "supine-hamstring", "side": "left"}]})),
    "delete a session": (new_session, lambda c, s: c.delete(f"/api/v1/sessions/{s['id']}")),
    "log a check-in": (lambda c: None, lambda c, _: new_checkin(c)),
    "delete a check-in": (new_checkin, lambda c, k: c.delete(f"/api/v1/checkins/{k['id']}")),
    "add a stretch": (lambda c: None, lambda c, _: new_stretch(c)),
    "rename a stretch": (new_stretch, lambda c, slug: c.patch(
        f"/api/v1/stretches/{slug}", json={"name": "Renamed"})),
    "remove a stretch": (new_stretch, lambda c, slug: c.delete(f"/api/v1/stretches/{slug}")),
    "start a programme": (lambda c: None, lambda c, _: c.post(
        "/api/v1/programs", json={"affected_leg": "left"})),
    "end a programme": (lambda c: c.post("/api/v1/programs", json={"affected_leg": "left"}),
                        lambda c, _: c.post("/program/end")),
    "name a PSFS activity": (lambda c: None, lambda c, _: c.post(
        "/api/v1/psfs/activities", json={"name": "Putting on socks"})),
    "retire a PSFS activity": (
        lambda c: c.post("/api/v1/psfs/activities", json={"name": "Socks"}).get_json(),
        lambda c, a: c.patch(f"/api/v1/psfs/activities/{a['id']}", json={"active": False})),
    "rate PSFS activities": (
        lambda c: c.post("/api/v1/psfs/activities", json={"name": "Socks"}).get_json(),
        lambda c, a: c.post("/api/v1/psfs/ratings", json={
            "client_id": str(uuid.uuid4()), "scores": [{"activity_id": a["id"], "score": 5}]})),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_raises_the_writers_version_only(member, other, write):
    setup, act = write
    made = setup(member)
    before, others_before = version(member), version(other)
    answer = act(member, made)
    if not isinstance(answer, (dict, str)):
        assert answer.status_code < 400, answer.get_data(as_text=True)
    assert version(member) > before
    assert version(other) == others_before


@pytest.mark.parametrize("path", ["/", "/log", "/history", "/progress", "/program",
                                  "/api/v1/sessions", "/api/v1/progress?days=30",
                                  "/api/v1/programs/current"])
def test_reads_leave_the_version_alone(member, path):
    new_session(member)
    before = version(member)
    assert member.get(path).status_code in (200, 404)
    assert member.get(path).status_code in (200, 404)
    assert version(member) == before


def test_two_writes_are_two_versions_apart(member):
    before = version(member)
    new_session(member)
    new_checkin(member)
    assert version(member) == before + 2


def statements_of(app):  # noqa: ANN001
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args):  # noqa: ANN001
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(engine, "before_cursor_execute", record)


def test_today_is_fresh_after_every_write_and_a_hit_costs_one_query(member):
    assert "0</b><span>sessions today" in member.get("/").get_data(as_text=True)
    made = new_session(member, pain_before=6, pain_after=3)
    page = member.get("/").get_data(as_text=True)
    assert "1</b><span>session today" in page
    assert "pain 6 → 3" in page

    seen, stop = statements_of(member.application)
    try:
        again = member.get("/").get_data(as_text=True)
    finally:
        stop()
    assert "1</b><span>session today" in again and "pain 6 → 3" in again
    assert len(seen) == 1 and "session_token" in seen[0], seen  # the person, by their cookie

    member.delete(f"/api/v1/sessions/{made['id']}")
    assert "0</b><span>sessions today" in member.get("/").get_data(as_text=True)


def test_log_form_plan_follows_the_latest_sessions(member):
    stretch = new_stretch(member)
    assert f'id="card-{stretch}"' in member.get("/log").get_data(as_text=True)
    seen, stop = statements_of(member.application)
    try:
        assert f'id="card-{stretch}"' in member.get("/log").get_data(as_text=True)
    finally:
        stop()
    assert len(seen) == 1 and "session_token" in seen[0], seen  # a hit: the person only
    first = member.get("/log").get_data(as_text=True)
    new_session(member, stretch=stretch)
    after = member.get("/log").get_data(as_text=True)
    # Now in the usual plan, so among the first cards, before "More stretches".
    more = after.index("More stretches") if "More stretches" in after else len(after)
    assert after.index(f'id="card-{stretch}"') < more
    assert first != after
    member.delete(f"/api/v1/stretches/{stretch}")  # archived: out of the library
    assert f'id="card-{stretch}"' not in member.get("/log").get_data(as_text=True)


def test_progress_answer_follows_a_new_check_in(member):
    before = member.get("/api/v1/progress?days=30").get_json()
    new_checkin(member, score=7)
    after = member.get("/api/v1/progress?days=30").get_json()
    assert [d["mean"] for d in after["pain"]["daily"]][-1] == 7
    assert before["pain"]["daily"] != after["pain"]["daily"]


@pytest.mark.parametrize("path", ["/api/v1/sessions", "/api/v1/sessions?per_page=1&page=2",
                                  "/api/v1/checkins?from=2000-01-01"])
def test_a_listed_page_is_fresh_after_every_write_and_a_hit_costs_one_query(member, path):
    for _ in range(2):
        new_session(member, pain_before=5)
        new_checkin(member, score=5)
    first = member.get(path)
    assert first.status_code == 200 and first.get_json()["meta"]["total"] == 2
    seen, stop = statements_of(member.application)
    try:
        again = member.get(path)
    finally:
        stop()
    assert again.get_json() == first.get_json() and again.headers["ETag"] == first.headers["ETag"]
    assert len(seen) == 1 and "session_token" in seen[0], seen  # the person, by their cookie
    assert again.headers["Cache-Control"] == "private, no-store"
    assert member.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    newest = new_session(member, pain_before=9) if "sessions" in path else new_checkin(member, 9)
    after = member.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.get_json()["meta"]["total"] == 3
    listed = [item["id"] for item in after.get_json()["items"]]
    assert (newest["id"] in listed) == ("page=2" not in path)
    kind = "sessions" if "sessions" in path else "checkins"
    member.patch(f"/api/v1/{kind}/{newest['id']}",
                 json={"pain_before": 1} if kind == "sessions" else {"score": 1})
    member.delete(f"/api/v1/{kind}/{listed[-1]}")
    final = member.get(path).get_json()
    assert final["meta"]["total"] == 2 and listed[-1] not in [i["id"] for i in final["items"]]


def test_one_persons_cache_never_answers_another(member, other):
    for client in (member, other):
        client.get("/api/v1/sessions")  # both cached, each under their own key
    new_session(member, pain_before=8, pain_after=2)
    assert member.get("/api/v1/sessions").get_json()["meta"]["total"] == 1
    assert other.get("/api/v1/sessions").get_json()["meta"]["total"] == 0
    assert "pain 8 → 2" in member.get("/").get_data(as_text=True)
    assert "pain 8 → 2" not in other.get("/").get_data(as_text=True)
    assert member.get("/api/v1/progress?days=30").get_json()["pain"]["daily"]
    assert other.get("/api/v1/progress?days=30").get_json()["pain"]["daily"] == []


# --- writes that bypass the flush ---------------------------------------------------


def _in_app(client, write):  # noqa: ANN001
    """Run ``write(user)`` in the app as the client's person, then commit."""
    with client.application.app_context():
        write(db.session.get(User, client.user["id"]))
        db.session.commit()
        db.session.remove()


def test_a_bulk_update_of_a_persons_rows_changes_what_today_shows_at_once(member, other):
    made = new_session(member, pain_before=6, pain_after=3)
    new_session(other, pain_before=6, pain_after=3)
    assert "pain 6 → 3" in member.get("/").get_data(as_text=True)  # now cached
    before, others_before = version(member), version(other)

    _in_app(member, lambda user: db.session.execute(
        update(StretchSession).where(StretchSession.id == made["id"]).values(pain_after=1)))

    assert "pain 6 → 1" in member.get("/").get_data(as_text=True)
    assert version(member) == before + 1 and version(other) == others_before


def test_a_bulk_delete_and_a_core_insert_raise_the_version_too(member):
    made = new_session(member)
    before = version(member)
    _in_app(member, lambda user: db.session.execute(
        delete(SessionEntry).where(SessionEntry.session_id == made["id"])))
    assert version(member) == before + 1
    _in_app(member, lambda user: db.session.execute(insert(Checkin.__table__), [{
        "user_id": user.id, "client_id": str(uuid.uuid4()), "score": 2,
        "recorded_at": dt.datetime.now(UTC), "local_date": dt.date.today()}]))
    assert version(member) == before + 2


def test_one_transaction_raises_a_version_once_and_caches_nothing_meanwhile(member):
    """The new number commits with every write of the transaction; figures computed
    inside it (from writes not yet committed) are not kept under any number."""
    before = version(member)

    def two_writes_and_a_read(user: User) -> None:
        first = new_checkin_row(user, 3)
        db.session.add(first)
        db.session.flush()
        assert changed_in_this_transaction(db.session(), user.id)
        with member.application.test_request_context():
            daily.today_figures(user, dt.datetime.now(UTC))  # computed, not kept
        db.session.add(new_checkin_row(user, 9))
        db.session.flush()

    member.get("/")  # Today cached under the version before
    _in_app(member, two_writes_and_a_read)
    assert version(member) == before + 1
    page = member.get("/").get_data(as_text=True)
    assert page.count("Pain check-in") == 2, page  # not the figures read between the writes
    assert "3/10" in page and "9/10" in page


def new_checkin_row(user: User, score: int) -> Checkin:
    now = dt.datetime.now(UTC)
    return Checkin(user_id=user.id, client_id=str(uuid.uuid4()), recorded_at=now,
                   local_date=now.date(), score=score)
