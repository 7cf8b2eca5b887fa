"""The log book's pages as a person meets them (issue 7): errors in words with a
summary that links to each field, typed input kept, the warning-signs check that
must be answered, your own stretches (archived when sessions name them), history in
one line per session, the time-zone select, and error pages in our own words; and the
walk-through's small things (issue 19): counts in words, a description on every page,
the tab bar's icons, no sign-out in the top bar, focus on an import's result."""
from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from html import unescape

import pytest

from tests.integration.test_pages_logbook import Form, api_session, form, text
from tracker.logbook.models import Stretch

KEYS = re.compile(r"entries\[|pain_before|pain_after|hold_seconds|Missing data|_schema")


def visible(response) -> str:
    """The words on the page, without tags and attributes."""
    body = response.get_data(as_text=True)
    body = body[body.index("<main"):body.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


# ------------------------------------------------------------------ errors in words


@pytest.mark.parametrize(("spoil", "said", "target"), [
    (lambda f, c: f.set(c("supine-hamstring")("angle_left"), "130")
     .tick(c("supine-hamstring")("sides"), "left").tick(c("supine-hamstring")("done")),
     "Lying hamstring stretch, left angle: enter 0 to 120°.", "[supine-hamstring][angle_left]"),
    (lambda f, c: f.set(c("double-knee-to-chest")("reps"), "lots"),
     "Double knee-to-chest, reps: enter 1 to 50.", "[double-knee-to-chest][reps]"),
    (lambda f, c: f.tick(c("slr-strap")("done")),
     "Straight-leg raise with a strap, sides: tick left, right or both.", "[slr-strap][sides]-left"),
    (lambda f, c: f.set("pain_before", "11"), "Pain before: choose a number from 0 to 10.",
     "pain_before-0"),
    (lambda f, c: f.set("notes", "n" * 2001), "Notes: write at most 2,000 characters.", "notes"),
])
def test_log_form_errors_use_labels_and_link_to_the_field(member, spoil, said, target):
    f = form(member, "/log")
    f.tick(f.card("double-knee-to-chest")("done")).set("notes", "kept words")
    spoil(f, f.card)
    response = member.post("/log", data=f.data())
    assert response.status_code == 422
    words = visible(response)
    assert "There is a problem" in words and said in words
    assert not KEYS.search(words), KEYS.search(words)
    html = text(response)
    summary = html[html.index("data-error-summary"):html.index("</div>", html.index("data-error-summary"))]
    link = re.search(r'href="#([^"]+)"', summary).group(1)
    assert link.endswith(target) and f'id="{link}"' in html
    if not link.startswith("pain_"):
        assert re.search(rf'id="{re.escape(link)}"[^>]*aria-invalid="true"', html) or \
            re.search(rf'aria-invalid="true"[^>]*id="{re.escape(link)}"', html) or "sides" in link
    again = Form(response.get_data(as_text=True), "/log")
    if not said.startswith("Notes"):
        assert again.value("notes") == "kept words"  # what was typed is kept


def test_api_keeps_its_field_paths(member):
    response = member.post("/api/v1/sessions", json={
        "client_id": "00000000-0000-4000-8000-000000000001",
        "performed_at": "2026-01-01T10:00:00+00:00", "entries": [{"stretch": "x", "reps": 0}]})
    assert "entries.0.reps" in response.get_json()["fields"]


def test_refused_checkin_stays_on_today_scrolled_to_the_form(member):
    page = text(member.get("/"))
    assert 'action="/#checkin"' in page and 'id="checkin"' in page
    f = form(member, "/", "/#checkin").set("context", "evening")
    response = member.post("/", data=f.data())
    assert response.status_code == 422
    words = visible(response)
    assert "Pain right now: choose a number from 0 to 10." in words
    assert Form(response.get_data(as_text=True), "/#checkin", "/").value("context") == "evening"
    ok = member.post("/", data=form(member, "/", "/#checkin").set("score", "3").data())
    assert ok.status_code == 302 and ok.headers["Location"] == "/?checked_in=1"


def test_notes_have_a_counter_and_the_servers_limit(member):
    html = text(member.get("/log"))
    assert re.search(r'<textarea id="notes"[^>]*maxlength="2000"', html)
    assert "0 / 2000 characters" in html


def test_every_angle_input_has_a_stable_id_and_a_manual_method(member):
    f = form(member, "/log")
    html = text(member.get("/log"))
    c = f.card("slr-strap")
    for side in ("left", "right"):
        assert f'id="{c(f"angle_{side}")}"' in html
        assert f.value(c(f"angle_method_{side}")) == "manual"


def test_guide_me_is_on_the_log_page_not_the_edit_page(member):
    assert "Guide me" in text(member.get("/log"))
    s = api_session(member)
    assert "Guide me" not in text(member.get(f"/sessions/{s['id']}/edit"))


# ------------------------------------------------------------------ the warning-signs gate


@pytest.fixture
def newcomer(shared_users):
    return shared_users.signed_in(answered=False)


def test_until_answered_today_and_log_lead_to_the_check(newcomer):
    today = visible(newcomer.get("/"))
    assert "Answer the warning-signs check" in today and "Getting started" in today
    log = newcomer.get("/log")
    assert log.status_code == 200 and 'href="/safety' in text(log)
    assert 'name="pain_before"' not in text(log)


def test_the_check_needs_an_explicit_answer(newcomer):
    response = newcomer.post("/safety", data=form(newcomer, "/safety").data())
    assert response.status_code == 422
    assert "None of these apply to me" in visible(response)
    both = form(newcomer, "/safety").tick("none_apply").tick("red_flags", "fever")
    assert newcomer.post("/safety", data=both.data()).status_code == 422
    done = newcomer.post("/safety", data=form(newcomer, "/safety").tick("none_apply").data())
    assert done.status_code == 302
    assert 'name="pain_before"' in text(newcomer.get("/log"))
    assert form(newcomer, "/safety").ticked("none_apply") == ["1"]


def test_answering_from_the_log_form_goes_back_to_it(newcomer):
    f = form(newcomer, "/safety?next=log", "/safety?next=log").tick("none_apply")
    response = newcomer.post("/safety?next=log", data=f.data())
    assert response.status_code == 302 and response.headers["Location"] == "/log"


def test_after_an_emergency_answer_log_shows_the_urgent_message(member):
    f = form(member, "/safety").untick_all("none_apply").tick("red_flags", "bladder_bowel")
    member.post("/safety", data=f.data())
    log = text(member.get("/log"))
    assert "Get medical help now" in log and 'name="pain_before"' not in log
    assert "Answer the check again" in log


# ------------------------------------------------------------------ your own stretches


def add(member, **fields) -> str:
    f = form(member, "/stretches/new")
    for name, value in {"name": "Cat stretch", "spine": "extension", "hold_seconds": "15",
                        "reps": "4", "instructions": "Kneel.\nArch.", **fields}.items():
        f.set(name, value)
    response = member.post("/stretches/new", data=f.data())
    assert response.status_code == 302, visible(response)
    return response.headers["Location"].split("?")[0].rsplit("/", 1)[1]


def test_add_edit_and_log_a_custom_stretch(member):
    slug = add(member)
    page = visible(member.get(f"/stretches/{slug}"))
    assert "Cat stretch" in page and "Kneel." in page
    f = form(member, f"/stretches/{slug}/edit").set("name", "Cat-camel").set("reps", "6")
    assert member.post(f"/stretches/{slug}/edit", data=f.data()).status_code == 302
    got = member.get(f"/api/v1/stretches/{slug}").get_json()
    assert (got["name"], got["reps"], got["instructions"]) == ("Cat-camel", 6, ["Kneel.", "Arch."])
    assert "Cat-camel" in text(member.get("/log"))


@pytest.mark.parametrize(("field", "value", "said"), [
    ("name", "", "Name: write 1 to 80 characters."),
    ("name", "n" * 81, "Name: write 1 to 80 characters."),
    ("hold_seconds", "601", "Hold: enter 1 to 600 seconds."),
    ("reps", "0", "Repetitions: enter 1 to 50."),
    ("spine", "sideways", "Direction: choose flexion, neutral or extension."),
    ("instructions", "x" * 501, "Instructions: write at most 20 steps, one per line."),
])
def test_custom_stretch_form_errors_in_words(member, field, value, said):
    f = form(member, "/stretches/new").set("name", "Ok").set(field, value)
    response = member.post("/stretches/new", data=f.data())
    assert response.status_code == 422
    words = visible(response)
    assert said in words and "There is a problem" in words
    assert Form(response.get_data(as_text=True), "/stretches/new").value("name") == \
        ("Ok" if field != "name" else value)


def test_same_name_twice_is_said_in_words(member):
    add(member)
    f = form(member, "/stretches/new").set("name", "Cat stretch").set("hold_seconds", "5")
    response = member.post("/stretches/new", data=f.data())
    assert response.status_code == 422
    assert "another stretch of yours already has this name" in visible(response)


def test_removing_an_unused_stretch_deletes_it(member):
    slug = add(member)
    f = form(member, f"/stretches/{slug}/remove")
    assert member.post(f"/stretches/{slug}/remove", data=f.data()).status_code == 302
    with member.application.app_context():
        from tracker.extensions import db
        assert db.session.query(Stretch).filter_by(owner_id=member.user["id"]).count() == 0


def test_removing_a_used_stretch_archives_it_and_history_keeps_it(member):
    slug = add(member)
    s = api_session(member, entries=[{"stretch": slug}, {"stretch": "double-knee-to-chest"}])
    f = form(member, f"/stretches/{slug}/remove")
    response = member.post(f"/stretches/{slug}/remove", data=f.data())
    assert response.headers["Location"] == "/stretches?removed=archived"
    assert "Cat stretch" not in text(member.get("/stretches"))
    assert "Cat stretch" not in text(member.get("/log"))
    assert slug not in [x["slug"] for x in member.get("/api/v1/stretches").get_json()["items"]]
    assert "Cat stretch" in visible(member.get("/history"))
    assert "Cat stretch" in visible(member.get(f"/sessions/{s['id']}"))
    # Editing that session keeps the archived stretch on it.
    edit = f"/sessions/{s['id']}/edit"
    assert member.post(edit, data=form(member, edit).data()).status_code == 302
    names = [e["stretch_name"] for e in member.get(f"/api/v1/sessions/{s['id']}").get_json()["entries"]]
    assert sorted(names) == ["Cat stretch", "Double knee-to-chest"]
    # The name is free again.
    assert add(member) == slug


def test_a_stretch_named_new_does_not_hide_the_add_page(member):
    assert add(member, name="New") == "new-stretch"
    assert "New" in visible(member.get("/stretches/new-stretch"))
    refused = member.post("/api/v1/stretches", json={"name": "x", "slug": "new", "spine": "neutral",
                                                     "hold_seconds": 5})
    assert refused.status_code == 422 and "slug" in refused.get_json()["fields"]


def test_builtin_stretches_cannot_be_edited_or_removed(member):
    forbidden = member.get("/stretches/slr-strap/edit")
    assert forbidden.status_code == 403
    words = visible(forbidden)
    assert "Not allowed" in words and "Back to today" in words and 'class="tabbar"' in text(forbidden)
    assert member.get("/stretches/slr-strap/remove").status_code == 403
    assert member.patch("/api/v1/stretches/slr-strap", json={"reps": 2}).status_code == 403
    assert member.delete("/api/v1/stretches/slr-strap").status_code == 403


def test_another_users_stretch_is_404_in_pages_and_api(member, other):
    slug = add(member)
    for path in (f"/stretches/{slug}/edit", f"/stretches/{slug}/remove"):
        assert other.get(path).status_code == 404
    assert other.patch(f"/api/v1/stretches/{slug}", json={"reps": 2}).status_code == 404
    assert other.delete(f"/api/v1/stretches/{slug}").status_code == 404
    assert member.get(f"/api/v1/stretches/{slug}").status_code == 200


def test_api_patch_and_delete(member):
    slug = add(member)
    r = member.patch(f"/api/v1/stretches/{slug}", json={"reps": 2, "per_side": True})
    assert r.status_code == 200 and (r.get_json()["reps"], r.get_json()["per_side"]) == (2, True)
    bad = member.patch(f"/api/v1/stretches/{slug}", json={"hold_seconds": 0})
    assert bad.status_code == 422 and "hold_seconds" in bad.get_json()["fields"]
    assert member.patch(f"/api/v1/stretches/{slug}", json={"slug": "x"}).status_code == 422
    assert member.delete(f"/api/v1/stretches/{slug}").status_code == 204
    assert member.get(f"/api/v1/stretches/{slug}").status_code == 404


# ------------------------------------------------------------------ history, settings, errors


def test_history_says_when_nothing_is_earlier(member):
    words = visible(member.get("/history"))
    assert "Nothing earlier" in words and "Earlier" not in words.replace("Nothing earlier", "")
    api_session(member, performed_at="2025-01-10T10:00:00+00:00", pain_after=None)
    assert 'Earlier</a>' in text(member.get("/history"))
    old = visible(member.get("/history?to=2025-01-20"))
    assert "pain 5 → not recorded" in old


def test_session_page_asks_before_deleting(member):
    s = api_session(member)
    confirm = member.get(f"/sessions/{s['id']}/delete")
    assert confirm.status_code == 200 and "Delete this session?" in visible(confirm)
    assert member.get(f"/api/v1/sessions/{s['id']}").status_code == 200
    assert "Delete" not in visible(member.get("/history")).replace("Delete the", "")


@pytest.mark.parametrize("path", ["/settings", "/register"])
def test_time_zone_is_one_select_of_regions(shared_app, member, path):
    client = member if path == "/settings" else shared_app.test_client()
    html = text(client.get(path))
    assert '<select id="timezone" name="timezone"' in html
    assert '<optgroup label="Europe">' in html and '<option value="Asia/Tokyo"' in html
    if path == "/settings":
        assert '<option value="Europe/Berlin" selected>' in html


def test_settings_keeps_the_chosen_zone_when_it_fails(member):
    f = form(member, "/settings").set("timezone", "Mars/Olympus")
    response = member.post("/settings", data=f.data())
    assert response.status_code == 422
    html = text(response)
    assert '<option value="Mars/Olympus" selected>' in html
    assert "Time zone:" in visible(response)


@pytest.mark.parametrize(("path", "title"), [("/no-such-page", "Not found"),
                                              ("/sessions/999999", "Not found")])
def test_error_pages_are_in_our_words_with_a_way_home(member, path, title):
    response = member.get(path)
    assert response.status_code == 404
    words = visible(response)
    assert title in words and "Back to today" in words
    assert "requested URL" not in words and "spelling" not in words


# ------------------------------------------------------------------ the walk-through (issue 19)
# Counts in words, a description on every page, the tab bar's icons, focus on a result.

def _now_minus(**delta) -> str:
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(**delta)).isoformat()


