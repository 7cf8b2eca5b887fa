"""The log book's server-rendered pages, driven like a browser without JavaScript:
each form is read from the page and posted back with what a browser would send.
Today, the log form (create, replay, errors next to their field, the user's time
zone), editing and deleting, check-ins, history by day, stretch pages, and the
safety messages (pain rose, a stretch marked worse, the red-flag check)."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from html import unescape
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from werkzeug.datastructures import MultiDict

from tests.support import stored
from tracker.dates import short_date
from tracker.logbook import schemas
from tracker.logbook.models import Checkin

UTC = dt.timezone.utc
PAGES = ["/", "/log", "/history", "/stretches", "/stretches/slr-strap", "/safety"]
LOG_BUTTON = "Log a session"
URGENT = "Get medical help now"
SOON = "See a doctor soon"
ERROR_SUMMARY = "There is a problem"
CHECKIN_FORM = "/#checkin"  # Today's check-in form posts to Today, scrolled to the form


# ------------------------------------------------------------------ a browser's view of a form


class Form(HTMLParser):
    """The controls of the first ``<form method="post">`` posting to ``action``, and
    what a browser submits from them: ticked checkboxes and radios only, every other
    named input, textarea and select with its value."""

    def __init__(self, html: str, action: str, page: str | None = None):
        super().__init__()
        self.action = action
        self.page = page or action  # a form without an action posts to its page
        self.inside = False
        self.done = False
        self.controls: list[dict] = []
        self._textarea: dict | None = None
        self._select: dict | None = None
        self.feed(html)
        assert self.done, f"no form posting to {action}"

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and not self.done and a.get("method", "").lower() == "post" \
                and (a.get("action") or self.page) == self.action:
            self.inside = True
        elif not self.inside:
            return
        elif tag == "input" and a.get("name"):
            self.controls.append({"name": a["name"], "type": a.get("type", "text"),
                                  "value": a.get("value", ""), "checked": "checked" in a})
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"name": a["name"], "type": "textarea", "value": "", "checked": False}
            self.controls.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "type": "select", "value": None, "checked": False}
            self.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            if self._select["value"] is None or "selected" in a:
                self._select["value"] = a.get("value", "")

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):  # noqa: ANN001
        if self._textarea is not None:
            self._textarea["value"] += data

    # -- reading

    def value(self, name: str) -> str | None:
        for c in self.controls:
            if c["name"] == name and (c["type"] not in ("checkbox", "radio") or c["checked"]):
                return c["value"]
        return None

    def ticked(self, name: str) -> list[str]:
        return [c["value"] for c in self.controls if c["name"] == name and c["checked"]]

    def cards(self) -> list[str]:
        """The slugs of the form's stretch cards, in the form's order."""
        return [m.group(1) for c in self.controls
                if (m := re.fullmatch(r"entries\[([a-z0-9-]+)\]\[done\]", c["name"]))]

    def card(self, slug: str):  # noqa: ANN201
        """The field names of the stretch card for ``slug``:
        ``f.card("slr-strap")("reps") == "entries[slr-strap][reps]"``."""
        assert slug in self.cards(), f"no card for {slug}"
        return lambda field: f"entries[{slug}][{field}]"

    # -- filling in

    def set(self, name: str, value: str) -> Form:
        """Type into a field, or choose a radio/select value (added if the page lacks
        it, as a tampering client would)."""
        found = [c for c in self.controls if c["name"] == name]
        radios = [c for c in found if c["type"] == "radio"]
        if radios:
            for c in radios:
                c["checked"] = c["value"] == value
            if not any(c["checked"] for c in radios):
                self.controls.append({"name": name, "type": "text", "value": value,
                                      "checked": False})
        elif found:
            found[0]["value"] = value
        else:
            self.controls.append({"name": name, "type": "text", "value": value, "checked": False})
        return self

    def tick(self, name: str, value: str = "1", on: bool = True) -> Form:
        boxes = [c for c in self.controls if c["name"] == name and c["value"] == value]
        assert boxes, f"no checkbox {name}={value}"
        for c in boxes:
            c["checked"] = on
        return self

    def untick_all(self, name: str) -> Form:
        for c in self.controls:
            if c["name"] == name:
                c["checked"] = False
        return self

    def data(self) -> MultiDict:
        sent = MultiDict()
        for c in self.controls:
            if c["type"] in ("checkbox", "radio") and not c["checked"]:
                continue
            if c["type"] in ("submit", "button", "image", "reset"):
                continue
            sent.add(c["name"], c["value"] or "")
        return sent


def form(client, page: str, action: str | None = None) -> Form:
    response = client.get(page)
    assert response.status_code == 200
    return Form(response.get_data(as_text=True), action or page, page)


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def card_html(html: str, slug: str) -> str:
    start = html.index(f'id="card-{slug}"')
    return html[start:html.index("</fieldset>", start)]


# ------------------------------------------------------------------ fixtures and helpers


@pytest.fixture
def browser(member):
    """A signed-in browser of a new user (cookie session, CSRF header like the app)."""
    return member


def api_session(client, **overrides) -> dict:
    body = {"client_id": str(uuid.uuid4()),
            "performed_at": (dt.datetime.now(UTC) - dt.timedelta(hours=1)).isoformat(),
            "pain_before": 5, "pain_after": 4, "notes": "",
            "entries": [{"stretch": "double-knee-to-chest"}]}
    body.update(overrides)
    response = client.post("/api/v1/sessions", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def session_id_from(response) -> int:
    assert response.status_code == 302, response.status_code
    m = re.fullmatch(r"/sessions/(\d+)\?saved=1", response.headers["Location"])
    assert m, response.headers["Location"]
    return int(m.group(1))


def filled_log_form(browser) -> Form:
    """The log form with a realistic session: two stretches ticked, pain, a note."""
    f = form(browser, "/log")
    knee = f.card("double-knee-to-chest")
    ham = f.card("supine-hamstring")
    f.tick(knee("done")).set(knee("reps"), "4")
    f.tick(ham("done")).tick(ham("sides"), "left")
    f.set(ham("angle_left"), "42.5").set(ham("hold_seconds"), "25")
    f.set("pain_before", "6").set("pain_after", "4").set("notes", "Morning, a bit stiff.")
    return f


# ------------------------------------------------------------------ pages and sign-in


@pytest.mark.parametrize("path", PAGES)
def test_page_is_shown_to_a_signed_in_user(browser, path):
    response = browser.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "not medical advice" in text(response)


@pytest.mark.parametrize("path", PAGES + ["/sessions/1", "/sessions/1/edit"])
def test_signed_out_is_sent_to_login(shared_app, path):
    response = shared_app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


@pytest.mark.parametrize("path", ["/log", "/checkins", "/safety", "/sessions/1/delete"])
def test_signed_out_posts_change_nothing(shared_app, path):
    client = shared_app.test_client()
    client.fetch_csrf()
    response = client.post(path, data={"client_id": str(uuid.uuid4())})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_session_pages_of_a_session(browser):
    s = api_session(browser)
    for path in (f"/sessions/{s['id']}", f"/sessions/{s['id']}/edit"):
        assert browser.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/sessions/{id}", "/sessions/{id}/edit"])
def test_another_users_session_page_is_404(browser, other, path):
    s = api_session(browser)
    response = other.get(path.format(id=s["id"]))
    assert response.status_code == 404
    assert "Not found" in text(response)


@pytest.mark.parametrize("path", ["/sessions/999999", "/sessions/99999999999",
                                  "/stretches/no-such-stretch"])
def test_missing_things_are_404_pages(browser, path):
    assert browser.get(path).status_code == 404


# ------------------------------------------------------------------ the log form


def test_log_form_lists_the_plan_first_and_every_stretch(browser):
    f = form(browser, "/log")
    slugs = f.cards()
    assert slugs[:4] == ["double-knee-to-chest", "single-knee-to-chest", "supine-hamstring",
                         "slr-strap"]
    assert set(slugs) == {"double-knee-to-chest", "single-knee-to-chest", "supine-hamstring",
                          "slr-strap", "slr-assisted"}
    assert uuid.UUID(f.value("client_id"))
    assert f.value("csrf_token")
    # Sides start ticked only once the card is (app.js ticks both when it is).
    assert f.ticked(f.card("slr-strap")("sides")) == []


def test_the_forms_limits_are_the_api_schemas(browser):
    """The inputs' min/max/maxlength (which the offline queue checks by) are rendered
    from the API schemas, not written into the template."""
    entry = schemas.EntrySchema().fields
    html = browser.get("/log").get_data(as_text=True)
    strap = form(browser, "/log").card("slr-strap")
    for field, schema_field in (("reps", "reps"), ("hold_seconds", "hold_seconds"),
                                ("angle_left", "angle_deg")):
        rule = entry[schema_field].validators[0]
        assert re.search(rf'name="{re.escape(strap(field))}"[^>]* min="{rule.min}" max="{rule.max}"',
                         html), field
    assert f'maxlength="{schemas.NOTES_MAX}"' in html
    assert f'data-entries-max="{schemas.ENTRIES_MAX}"' in html
    assert [c["value"] for c in form(browser, "/log").controls if c["name"] == "pain_after"] == [
        str(n) for n in range(11)]
    checkin = form(browser, "/", CHECKIN_FORM)
    assert [c["value"] for c in checkin.controls if c["name"] == "score"] == [str(n) for n in range(11)]


def test_log_form_starts_with_a_chosen_stretch(browser):
    f = form(browser, "/log?stretch=slr-assisted", "/log")
    assert f.cards()[0] == "slr-assisted"


def test_posting_the_log_form_creates_a_session(browser):
    f = filled_log_form(browser)
    response = browser.post("/log", data=f.data())
    session_id = session_id_from(response)
    page = browser.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Session saved." in text(page) and "Morning, a bit stiff." in text(page)
    s = browser.get(f"/api/v1/sessions/{session_id}").get_json()
    assert s["client_id"] == f.value("client_id")
    assert (s["pain_before"], s["pain_after"], s["notes"]) == (6, 4, "Morning, a bit stiff.")
    assert [(e["stretch"], e["side"], e["reps"], e["hold_seconds"], e["angle_deg"])
            for e in s["entries"]] == [
        ("double-knee-to-chest", "both", 4, 20, None),
        ("supine-hamstring", "left", 3, 25, 42.5)]


def test_posting_the_same_form_twice_makes_one_session(browser):
    data = filled_log_form(browser).data()
    first = session_id_from(browser.post("/log", data=data))
    second = session_id_from(browser.post("/log", data=data))
    assert first == second
    assert stored(browser) == 1


def test_both_legs_with_their_angles(browser):
    f = form(browser, "/log")
    strap = f.card("slr-strap")
    f.tick(strap("done")).tick(strap("sides"), "left").tick(strap("sides"), "right")
    f.set(strap("angle_left"), "35").set(strap("angle_right"), "50")
    f.tick(strap("worse"))
    s = browser.get(f"/api/v1/sessions/{session_id_from(browser.post('/log', data=f.data()))}")
    entries = s.get_json()["entries"]
    assert [(e["side"], e["angle_deg"], e["assisted"], e["worse"]) for e in entries] == [
        ("left", 35.0, "strap", True), ("right", 50.0, "strap", True)]


@pytest.mark.parametrize(("zone", "wall", "day", "utc"), [
    ("America/Los_Angeles", "2025-07-10T23:30", "2025-07-10", "2025-07-11T06:30:00+00:00"),
    ("Pacific/Auckland", "2025-07-11T06:00", "2025-07-11", "2025-07-10T18:00:00+00:00"),
    ("Asia/Kolkata", "2025-07-11T00:15", "2025-07-11", "2025-07-10T18:45:00+00:00"),
    ("Europe/Berlin", "2025-01-15T08:00", "2025-01-15", "2025-01-15T07:00:00+00:00"),
])
def test_when_is_wall_time_in_the_users_zone(shared_users, zone, wall, day, utc):
    browser = shared_users.signed_in(zone)
    f = form(browser, "/log")
    f.tick(f.card("double-knee-to-chest")("done")).set("performed_at", wall)
    s = browser.get(f"/api/v1/sessions/{session_id_from(browser.post('/log', data=f.data()))}")
    assert s.get_json()["local_date"] == day
    assert dt.datetime.fromisoformat(s.get_json()["performed_at"]) == dt.datetime.fromisoformat(utc)


def test_when_defaults_to_now_in_the_users_zone(shared_users):
    browser = shared_users.signed_in("Pacific/Auckland")
    f = form(browser, "/log")
    shown = dt.datetime.fromisoformat(f.value("performed_at")).replace(
        tzinfo=ZoneInfo("Pacific/Auckland"))
    assert abs(dt.datetime.now(UTC) - shown) < dt.timedelta(minutes=2)


@pytest.mark.parametrize(("fill", "where"), [
    # (how the form is spoiled, where the message must appear: a field id or a card)
    (lambda f, c: f.set(c("double-knee-to-chest")("reps"), "0"), "card:double-knee-to-chest"),
    (lambda f, c: f.set(c("double-knee-to-chest")("reps"), "51"), "card:double-knee-to-chest"),
    (lambda f, c: f.set(c("double-knee-to-chest")("reps"), "lots"), "card:double-knee-to-chest"),
    (lambda f, c: f.set(c("double-knee-to-chest")("hold_seconds"), "601"),
     "card:double-knee-to-chest"),
    (lambda f, c: f.tick(c("slr-strap")("done")).set(c("slr-strap")("angle_left"), "130"),
     "card:slr-strap"),
    (lambda f, c: f.tick(c("slr-strap")("done")).untick_all(c("slr-strap")("sides")),
     "card:slr-strap"),
    (lambda f, c: f.set("pain_before", "11"), "pain_before-error"),
    (lambda f, c: f.set("pain_after", "-1"), "pain_after-error"),
    (lambda f, c: f.set("pain_after", "3.5"), "pain_after-error"),
    (lambda f, c: f.set("pain_after", "9" * 5000), "pain_after-error"),
    (lambda f, c: f.set("notes", "x" * 2001), "notes-error"),
    (lambda f, c: f.set("performed_at", "2099-01-01T10:00"), "performed_at-error"),
    (lambda f, c: f.set("performed_at", "1999-01-01T10:00"), "performed_at-error"),
    (lambda f, c: f.set("performed_at", "soon"), "performed_at-error"),
])
def test_invalid_log_form_is_shown_again_with_the_error_at_the_field(browser, fill, where):
    f = form(browser, "/log")
    f.tick(f.card("double-knee-to-chest")("done"))
    fill(f, f.card)
    response = browser.post("/log", data=f.data())
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    if where.startswith("card:"):
        assert 'class="field-error"' in card_html(html, where[5:])
    else:
        assert f'id="{where}"' in html
    assert ERROR_SUMMARY in html
    assert stored(browser) == 0
    again = Form(html, "/log")
    assert again.value("client_id") == f.value("client_id")  # a retry stays idempotent


def test_nothing_ticked_asks_for_a_stretch(browser):
    f = form(browser, "/log").set("pain_before", "3")
    response = browser.post("/log", data=f.data())
    assert response.status_code == 422
    assert "Stretches: tick at least one stretch you did." in text(response)
    assert Form(response.get_data(as_text=True), "/log").value("pain_before") == "3"


def test_a_corrected_form_saves_once(browser):
    f = filled_log_form(browser)
    knee = f.card("double-knee-to-chest")
    f.set(knee("reps"), "0")
    bad = browser.post("/log", data=f.data())
    assert bad.status_code == 422
    shown = Form(bad.get_data(as_text=True), "/log")
    assert shown.value("notes") == "Morning, a bit stiff."
    assert shown.ticked(shown.card("double-knee-to-chest")("done")) == ["1"]
    shown.set(shown.card("double-knee-to-chest")("reps"), "2")
    session_id = session_id_from(browser.post("/log", data=shown.data()))
    assert session_id_from(browser.post("/log", data=shown.data())) == session_id
    assert stored(browser) == 1


@pytest.mark.parametrize("client_id", ["", "not-a-uuid"])
def test_log_form_needs_a_device_made_client_id(browser, client_id):
    f = filled_log_form(browser).set("client_id", client_id)
    assert browser.post("/log", data=f.data()).status_code == 422
    assert stored(browser) == 0


def test_notes_are_escaped(browser):
    f = filled_log_form(browser).set("notes", "<script>alert(1)</script>")
    page = browser.get(browser.post("/log", data=f.data()).headers["Location"])
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ------------------------------------------------------------------ CSRF on forms


@pytest.fixture
def plain_browser(browser):
    """The same signed-in user, but a browser without script: no CSRF header."""
    browser.csrf_token = None
    return browser


@pytest.mark.parametrize("path", ["/log", "/checkins", "/safety"])
def test_form_post_without_csrf_token_is_refused(plain_browser, path):
    response = plain_browser.post(path, data={"client_id": str(uuid.uuid4()), "score": "3"})
    assert response.status_code == 400
    assert stored(plain_browser) == 0 and stored(plain_browser, Checkin) == 0


def test_form_post_with_the_pages_csrf_token_works(plain_browser):
    f = filled_log_form(plain_browser)
    assert f.value("csrf_token")
    session_id_from(plain_browser.post("/log", data=f.data()))
    assert stored(plain_browser) == 1


def test_the_csrf_header_alone_also_satisfies_a_form_post(browser):
    """The app's script sends the token as a header; a form post without the field
    but with the header is accepted the same way."""
    data = filled_log_form(browser).data()
    data.poplist("csrf_token")
    session_id_from(browser.post("/log", data=data))
    assert stored(browser) == 1


def test_form_post_with_a_wrong_csrf_token_is_refused(plain_browser):
    f = filled_log_form(plain_browser).set("csrf_token", "forged")
    assert plain_browser.post("/log", data=f.data()).status_code == 400
    assert stored(plain_browser) == 0


# ------------------------------------------------------------------ edit and delete


@pytest.fixture
def logged(browser) -> dict:
    return api_session(browser, pain_before=6, pain_after=5, notes="first try", entries=[
        {"stretch": "double-knee-to-chest", "reps": 2, "hold_seconds": 30},
        {"stretch": "slr-strap", "side": "left", "angle_deg": 40, "worse": True},
        {"stretch": "slr-strap", "side": "right", "angle_deg": 52.5},
    ], performed_at="2025-05-01T06:30:00+00:00")


def test_edit_page_is_filled_in(browser, logged):
    f = form(browser, f"/sessions/{logged['id']}/edit")
    knee, strap = f.card("double-knee-to-chest"), f.card("slr-strap")
    assert (f.value("pain_before"), f.value("pain_after"), f.value("notes")) == (
        "6", "5", "first try")
    assert f.value("performed_at") == "2025-05-01T08:30"  # Europe/Berlin wall time
    assert f.ticked(knee("done")) == ["1"]
    assert (f.value(knee("reps")), f.value(knee("hold_seconds"))) == ("2", "30")
    assert f.ticked(strap("done")) == ["1"] and f.ticked(strap("worse")) == ["1"]
    assert f.ticked(strap("sides")) == ["left", "right"]
    assert (f.value(strap("angle_left")), f.value(strap("angle_right"))) == ("40", "52.5")
    assert f.ticked(f.card("supine-hamstring")("done")) == []


def test_saving_the_edit_page_unchanged_keeps_the_session(browser, logged):
    f = form(browser, f"/sessions/{logged['id']}/edit")
    response = browser.post(f"/sessions/{logged['id']}/edit", data=f.data())
    assert session_id_from(response) == logged["id"]
    after = browser.get(f"/api/v1/sessions/{logged['id']}").get_json()
    keep = ("client_id", "performed_at", "local_date", "pain_before", "pain_after", "notes",
            "flags")
    assert {k: after[k] for k in keep} == {k: logged[k] for k in keep}
    # The form has one "made it worse" tick per stretch, so it covers both legs once
    # saved; everything else about the entries survives the round trip.
    strip = lambda entries: [{k: v for k, v in e.items() if k not in ("id", "worse")}  # noqa: E731
                             for e in entries]
    assert strip(after["entries"]) == strip(logged["entries"])


def test_edit_saves_changes(browser, logged):
    url = f"/sessions/{logged['id']}/edit"
    f = form(browser, url)
    strap = f.card("slr-strap")
    f.set("pain_after", "2").set("notes", "better").tick(strap("sides"), "right", on=False)
    f.tick(strap("worse"), on=False).set("performed_at", "2025-05-02T23:30")
    assert session_id_from(browser.post(url, data=f.data())) == logged["id"]
    s = browser.get(f"/api/v1/sessions/{logged['id']}").get_json()
    assert (s["pain_after"], s["notes"], s["local_date"]) == (2, "better", "2025-05-02")
    assert [(e["stretch"], e["side"], e["worse"]) for e in s["entries"]] == [
        ("double-knee-to-chest", "both", False), ("slr-strap", "left", False)]
    assert s["client_id"] == logged["client_id"]
    assert stored(browser) == 1


def test_edit_cannot_change_the_client_id(browser, logged):
    url = f"/sessions/{logged['id']}/edit"
    f = form(browser, url).set("client_id", str(uuid.uuid4()))
    session_id_from(browser.post(url, data=f.data()))
    after = browser.get(f"/api/v1/sessions/{logged['id']}").get_json()
    assert after["client_id"] == logged["client_id"]


@pytest.mark.parametrize(("name", "value", "error_id"), [
    ("pain_after", "12", "pain_after-error"),
    ("notes", "y" * 2001, "notes-error"),
])
def test_invalid_edit_is_shown_again_and_changes_nothing(browser, logged, name, value, error_id):
    url = f"/sessions/{logged['id']}/edit"
    f = form(browser, url).set(name, value)
    response = browser.post(url, data=f.data())
    assert response.status_code == 422
    assert f'id="{error_id}"' in response.get_data(as_text=True)
    assert browser.get(f"/api/v1/sessions/{logged['id']}").get_json()["notes"] == "first try"


def test_edit_with_nothing_ticked_is_refused(browser, logged):
    url = f"/sessions/{logged['id']}/edit"
    f = form(browser, url)
    for slug in ("double-knee-to-chest", "slr-strap"):
        f.tick(f.card(slug)("done"), on=False)
    response = browser.post(url, data=f.data())
    assert response.status_code == 422
    assert len(browser.get(f"/api/v1/sessions/{logged['id']}").get_json()["entries"]) == 3


def test_delete_from_the_session_page(browser, logged):
    page = text(browser.get(f"/sessions/{logged['id']}"))
    assert f'href="/sessions/{logged["id"]}/delete"' in page  # a link: it asks first
    f = form(browser, f"/sessions/{logged['id']}/delete")
    response = browser.post(f"/sessions/{logged['id']}/delete", data=f.data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/history?deleted=session"
    assert browser.get(f"/api/v1/sessions/{logged['id']}").status_code == 404
    assert browser.get(f"/sessions/{logged['id']}").status_code == 404


@pytest.mark.parametrize("action", ["/sessions/{id}/edit", "/sessions/{id}/delete"])
def test_another_user_cannot_post_to_my_session(browser, other, logged, action):
    f = filled_log_form(other)
    response = other.post(action.format(id=logged["id"]), data=f.data())
    assert response.status_code == 404
    after = browser.get(f"/api/v1/sessions/{logged['id']}").get_json()
    assert (after["notes"], after["pain_after"], len(after["entries"])) == ("first try", 5, 3)


# ------------------------------------------------------------------ check-ins and history


def test_checkin_from_the_today_page(browser):
    f = form(browser, "/", CHECKIN_FORM).set("score", "7").set("context", "after_sitting")
    response = browser.post("/checkins", data=f.data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/?checked_in=1"
    today = text(browser.get(response.headers["Location"]))
    assert "Check-in saved." in today and "7/10 · After sitting" in today
    (c,) = browser.get("/api/v1/checkins").get_json()["items"]
    assert (c["score"], c["context"], c["client_id"]) == (7, "after_sitting", f.value("client_id"))


def test_checkin_form_posted_twice_makes_one(browser):
    data = form(browser, "/", CHECKIN_FORM).set("score", "2").data()
    assert browser.post("/checkins", data=data).status_code == 302
    assert browser.post("/checkins", data=data).status_code == 302
    assert stored(browser, Checkin) == 1


@pytest.mark.parametrize(("score", "context"), [
    (None, "other"), ("11", "other"), ("-1", "evening"), ("2.5", "waking"), ("4", "bedtime"),
    ("9" * 5000, "other"),
])
def test_invalid_checkin_is_shown_again(browser, score, context):
    f = form(browser, "/", CHECKIN_FORM).set("context", context)
    if score is not None:
        f.set("score", score)
    response = browser.post("/checkins", data=f.data())
    assert response.status_code == 422
    assert ERROR_SUMMARY in text(response)
    assert stored(browser, Checkin) == 0


@pytest.mark.parametrize("recorded_at", ["2099-01-01T10:00:00+00:00", None])
def test_a_checkin_the_service_refuses_is_said_on_todays_form(browser, recorded_at):
    """A time out of range (the service's rule), or the replay of a check-in deleted
    since (410 in the API), comes back on the form, not as an error page."""
    data = form(browser, "/", CHECKIN_FORM).set("score", "2").data()
    if recorded_at:
        data["recorded_at"] = recorded_at
    else:
        assert browser.post("/", data=data).status_code == 302
        (c,) = browser.get("/api/v1/checkins").get_json()["items"]
        assert browser.delete(f"/api/v1/checkins/{c['id']}").status_code == 204
    response = browser.post("/", data=data)
    assert response.status_code == 422
    assert ERROR_SUMMARY in text(response) and 'id="checkin"' in text(response)
    assert stored(browser, Checkin) == 0


def test_history_lists_sessions_and_checkins_by_day(browser):
    tz = ZoneInfo(browser.user["timezone"])
    today = dt.datetime.now(tz).date()
    day1, day2 = today - dt.timedelta(days=3), today - dt.timedelta(days=1)

    def at(day, hour):
        return dt.datetime.combine(day, dt.time(hour), tz).isoformat()

    s1 = api_session(browser, performed_at=at(day1, 8), pain_before=7, pain_after=5)
    s2 = api_session(browser, performed_at=at(day2, 19))
    browser.post("/api/v1/checkins", json={"client_id": str(uuid.uuid4()),
                                           "recorded_at": at(day2, 7), "score": 6,
                                           "context": "waking"})
    html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(browser.get("/history"))))
    heading = lambda d: short_date(d, weekday=True, locale=Locale.parse("en_GB"))  # noqa: E731
    h2, h1 = html.index(heading(day2)), html.index(heading(day1))
    assert h2 < h1  # newest day first
    day2_part, day1_part = html[h2:h1], html[h1:]
    # One line per session: time, stretches, pain before → after ("not recorded" if missing).
    assert "19:00 Double knee-to-chest · pain 5 → 4" in day2_part
    assert "07:00 Check-in: pain 6/10 · Just woke up" in day2_part  # the picker's words
    assert day2_part.index("19:00") < day2_part.index("07:00")
    assert "08:00 Double knee-to-chest · pain 7 → 5" in day1_part
    assert heading(day1 - dt.timedelta(days=1)) not in html


def test_history_of_a_chosen_range(browser):
    s = api_session(browser, performed_at="2025-03-10T09:00:00+01:00")
    assert f"/sessions/{s['id']}" in text(browser.get("/history?from=2025-03-01&to=2025-03-31"))
    assert f"/sessions/{s['id']}" not in text(browser.get("/history"))


@pytest.mark.parametrize("query", ["?from=soon", "?from=2025-03-05&to=2025-03-01"])
def test_history_with_bad_dates_is_400(browser, query):
    assert browser.get(f"/history{query}").status_code == 400


@pytest.mark.parametrize("query", ["?to=0001-01-05", "?from=0001-01-01&to=0001-01-01",
                                   "?to=9999-12-31", "?from=9999-12-31"])
def test_history_at_the_ends_of_the_calendar(browser, query):
    assert browser.get(f"/history{query}").status_code == 200


def test_history_shows_only_my_days(browser, other):
    s = api_session(other)
    assert f"/sessions/{s['id']}" not in text(browser.get("/history"))


def test_delete_a_checkin_from_history(browser):
    c = browser.post("/api/v1/checkins", json={
        "client_id": str(uuid.uuid4()), "recorded_at": dt.datetime.now(UTC).isoformat(),
        "score": 3}).get_json()
    action = f"/checkins/{c['id']}/delete"
    assert f'href="{action}"' in text(browser.get("/history"))  # a link: it asks first
    f = form(browser, action)
    assert browser.post(action, data=f.data()).status_code == 302
    assert stored(browser, Checkin) == 0


# ------------------------------------------------------------------ stretches


def test_stretch_page_shows_direction_steps_and_cautions(browser):
    html = text(browser.get("/stretches/double-knee-to-chest"))
    assert "flexion" in html and "Hold 20 s" in html
    assert "Curl your head forward" in html and "Take care" in html


def test_custom_stretch_pages_are_private(browser, other):
    browser.post("/api/v1/stretches", json={"name": "Cat camel", "spine": "extension",
                                           "hold_seconds": 5})
    assert "Cat camel" in text(browser.get("/stretches"))
    assert browser.get("/stretches/cat-camel").status_code == 200
    assert "Cat camel" not in text(other.get("/stretches"))
    assert other.get("/stretches/cat-camel").status_code == 404
    f = form(browser, "/log")
    assert f.card("cat-camel")


def test_log_form_refuses_another_users_custom_stretch(browser, other):
    other.post("/api/v1/stretches", json={"name": "Secret", "spine": "neutral",
                                         "hold_seconds": 5})
    f = filled_log_form(browser)
    f.set("entries[secret][done]", "1")
    response = browser.post("/log", data=f.data())
    assert response.status_code == 422
    assert "unknown stretch." in text(response)
    assert stored(browser) == 0


def test_stretch_names_are_escaped(browser):
    name = '<img src=x onerror="alert(1)">'
    browser.post("/api/v1/stretches", json={"name": name, "slug": "img", "spine": "neutral",
                                           "hold_seconds": 5})
    for page in ("/stretches", "/stretches/img", "/log"):
        html = browser.get(page).get_data(as_text=True)
        assert name not in html and "&lt;img src=x" in html


def test_today_lists_what_was_logged_today(browser):
    s = api_session(browser, performed_at=dt.datetime.now(UTC).isoformat(), pain_before=6,
                    pain_after=3)
    html = text(browser.get("/"))
    assert f"/sessions/{s['id']}" in html and "pain 6 → 3" in html
    assert "1 session today" in " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(("entries", "shown"), [
    # Entries are per side: a knee-to-chest and a raise of both legs are 2 stretches.
    ([{"stretch": "double-knee-to-chest"}, {"stretch": "slr-strap", "side": "left"},
      {"stretch": "slr-strap", "side": "right"}], "2 stretches"),
    ([{"stretch": "supine-hamstring", "side": "left"},
      {"stretch": "supine-hamstring", "side": "right"}], "1 stretch ·"),
    ([{"stretch": "double-knee-to-chest"}], "1 stretch ·"),
])
def test_todays_session_line_counts_stretches_not_sides(browser, entries, shown):
    s = api_session(browser, performed_at=dt.datetime.now(UTC).isoformat(), entries=entries)
    html = text(browser.get("/"))
    line = re.search(rf'/sessions/{s["id"]}".*?</li>', html, re.S).group(0)
    words = " ".join(re.sub(r"<[^>]+>", " ", line).split())
    assert shown in words, words


# ------------------------------------------------------------------ safety messages


@pytest.mark.parametrize(("before", "after", "shown"), [
    (3, 5, True), (0, 9, True), (3, 4, False), (6, 2, False),
])
def test_session_page_says_stop_when_pain_rose(browser, before, after, shown):
    s = api_session(browser, pain_before=before, pain_after=after)
    html = text(browser.get(f"/sessions/{s['id']}"))
    assert ("Your pain went up" in html) is shown
    assert (f"up {after - before} points" in html) is shown


def test_session_page_says_stop_a_stretch_marked_worse(browser):
    s = api_session(browser, pain_before=4, pain_after=4, entries=[
        {"stretch": "supine-hamstring", "side": "left", "worse": True}])
    html = text(browser.get(f"/sessions/{s['id']}"))
    assert "Stop this stretch: Lying hamstring stretch" in html
    assert "Your pain went up" not in html


@pytest.mark.parametrize(("times", "warned"), [(1, False), (2, True), (3, True)])
def test_stretch_marked_worse_twice_is_warned_about(browser, times, warned):
    for _ in range(times):
        api_session(browser, entries=[{"stretch": "slr-strap", "side": "left", "worse": True},
                                      {"stretch": "double-knee-to-chest"}])
    today = text(browser.get("/"))
    assert ("making your pain worse more than once" in today) is warned
    stretch_page = text(browser.get("/stretches/slr-strap"))
    assert ("making your pain worse more than once" in stretch_page) is warned
    other_page = text(browser.get("/stretches/double-knee-to-chest"))
    assert "making your pain worse more than once" not in other_page
    log_card = card_html(browser.get("/log").get_data(as_text=True), "slr-strap")
    assert ("made pain worse before" in log_card) is warned


@pytest.mark.parametrize(("sessions", "warned"), [(1, False), (2, True)])
def test_worse_counts_sessions_not_sides(browser, sessions, warned):
    """Both legs of one session marked worse (as the log form's single tick does) are
    one session, not two: the warning needs a second session."""
    for _ in range(sessions):
        f = form(browser, "/log")
        strap = f.card("slr-strap")
        f.tick(strap("done")).tick(strap("worse"))
        f.tick(strap("sides"), "left").tick(strap("sides"), "right")
        session_id_from(browser.post("/log", data=f.data()))
    html = text(browser.get("/stretches/slr-strap"))
    assert ("making your pain worse more than once" in html) is warned


@pytest.mark.parametrize(("ticked", "message", "absent"), [
    (["saddle_numbness"], URGENT, SOON),
    (["bladder_bowel", "fever"], URGENT, SOON),
    (["both_legs"], URGENT, SOON),
    (["weakness"], URGENT, SOON),
    (["fever"], SOON, URGENT),
    (["night_pain", "weight_loss"], SOON, URGENT),
])
def test_red_flags_replace_stretching_with_advice(browser, ticked, message, absent):
    f = form(browser, "/safety").untick_all("none_apply")
    for key in ticked:
        f.tick("red_flags", key)
    response = browser.post("/safety", data=f.data())
    assert response.status_code == 200
    assert message in text(response) and absent not in text(response)
    today = text(browser.get("/"))
    assert message in today
    assert LOG_BUTTON not in today
    assert message in text(browser.get("/log"))
    assert sorted(form(browser, "/safety").ticked("red_flags")) == sorted(ticked)


def test_unticking_all_returns_to_normal(browser):
    f = form(browser, "/safety").untick_all("none_apply").tick("red_flags", "saddle_numbness")
    browser.post("/safety", data=f.data())
    assert LOG_BUTTON not in text(browser.get("/"))
    f = form(browser, "/safety").untick_all("red_flags").tick("none_apply")
    response = browser.post("/safety", data=f.data())
    assert response.status_code == 302 and response.headers["Location"] == "/"
    today = text(browser.get("/"))
    assert LOG_BUTTON in today and URGENT not in today


def test_no_red_flags_at_first(browser):
    today = text(browser.get("/"))
    assert LOG_BUTTON in today and URGENT not in today and SOON not in today


@pytest.mark.parametrize("ticked", [["not_a_flag"], ["fever", "bogus"]])
def test_unknown_red_flag_is_422_and_changes_nothing(browser, ticked):
    browser.post("/safety", data=form(browser, "/safety").untick_all("none_apply").tick("red_flags", "weakness").data())
    token = form(browser, "/safety").value("csrf_token")
    response = browser.post("/safety", data=MultiDict(
        [("red_flags", key) for key in ticked] + [("csrf_token", token)]))
    assert response.status_code == 422
    assert form(browser, "/safety").ticked("red_flags") == ["weakness"]
    assert URGENT in text(browser.get("/"))


def test_red_flags_are_per_user(browser, other):
    browser.post("/safety", data=form(browser, "/safety").untick_all("none_apply").tick("red_flags", "both_legs").data())
    assert LOG_BUTTON in text(other.get("/"))


@pytest.mark.parametrize(("slug", "said"), [
    ("9" * 4301, "“" + "9" * 40 + "…”: length must be between 1 and 60."),
    ("x" * 61, "“" + "x" * 40 + "…”: length must be between 1 and 60."),
    ("not a slug!", "“not a slug!”: unknown stretch."),
    ("no-such-stretch", "“no-such-stretch”: unknown stretch."),
])
def test_a_card_the_library_does_not_have_is_refused_on_the_form(browser, slug, said):
    """A card named by a slug that is too long, odd or unknown is a client error
    naming that card on the form (once a 500: int()'s digit limit on card numbers)."""
    data = filled_log_form(browser).data()
    data[f"entries[{slug}][done]"] = "1"
    response = browser.post("/log", data=data)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert ERROR_SUMMARY in text(response) and said in text(response)
    assert stored(browser) == 0
