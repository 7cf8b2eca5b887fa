"""The stretch drawings (issue 18) over HTTP and on disk: static/img/stretches.svg has a
start and an end position for every built-in stretch (the slugs come from
tracker/catalog.py) and a placeholder, drawn in currentColor only and kept small;
every stretch page and the log form's "How to" show the drawing, named by its text
alternative, from the hashed sprite, which is served immutable and precached; a
person's own stretch shows the placeholder; the direction badges say in plain words
which way the back moves."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from html import unescape
from pathlib import Path

import pytest

from tracker import catalog
from tracker.pwa.assets import IMMUTABLE, asset_url

ROOT = Path(__file__).resolve().parents[2]
SPRITE = ROOT / "static" / "img" / "stretches.svg"
MACRO = ROOT / "templates" / "_illustration.html"
SVG = "{http://www.w3.org/2000/svg}"
BUDGET = 12_000  # bytes for the whole sprite
SLUGS = [s.slug for s in catalog.BUILTIN_STRETCHES]
COLOUR_ATTRIBUTES = ("fill", "stroke", "color", "stop-color", "flood-color", "lighting-color")


@pytest.fixture
def sprite_url(shared_app) -> str:
    with shared_app.test_request_context():
        url = asset_url("img/stretches.svg")
    assert re.fullmatch(r"/static/img/stretches\.[0-9a-f]{8}\.svg", url), url
    return url


def poses(html: str) -> list[ET.Element]:
    """The inline drawings of a page, parsed (the macro writes them as well-formed XML)."""
    return [ET.fromstring(m) for m in re.findall(r'<svg class="pose".*?</svg>', html, re.S)]


def uses(svg: ET.Element) -> list[tuple[str | None, str]]:
    return [(u.get("class"), u.get("href")) for u in svg.iter("use")]


def card_html(html: str, slug: str) -> str:
    """One log-form card, up to the next card (or the form's end)."""
    start = html.index(f'id="card-{slug}"')
    following = [i for i in (html.find('id="card-', start + 1), html.index("</form>", start)) if i > 0]
    return html[start:min(following)]


# ------------------------------------------------------------------ the pages


@pytest.mark.parametrize("slug", SLUGS)
def test_every_builtin_stretch_page_shows_its_drawing(member, sprite_url, slug):
    html = member.get(f"/stretches/{slug}").get_data(as_text=True)
    [svg] = poses(html)
    assert svg.get("role") == "img"
    [title] = svg.iter("title")
    assert svg.get("aria-labelledby") == title.get("id")
    assert title.text == catalog.ILLUSTRATION_TEXT[slug]
    assert title.text.startswith("Drawing: ")
    assert uses(svg) == [("pose-start", f"{sprite_url}#{slug}-start"),
                         ("pose-end", f"{sprite_url}#{slug}-end")]
    assert "style=" not in html  # strict CSP: no inline style anywhere


def test_a_persons_own_stretch_shows_the_placeholder(member, sprite_url):
    created = member.post("/api/v1/stretches", json={"name": "Cat camel", "spine": "extension",
                                                    "hold_seconds": 5})
    assert created.status_code == 201, created.get_json()
    slug = created.get_json()["slug"]
    html = member.get(f"/stretches/{slug}").get_data(as_text=True)
    [svg] = poses(html)
    assert [t.text for t in svg.iter("title")] == [catalog.PLACEHOLDER_TEXT]
    assert uses(svg) == [("pose-still", f"{sprite_url}#placeholder")]
    assert '<span class="badge extension">Arches the back</span>' in html


def test_the_log_form_shows_each_drawing_behind_how_to(member, sprite_url):
    html = member.get("/log").get_data(as_text=True)
    for slug in SLUGS:
        card = card_html(html, slug)
        how_to = re.search(r'<details class="how-to">\s*<summary>How to</summary>(.*?)</details>',
                           card, re.S)
        assert how_to, slug
        [svg] = poses(how_to.group(1))
        assert [t.text for t in svg.iter("title")] == [catalog.ILLUSTRATION_TEXT[slug]]
        assert ("pose-end", f"{sprite_url}#{slug}-end") in uses(svg)
        assert f'<a href="/stretches/{slug}">More about this stretch</a>' in how_to.group(1)
        assert "Hold " in how_to.group(1)
    # Every drawing's ids are unique on the page, so each is named by its own title.
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []


def test_the_hamstring_angle_says_it_is_not_part_of_the_programme(member):
    html = member.get("/log").get_data(as_text=True)
    note = "it does not count towards the straight-leg-raise programme"
    assert note in card_html(html, "supine-hamstring")
    assert note not in card_html(html, "slr-strap") and note not in card_html(html, "slr-assisted")


@pytest.mark.parametrize("path", ["/", "/log", "/stretches", "/stretches/double-knee-to-chest",
                                  "/stretches/slr-strap"])
def test_direction_badges_say_which_way_the_back_moves(member, path):
    html = unescape(member.get(path).get_data(as_text=True))
    badges = re.findall(r'<span class="badge (flexion|neutral|extension)">([^<]*)</span>', html)
    assert badges, path
    for spine, words in badges:
        assert words == catalog.SPINE_WORDS[spine], (path, spine, words)


def test_the_stretch_page_says_why_direction_matters(member):
    html = unescape(member.get("/stretches/double-knee-to-chest").get_data(as_text=True))
    line = re.search(r'<p class="hint direction">(.*?)</p>', html, re.S).group(1)
    assert line.startswith("Curls the back") and "disc" in line and "stop" in line


# ------------------------------------------------------------------ the sprite file


def test_the_sprite_is_served_immutable_and_precached(member, sprite_url):
    response = member.get(sprite_url)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == IMMUTABLE
    worker = member.get("/sw.js").get_data(as_text=True)
    assert f'"/static/img/stretches.svg": "{sprite_url}"' in worker


def test_the_sprite_has_both_positions_of_every_builtin_stretch():
    root = ET.parse(SPRITE).getroot()
    symbols = {s.get("id"): s for s in root.iter(f"{SVG}symbol")}
    wanted = {f"{slug}-{end}" for slug in SLUGS for end in ("start", "end")} | {"placeholder"}
    assert wanted <= set(symbols), sorted(wanted - set(symbols))
    assert set(catalog.ILLUSTRATION_TEXT) == set(SLUGS)
    # One shared viewBox, the one the macro's <svg> has, so the layers line up.
    [box] = {s.get("viewBox") for s in symbols.values()}
    assert f'viewBox="{box}"' in MACRO.read_text()
    for ident, symbol in symbols.items():
        assert len(list(symbol.iter())) > 3, f"{ident} draws nothing"


def test_the_sprite_draws_in_current_color_only():
    text = SPRITE.read_text()
    for element in ET.fromstring(text).iter():
        for name in COLOUR_ATTRIBUTES:
            value = element.get(name)
            assert value in (None, "currentColor", "none"), (element.tag, name, value)
        assert element.get("style") is None, element.tag
        assert element.tag != f"{SVG}style"
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(", text)


def test_the_sprite_stays_small():
    assert SPRITE.stat().st_size < BUDGET