@pytest.mark.parametrize(("sessions", "said"), [
    (0, ["0 days in a row", "0 sessions today"]),
    (1, ["1 day in a row", "1 session today", "1 stretch"]),
    (2, ["1 day in a row", "2 sessions today", "2 stretches"]),
])
def test_today_counts_in_words(shared_users, sessions, said):
    member = shared_users.signed_in()
    for n in range(sessions):
        # the second session has two stretches; both within the last seconds (today)
        entries = [{"stretch": "double-knee-to-chest"}] + ([{"stretch": "single-knee-to-chest", "side": "left"}] if n else [])
        api_session(member, performed_at=_now_minus(seconds=5 - n), entries=entries[:1 + n])
    words = visible(member.get("/"))
    for phrase in said:
        assert phrase in words, (phrase, words)
    assert "1 days" not in words and "1 sessions" not in words and "1 stretches" not in words


def _reminder(client, time: str) -> None:
    assert client.post("/api/v1/reminders", json={"time": time}).status_code == 201


@pytest.mark.parametrize(("n", "said", "never"), [
    (1, ["1 programme,", "1 reminder,", "1 session added", "1 record already here"],
     ["programmes", "reminders", "sessions", "records"]),
    (2, ["1 programme,", "2 reminders,", "2 sessions added"], ["programmes"]),
])
def test_the_import_summary_counts_in_words(shared_users, n, said, never):
    source = shared_users.signed_in()
    assert source.post("/api/v1/programs", json={"affected_leg": "left"}).status_code == 201
    for i in range(n):
        _reminder(source, f"0{7 + i}:30")
        api_session(source)
    backup = source.get("/api/v1/export?format=json").data
    target = shared_users.signed_in()
    response = target.post("/settings/import", data={"file": (io.BytesIO(backup), "b.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    summary = _result(response)
    for phrase in said:
        assert phrase in summary, (phrase, summary)
    for word in never:
        assert word not in summary, (word, summary)
    again = _result(target.post("/settings/import", data={"file": (io.BytesIO(backup), "b.json")},
                                content_type="multipart/form-data"))
    # the second time everything is there: the programme, reminders, sessions and the
    # warning-signs answer (which the new account had already: "1 record" above)
    assert "Nothing new added" in again and f"{2 * n + 2} records already here" in again


def _result(response) -> str:
    """The words of the one element the page opens on (``data-result``), which has
    focus (autofocus, focusable by tabindex) and a heading naming it."""
    html = text(response)
    assert html.count(" autofocus") == 1
    start = html.index("data-result")
    tag = html[html.rindex("<", 0, start):html.index(">", start)]
    assert 'tabindex="-1"' in tag and "autofocus" in tag and 'role="status"' in tag
    heading = re.search(r'aria-labelledby="([^"]+)"', tag).group(1)
    body = html[start:html.index("</div>", start)]
    assert re.search(rf'<h[34] id="{heading}">\w', body), body
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_share_form_offers_its_expiry_in_words(member):
    html = text(member.get("/settings"))
    assert ">1 day</option>" in html and ">3 days</option>" in html and "1 days" not in html


# Every page has one description; the main ones each their own.
DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')
SKIP = re.compile(r"^/(api|static)/|^/(logout|sw\.js|manifest\.webmanifest)$")


def _description(response) -> str:
    html = response.get_data(as_text=True)
    found = DESCRIPTION.findall(html)
    assert html.count('name="description"') == 1 and len(found) == 1, found
    assert found[0].strip(), "empty description"
    return unescape(found[0])


def _crawl(client, start: str, limit: int = 80) -> dict[str, str]:
    """Every page reachable by links from ``start`` (same site, GET): path -> its
    description."""
    seen: dict[str, str] = {}
    queue = [start]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or SKIP.search(path.split("?")[0]):
            continue
        response = client.get(path)
        if response.mimetype != "text/html" or response.status_code >= 300:
            continue
        seen[path] = _description(response)
        for link in re.findall(r'href="(/[^"#]*)', response.get_data(as_text=True)):
            if link not in seen:
                queue.append(unescape(link))
    return seen


def test_every_page_has_one_description(member, shared_app):
    api_session(member, pain_before=3, pain_after=6)  # a flag, a delete page
    assert member.post("/api/v1/checkins", json={
        "client_id": str(uuid.uuid4()), "recorded_at": _now_minus(minutes=5),
        "score": 4, "context": "waking"}).status_code == 201
    assert member.post("/api/v1/programs", json={"affected_leg": "right"}).status_code == 201
    share = member.post("/api/v1/shares", json={"days": 30}).get_json()["url"]
    pages = _crawl(member, "/")
    assert {"/", "/log", "/history", "/progress", "/stretches", "/settings", "/sign-out",
            "/report"} <= set(pages), sorted(pages)
    assert len(pages) >= 15, sorted(pages)
    stranger = shared_app.test_client()
    public = {p: _description(stranger.get(p)) for p in (
        "/login", "/register", "/reset-password", "/reset-password/not-a-token", "/offline",
        "/no-such-page", "/s/" + share.rsplit("/s/", 1)[1], "/s/not-a-link")}
    assert all(public.values())


MAIN_PAGES = ["/", "/log", "/guide", "/history", "/progress", "/program", "/stretches",
              "/stretches/slr-strap", "/settings", "/sign-out", "/reminders", "/report", "/safety"]


def test_the_main_pages_each_say_what_they_are(member, shared_app):
    said = {p: _description(member.get(p)) for p in MAIN_PAGES}
    stranger = shared_app.test_client()
    said |= {p: _description(stranger.get(p)) for p in ("/login", "/register", "/reset-password")}
    repeated = [p for p in said if list(said.values()).count(said[p]) > 1]
    assert not repeated, {p: said[p] for p in repeated}
    assert all(20 <= len(d) <= 160 for d in said.values()), said  # one sentence, as search shows


# The tab bar: six tabs, each an icon from one sprite and a label.
TABS = [("/", "Today", "today"), ("/log", "Log", "log"), ("/history", "History", "history"),
        ("/progress", "Progress", "progress"), ("/stretches", "Stretches", "stretches"),
        ("/settings", "Settings", "settings")]


def test_the_tab_bar_has_an_icon_and_a_label_per_tab(member):
    html = text(member.get("/history"))
    nav = html[html.index('<nav class="tabbar"'):html.index("</nav>", html.index('<nav class="tabbar"'))]
    tabs = re.findall(r'<a href="([^"]+)"( aria-current="page")?><svg class="tab-icon" '
                      r'width="24" height="24" aria-hidden="true" focusable="false">'
                      r'<use href="(/static/img/tabs\.[0-9a-f]+\.svg)#([a-z]+)"/></svg>'
                      r'<span class="tab-label">([^<]+)</span></a>', nav)
    assert [(href, label, icon) for href, _, _, icon, label in tabs] == TABS
    assert [label for _, current, _, _, label in tabs if current] == ["History"]
    sprite = member.get(tabs[0][2])
    assert sprite.status_code == 200 and sprite.mimetype == "image/svg+xml"
    symbols = set(re.findall(r'<symbol id="([a-z]+)"', sprite.get_data(as_text=True)))
    assert symbols == {icon for _, _, icon in TABS}
    assert f'"/static/img/tabs.svg": "{tabs[0][2]}"' in member.get("/sw.js").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/settings", "/log"])
def test_the_top_bar_has_no_sign_out(member, path):
    html = text(member.get(path))
    topbar = html[html.index('<header class="topbar">'):html.index("</header>")]
    assert "Sign out" not in topbar and "logout" not in topbar
