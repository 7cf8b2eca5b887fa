"""German in full (issue 23): the catalogs are complete and current, no template holds
text that is not marked for translation, every page a German person (or a German
browser) opens has no English sentence left, and the language is chosen as DESIGN.md
says (the person's choice, else Accept-Language, else English)."""
from __future__ import annotations

import functools
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment

from tests.support import Accounts

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "tracker" / "translations"
DOMAINS = ("messages", "js")
# Every language shipped (a folder in tracker/translations/): the catalog checks hold
# for each; the page checks below are German's.
LANGUAGES = sorted(p.name for p in CATALOGS.iterdir() if (p / "LC_MESSAGES").is_dir())
EACH = [(code, domain) for code in LANGUAGES for domain in DOMAINS]
KEYWORDS = {"messages": ["-k", "N_", "-k", "Text", "-k", "plural_text:1,2", "-k", "lazy_gettext",
                         "-k", "lazy_ngettext:1,2"],
            "js": ["-k", "t", "-k", "tn:1,2"]}
CONFIG = {"messages": "babel.cfg", "js": "babel-js.cfg"}


def catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name if path.suffix == ".po" else None)


def ids(found) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in found if m.id}


# -- the catalogs ----------------------------------------------------------------

@pytest.mark.parametrize(("code", "domain"), EACH)
def test_every_entry_is_translated_and_none_is_fuzzy(code, domain):
    german = catalog(CATALOGS / code / "LC_MESSAGES" / f"{domain}.po")
    empty = [m.id for m in german if m.id and (not m.string or (
        isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in german if m.id and m.fuzzy]
    assert len(german) > (400 if domain == "messages" else 80)
    assert not empty, f"{len(empty)} untranslated, e.g. {empty[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (check, then clear the flag), e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_placeholder_of_the_english_is_kept(code):
    german = catalog(CATALOGS / code / "LC_MESSAGES" / "messages.po")
    problems = [(m.id, [str(e) for e in errors]) for m, errors in german.check() if errors]
    assert not problems, problems[:5]
    scripts = catalog(CATALOGS / code / "LC_MESSAGES" / "js.po")
    braces = re.compile(r"\{(\w+)\}")
    for message in scripts:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(braces.findall(english[-1]))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for said in strings:
            assert set(braces.findall(said)) <= wanted | {"n"}, (message.id, said)
            assert set(braces.findall(said)) >= wanted - {"n"}, (message.id, said)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_number_of_the_english_is_kept(code):
    """Clinical facts carry over: every number in an English message is in its
    translation (with a decimal comma where the language writes one)."""
    for domain in DOMAINS:
        for message in catalog(CATALOGS / code / "LC_MESSAGES" / f"{domain}.po"):
            if not message.id:
                continue
            english = message.id[0] if isinstance(message.id, tuple) else message.id
            german = message.string[0] if isinstance(message.string, tuple) else message.string
            numbers = set(re.findall(r"\d+(?:[.,]\d+)?", english))
            assert numbers <= set(n.replace(".", ",") for n in re.findall(
                r"\d+(?:[.,]\d+)?", german)) | set(re.findall(r"\d+(?:[.,]\d+)?", german)), \
                (english, german)


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_catalogs_hold_what_the_code_marks(domain, tmp_path):
    """`make translations` was run after the last change of text: extracting again
    finds exactly the messages the template and the German catalog hold."""
    fresh = tmp_path / f"{domain}.pot"
    subprocess.run([str(Path(sys.executable).with_name("pybabel")), "-q", "extract", "-F",
                    CONFIG[domain], *KEYWORDS[domain], "-o", str(fresh), "."],
                   cwd=ROOT, check=True, capture_output=True)
    extracted = ids(catalog(fresh))
    assert extracted == ids(catalog(CATALOGS / f"{domain}.pot")), "run `make translations`"
    for code in LANGUAGES:
        assert extracted == ids(catalog(CATALOGS / code / "LC_MESSAGES" / f"{domain}.po")), \
            f"{code}: run `make translations`"


# -- templates: nothing left unmarked ----------------------------------------------

READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "content", "label"}
# Words that are the same in every language the app speaks, or not words.
SAME_EVERYWHERE = {"Backstretch", "PSFS", "SMART", "Health", "Link", "Links", "FHIR", "QR",
                   "OK", "ltr", "rtl", "utf", "noindex", "nofollow", "width", "device",
                   "initial", "scale", "viewport", "fit", "cover", "light", "dark", "yes",
                   "default", "no", "referrer", "same", "origin", "Deutsch", "English"}
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext"}


class _Readable(HTMLParser):
    """Text and the attributes people read, outside <script> and <style>: as written
    (the template scan), or ``squeezed`` to visible words (a rendered page)."""

    def __init__(self, attributes: set[str], squeezed: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes, self.squeezed = attributes, squeezed
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        for name, value in attrs:
            if name in self.attributes and value and not (
                    name == "content" and values.get("name") not in ("description", None)):
                self.found.append(value)

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):  # noqa: ANN001
        if self._skip:
            return
        if self.squeezed:
            data = " ".join(data.split())
        if data or not self.squeezed:
            self.found.append(data)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-zÄÖÜäöüß]{2,}", text) if w not in SAME_EVERYWHERE]


