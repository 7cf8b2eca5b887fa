"""The installable app over HTTP: manifest, service worker, offline page, hashed
static files with a year-long immutable cache, compression, and the per-person
cache key."""
from __future__ import annotations

import re

import pytest

from tracker.pwa.assets import IMMUTABLE


def static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_manifest_has_what_installing_needs(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    m = response.get_json()
    for key in ("name", "short_name", "id", "start_url", "scope", "description",
                "theme_color", "background_color"):
        assert m[key], key
    assert m["display"] == "standalone" and m["scope"] == "/"
    sizes = {(i["sizes"], i["purpose"]) for i in m["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= sizes
    assert [s["name"] for s in m["shortcuts"]] == ["Log a session", "Progress"]
    assert m["screenshots"] and all(s["form_factor"] == "narrow" for s in m["screenshots"])
    for url in [i["src"] for i in m["icons"]] + [s["src"] for s in m["screenshots"]] + \
            [i["src"] for s in m["shortcuts"] for i in s["icons"]]:
        assert client.get(url).status_code == 200, url


def test_service_worker_is_served_fresh_at_the_root_with_its_precache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    source = response.get_data(as_text=True)
    shell = re.findall(r'"(/static/[^"]+)": "(/static/[^"]+)"', source)
    css = static_urls(client.get("/login").get_data(as_text=True))[0]
    assert ("/static/css/app.css", css) in shell
    for _plain, hashed in shell:
        assert client.get(hashed).status_code == 200, hashed
    assert "importScripts(CONFIG.idb, CONFIG.replay)" in source


def test_offline_page_shows_no_personal_parts(auth):
    html = auth.get("/offline").get_data(as_text=True)
    assert "You are offline" in html
    assert "Sign out" not in html and 'content=""' in html  # no person's key either


def test_pages_use_hashed_static_files_with_an_immutable_cache(client):
    urls = static_urls(client.get("/login").get_data(as_text=True))
    assert urls and all(re.search(r"\.[0-9a-f]{8}\.\w+$", u) for u in urls)
    for url in urls:
        response = client.get(url)
        assert response.headers["Cache-Control"] == IMMUTABLE
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


@pytest.mark.parametrize("path, status", [
    ("/static/css/app.00000000.css", 404),  # an old fingerprint: never other bytes
    ("/static/css/app.css", 200),  # the plain name still works (ES-module imports)
    ("/static/css/nothing.css", 404),
    ("/static/../config.py", 404),
    ("/static/js/package.json", 200),  # plain files only; never hashed
])
def test_static_names(client, path, status):
    assert client.get(path).status_code == status


def test_plain_static_names_are_revalidated_not_immutable(client):
    response = client.get("/static/css/app.css")
    assert "immutable" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_responses_are_compressed(client, encoding):
    css = static_urls(client.get("/login").get_data(as_text=True))[0]
    plain = client.get(css)
    for path in ("/login", css, "/manifest.webmanifest", "/sw.js"):
        response = client.get(path, headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding, path
        assert "Accept-Encoding" in response.headers["Vary"]
    packed = client.get(css, headers={"Accept-Encoding": encoding})
    assert len(packed.data) < len(plain.data) / 3


def test_no_compression_unless_asked(client):
    assert "Content-Encoding" not in client.get("/login", headers={"Accept-Encoding": "identity"}).headers


def test_the_person_key_is_opaque_stable_and_per_person(auth, shared_users_factory):
    first = auth.get("/api/v1/auth/csrf").headers["X-Tracker-User"]
    assert first == auth.get("/").headers["X-Tracker-User"]
    assert str(auth.user["id"]) != first and len(first) == 24
    other = shared_users_factory()
    assert other.get("/api/v1/auth/csrf").headers["X-Tracker-User"] not in ("", first)
    html = auth.get("/").get_data(as_text=True)
    assert f'<meta name="tracker-user" content="{first}">' in html


def test_signed_out_responses_carry_no_person_key(client):
    assert "X-Tracker-User" not in client.get("/login").headers
    assert "X-Tracker-User" not in client.get("/api/v1/auth/csrf").headers


def test_static_files_do_not_load_the_person(auth):
    css = static_urls(auth.get("/").get_data(as_text=True))[0]
    assert "X-Tracker-User" not in auth.get(css).headers


@pytest.fixture
def shared_users_factory(users, app):
    return lambda: users.login(app.test_client(), users.create())


def test_offline_forms_carry_the_person_time_zone(auth):
    log = auth.get("/log").get_data(as_text=True)
    assert 'data-offline="session" data-timezone="Europe/Berlin"' in log
    today = auth.get("/").get_data(as_text=True)
    assert 'data-offline="checkin"' in today and "data-outbox-list" in today
    assert "data-outbox-list" in auth.get("/history").get_data(as_text=True)
    settings = auth.get("/settings").get_data(as_text=True)
    assert "data-install hidden" in settings and "Add to Home Screen" in settings


def test_precache_and_log_page_stay_light(auth):
    """Budgets of issue 10, compressed with gzip (brotli comes out smaller): the
    worker's precache at most 150 KB; the Log page's own HTML, CSS, JS and icons at
    most 60 KB (the browser test measures the real first load too)."""
    gz = {"Accept-Encoding": "gzip"}
    source = auth.get("/sw.js").get_data(as_text=True)
    shell = [hashed for _plain, hashed in re.findall(r'"(/static/[^"]+)": "(/static/[^"]+)"', source)]
    precache = sum(len(auth.get(url, headers=gz).data) for url in [*shell, "/offline"])
    log = auth.get("/log", headers=gz)
    page = len(log.data) + sum(len(auth.get(url, headers=gz).data) for url in static_urls(
        auth.get("/log").get_data(as_text=True)))
    print(f"precache {precache} B, log page {page} B (gzip)")
    assert precache <= 150_000
    assert page <= 60_000
