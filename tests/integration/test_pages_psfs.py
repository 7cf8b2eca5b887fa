"""The PSFS pages (issue 22): /psfs names, rates and retires activities with plain
forms; Today asks "How are these going?" after the first week of use and 7 days after
the last rating; Progress, the report and a share link show the change honestly."""
from __future__ import annotations

import datetime as dt
import re
import uuid

from tests.progress_data import at_noon
from tracker.auth.models import User
from tracker.extensions import db

ZONE = "Europe/Berlin"


def words(response) -> str:  # noqa: ANN001
    body = response.get_data(as_text=True)
    body = body[body.index("<main"):body.index("</main>")] if "<main" in body else body
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&#39;", "'")


def strict(html: str) -> None:
    """No inline style or script (the CSP allows neither)."""
    assert 'style="' not in html and not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def signed_up_days_ago(client, days: int) -> None:  # noqa: ANN001
    with client.application.app_context():
        user = db.session.get(User, client.user["id"])
        user.created_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
        db.session.commit()


def activities(client) -> list[dict]:  # noqa: ANN001
    return client.get("/api/v1/psfs/activities").get_json()["items"]


def test_name_rate_and_retire_with_plain_forms(member):
    page = member.get("/psfs")
    assert page.status_code == 200
    strict(page.get_data(as_text=True))
    assert "putting on socks" in words(page)
    assert member.post("/psfs/activities", data={"name": "Putting on socks"}).status_code == 302
    assert member.post("/psfs/activities", data={"name": "Sitting through a film"}).status_code == 302
    socks, film = (a["id"] for a in activities(member))
    html = member.get("/psfs").get_data(as_text=True)
    strict(html)
    # One row of 0-10 buttons per activity, with the activity as its legend.
    assert len(re.findall(rf'name="score-{socks}"', html)) == 11
    assert "<legend>Putting on socks</legend>" in html
    saved = member.post("/psfs/ratings", data={"client_id": str(uuid.uuid4()),
                                               f"score-{socks}": "3", f"score-{film}": ""})
    assert saved.status_code == 302 and "rated=1" in saved.headers["Location"]
    [rating] = member.get("/api/v1/psfs/ratings").get_json()["items"]
    assert [(s["name"], s["score"]) for s in rating["scores"]] == [("Putting on socks", 3)]
    assert "Ratings saved." in words(member.get("/psfs?rated=1"))
    # Stop rating one: it moves to "No longer rated"; its rating stays.
    assert member.post(f"/psfs/activities/{socks}", data={"active": "0"}).status_code == 302
    text = words(member.get("/psfs"))
    assert "Putting on socks Rate again" in text
    assert len(member.get("/api/v1/psfs/ratings").get_json()["items"]) == 1


def test_form_errors_are_said_for_people(member):
    too_long = member.post("/psfs/activities", data={"name": "x" * 81})
    assert too_long.status_code == 422
    assert "Activity: name the activity in 1–80 characters." in words(too_long)
    member.post("/psfs/activities", data={"name": "Socks"})
    [socks] = [a["id"] for a in activities(member)]
    nothing = member.post("/psfs/ratings", data={"client_id": str(uuid.uuid4())})
    assert nothing.status_code == 422
    assert "Choose a number for at least one activity." in words(nothing)
    bad = member.post("/psfs/ratings", data={"client_id": str(uuid.uuid4()), f"score-{socks}": "11"})
    assert bad.status_code == 422 and "Socks: choose 0 to 10." in words(bad)
    assert member.get("/api/v1/psfs/ratings").get_json()["items"] == []


def test_the_add_form_goes_at_five(member):
    for n in range(5):
        member.post("/psfs/activities", data={"name": f"Activity {n}"})
    text = words(member.get("/psfs"))
    assert "Add activity" not in text and "stop rating one to add another" in text
    sixth = member.post("/psfs/activities", data={"name": "Six"})
    assert sixth.status_code == 422 and "5 activities" in words(sixth)
    assert len(activities(member)) == 5


def test_today_offers_it_after_the_first_week_only(member, other):
    signed_up_days_ago(other, 6)
    text = words(other.get("/"))
    assert "How are these going?" not in text and "Is everyday life getting easier?" not in text
    signed_up_days_ago(member, 7)
    assert "Is everyday life getting easier?" in words(member.get("/"))
    member.post("/api/v1/psfs/activities", json={"name": "Putting on socks"})
    html = member.get("/").get_data(as_text=True)
    strict(html)
    assert "How are these going?" in words(member.get("/"))
    [socks] = [a["id"] for a in activities(member)]
    # The same big buttons as the pain check-in, one tap per activity.
    assert len(re.findall(rf'name="score-{socks}"', html)) == 11
    saved = member.post("/psfs/ratings", data={"client_id": str(uuid.uuid4()), "next": "today",
                                               f"score-{socks}": "6"})
    assert saved.status_code == 302 and saved.headers["Location"].startswith("/?")
    text = words(member.get("/?psfs=saved"))
    assert "How are these going?" not in text and "Ratings saved." in text