def _sentence_like(literal: str) -> bool:
    """A string literal in an expression that reads as words (not a class, an endpoint
    or markup): two words with a space, or one capitalised word."""
    if re.search(r"[=<>_#/{}]|^\s*\.|\.\w", literal) or not _words(literal):
        return False
    return bool(re.search(r"[A-Za-z]{2,} +[A-Za-z]{2,}", literal) or re.fullmatch(
        r"\s*[A-Z][a-z]{2,}[.:]?\s*", literal))


def unmarked(source: str, env: Environment) -> list[str]:
    """Text in a template that reaches a person untranslated: markup text and read
    attributes outside {% trans %} blocks, and word-like string literals in
    expressions that are not a gettext call's arguments."""
    text, problems = [], []
    in_trans = 0
    block: list[tuple[str, str]] = []
    calls: list[bool] = []  # per open parenthesis: is it a gettext call's?
    previous = ""
    for _line, kind, value in env.lex(source):
        if kind == "block_begin":
            block = []
        elif kind == "block_end":
            names = [v for k, v in block if k == "name"]
            if names[:1] == ["trans"] or names[:1] == ["pluralize"]:
                in_trans += names[:1] == ["trans"]
            elif names[:1] == ["endtrans"]:
                in_trans -= 1
            block = []
        elif kind in ("name", "operator", "string") and block is not None:
            block.append((kind, value))
        if kind == "data" and not in_trans:
            # expressions leave nothing behind, so a tag with one inside stays a tag
            text.append(value)
        if kind == "operator" and value == "(":
            calls.append(previous in GETTEXT)
        elif kind == "operator" and value == ")" and calls:
            calls.pop()
        elif kind == "string" and not any(calls) and not in_trans \
                and _sentence_like(value[1:-1]):
            problems.append(f"literal {value[1:-1]!r}")
        if kind not in ("whitespace",):
            previous = value if kind == "name" else ""
    reader = _Readable(READ_ATTRIBUTES)
    reader.feed("".join(text))
    attributes = re.compile(r'\s*([\w-]+="[^"]*"\s*)+')  # a macro's attribute list
    problems += [piece.strip() for piece in reader.found
                 if _words(piece) and not attributes.fullmatch(piece)]
    return problems


def test_every_template_string_is_marked_for_translation(app):
    found = {}
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            left = unmarked(path.read_text(encoding="utf-8"), app.jinja_env)
            if left:
                found[str(path.relative_to(ROOT))] = left[:6]
    assert not found, found


@pytest.mark.parametrize(("source", "expected"), [
    ('<p>Hello there</p>', ["Hello there"]),
    ('<p>{{ _("Hello there") }}</p>', []),
    ('<p>{% trans %}Hello <b>{{ name }}</b>{% endtrans %}</p>', []),
    ('<img alt="A drawing" src="x.svg">', ["A drawing"]),
    ('<img alt="{{ _(\'A drawing\') }}" src="x.svg">', []),
    ("{{ 'session' if x else 'no session' }}", ["literal 'no session'"]),
    ("{{ ngettext('%(num)s day', '%(num)s days', n) }}", []),
    ("<a class=\"button secondary\" href=\"{{ url_for('a.b') }}\">{{ _('Go') }}</a>", []),
    ("<p>Backstretch · PSFS</p>", []),
    ("{% set tabs = [('a.b', 'Today')] %}", ["literal 'Today'"]),
])
def test_the_unmarked_text_finder(app, source, expected):
    assert unmarked(source, app.jinja_env) == expected


# -- German pages --------------------------------------------------------------------

@functools.cache
def english_messages() -> tuple[frozenset[str], tuple[str, ...]]:
    """(every English message whose German differs, as whole texts; the literal parts of
    the longer ones, three words or more, to look for inside text)."""
    whole, parts = set(), []
    for domain in DOMAINS:
        for message in catalog(CATALOGS / "de" / "LC_MESSAGES" / f"{domain}.po"):
            if not message.id:
                continue
            english = message.id if isinstance(message.id, tuple) else (message.id,)
            german = message.string if isinstance(message.string, tuple) else (message.string,)
            for said in english:
                if said in german:
                    continue
                whole.add(said.strip())
                for piece in re.split(r"%\(\w+\)[sdf]|\{\w+\}|<[^>]+>|%%", said):
                    if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 3:
                        parts.append(" ".join(piece.split()))
    return frozenset(whole), tuple(parts)


def english_left(html: str) -> list[str]:
    whole, parts = english_messages()
    reader = _Readable({"alt", "title", "placeholder", "aria-label"}, squeezed=True)
    reader.feed(html)
    text = " ".join(reader.found)
    left = [node for node in reader.found if node in whole and _words(node)]
    left += [part for part in parts if part in text]
    return left


@pytest.fixture
def german(app):
    """A German person with a month of sessions, check-ins, a programme, a flare-up-free
    history, a reminder, and the warning-signs check answered."""
    from tracker.auth.models import User
    from tracker.db_types import utcnow
    from tracker.extensions import db
    from tracker.logbook import demo

    accounts = Accounts(app)
    client = accounts.signed_in(timezone="Europe/Berlin", locale="de")
    with app.app_context():
        demo.seed(db.session.get(User, client.user["id"]), 30, utcnow())
        db.session.commit()
    return client


SIGNED_IN_PAGES = ["/", "/log", "/guide", "/history", "/stretches", "/stretches/double-knee-to-chest",
                   "/stretches/new", "/safety", "/flare-up", "/progress", "/program", "/psfs",
                   "/reminders", "/settings", "/sign-out", "/report", "/offline", "/shl",
                   "/no-such-page"]
SIGNED_OUT_PAGES = ["/login", "/register", "/reset-password", "/reset-password/not-a-token",
                    "/confirm-email/not-a-token", "/s/not-a-share", "/shl", "/offline",
                    "/no-such-page"]


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_a_german_persons_pages_have_no_english_left(german, path):
    response = german.get(path)
    assert response.status_code in (200, 404), path
    html = response.get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in html
    assert english_left(html) == []


def test_a_german_persons_session_pages_have_no_english_left(german):
    sessions = german.get("/api/v1/sessions").get_json()["items"]
    first = sessions[0]["id"]
    for path in (f"/sessions/{first}", f"/sessions/{first}/edit", f"/sessions/{first}/delete"):
        html = german.get(path).get_data(as_text=True)
        assert english_left(html) == [], path


@pytest.mark.parametrize("path", SIGNED_OUT_PAGES)
def test_a_german_browser_gets_german_pages_before_signing_in(client, path):
    response = client.get(path, headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    html = response.get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in html, path
    assert english_left(html) == []
    assert "Accept-Language" in response.headers.get("Vary", "")


@pytest.mark.parametrize(("header", "lang", "word"), [
    ("de-AT,de;q=0.9", "de", "Anmelden"),
    ("fr-FR,fr;q=0.9", "en", "Sign in"),   # not shipped: English
    ("en-US,en;q=0.9,de;q=0.8", "en", "Sign in"),
    (None, "en", "Sign in"),
])
def test_accept_language_picks_a_signed_out_pages_language(client, header, lang, word):
    html = client.get("/login", headers={"Accept-Language": header} if header else {}) \
        .get_data(as_text=True)
    assert f'<html lang="{lang}"' in html and word in html


def test_the_persons_choice_beats_the_browser(app, users, client):
    users.login(client, users.create(locale="en"))
    html = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="en"' in html
    client.patch("/api/v1/me", json={"locale": "de"})
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="de"' in html and "Heute" in html


@pytest.mark.parametrize(("value", "status"), [
    ("de", 200), ("en", 200), (None, 200), ("fr", 422), ("DE", 422), ("", 422), (7, 422),
    ("de" * 40, 422),
])
def test_the_language_setting(auth, value, status):
    response = auth.patch("/api/v1/me", json={"locale": value})
    assert response.status_code == status, response.get_json()
    if status == 200:
        assert response.get_json()["locale"] == value
        assert auth.get("/api/v1/me").get_json()["locale"] == value
    else:
        assert "locale" in response.get_json()["fields"]


def test_the_api_keeps_english_for_a_german_person(users, client):
    users.login(client, users.create(locale="de"))
    body = client.post("/api/v1/checkins", json={"score": 11}).get_json()
    assert body["message"].isascii() and "score" in body["fields"]


def test_signing_up_in_german_keeps_german(client):
    client.fetch_csrf()
    response = client.post("/register", data={
        "email": "neu@example.com", "password": "correct horse battery", "timezone": "Europe/Berlin",
    }, headers={"Accept-Language": "de"})
    assert response.status_code == 302
    assert client.get("/api/v1/me").get_json()["locale"] == "de"