def test_today_does_not_ask_within_a_week_of_the_last_rating(member):
    signed_up_days_ago(member, 30)
    socks = member.post("/api/v1/psfs/activities", json={"name": "Socks"}).get_json()["id"]
    for offset in (13, 6):
        member.post("/api/v1/psfs/ratings", json={"client_id": str(uuid.uuid4()),
                                                  "rated_at": at_noon(offset, ZONE),
                                                  "scores": [{"activity_id": socks, "score": 4}]})
    assert "How are these going?" not in words(member.get("/"))


def test_today_asks_when_the_last_rating_is_a_week_old(member):
    signed_up_days_ago(member, 30)
    socks = member.post("/api/v1/psfs/activities", json={"name": "Socks"}).get_json()["id"]
    member.post("/api/v1/psfs/ratings", json={"client_id": str(uuid.uuid4()),
                                              "rated_at": at_noon(7, ZONE),
                                              "scores": [{"activity_id": socks, "score": 4}]})
    assert "How are these going?" in words(member.get("/"))
    # Retiring every activity stops the asking.
    member.patch(f"/api/v1/psfs/activities/{socks}", json={"active": False})
    text = words(member.get("/"))
    assert "How are these going?" not in text and "getting easier" not in text


def test_progress_shows_the_summary_table_and_the_way_to_rate(member):
    text = words(member.get("/progress"))
    assert "Everyday activities" in text and "Rate your activities" in text
    socks = member.post("/api/v1/psfs/activities", json={"name": "Socks"}).get_json()["id"]
    for offset, score in ((14, 2), (0, 6)):
        member.post("/api/v1/psfs/ratings", json={
            "client_id": str(uuid.uuid4()), "rated_at": at_noon(offset, ZONE),
            "scores": [{"activity_id": socks, "score": score}]})
    page = member.get("/progress")
    html = page.get_data(as_text=True)
    strict(html)
    text = words(page)
    assert ("Your activities average 6 out of 10, up 4 from 2 at your first rating (2 ratings). "
            "That is a meaningful improvement (2 points or more).") in text
    assert "Socks 2 6 +4 Yes" in text
    assert "Mean of all 2 6 +4 Yes" in text


def test_report_and_share_link_show_it(member, shared_app):
    socks = member.post("/api/v1/psfs/activities", json={"name": "Sitting through a film"}).get_json()["id"]
    for offset, score in ((40, 7), (3, 5)):
        member.post("/api/v1/psfs/ratings", json={
            "client_id": str(uuid.uuid4()), "rated_at": at_noon(offset, ZONE),
            "scores": [{"activity_id": socks, "score": score}]})
    html = member.get("/report?days=30").get_data(as_text=True)
    strict(html)
    text = words(member.get("/report?days=30"))
    assert "Patient-Specific Functional Scale" in text
    assert "Sitting through a film 7 5 -2 No" in text  # a drop: never meaningful
    share = member.post("/api/v1/shares", json={"days": 30, "expires_in_days": 3}).get_json()
    token = share["url"].rsplit("/s/", 1)[1]
    shared = words(shared_app.test_client().get(f"/s/{token}"))
    assert "Patient-Specific Functional Scale" in shared and "Sitting through a film" in shared


def test_no_psfs_section_in_a_report_before_a_first_rating(member):
    assert "Patient-Specific Functional Scale" not in words(member.get("/report"))


def test_todays_question_is_part_of_the_cached_figures(member):
    """A cache hit of Today with the PSFS card costs one query (the person, by their
    cookie), and a rating shows at once (it raises the data version)."""
    from sqlalchemy import event

    signed_up_days_ago(member, 10)
    socks = member.post("/api/v1/psfs/activities", json={"name": "Socks"}).get_json()["id"]
    assert "How are these going?" in words(member.get("/"))
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):  # noqa: ANN001
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    with member.application.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        again = words(member.get("/"))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert "How are these going?" in again
    assert len(seen) == 1 and "session_token" in seen[0], seen
    member.post("/api/v1/psfs/ratings", json={"client_id": str(uuid.uuid4()),
                                              "scores": [{"activity_id": socks, "score": 5}]})
    assert "How are these going?" not in words(member.get("/"))


def test_another_persons_activity_is_a_404_on_the_pages(member, other):
    mine = member.post("/api/v1/psfs/activities", json={"name": "Putting on socks"}).get_json()
    retire = other.post(f"/psfs/activities/{mine['id']}", data={"active": "0"})
    assert retire.status_code == 404
    rate = other.post("/psfs/ratings", data={"client_id": str(uuid.uuid4()),
                                             f"score-{mine['id']}": "5"})
    assert rate.status_code == 404
    assert [a["active"] for a in activities(member)] == [True]
    assert member.get("/api/v1/psfs/ratings").get_json()["items"] == []
