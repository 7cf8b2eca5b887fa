"""tracker/pwa/assets.py and worker.py on a folder of their own: hashed names, the
precache list, and the push handlers imported only when they exist."""
from __future__ import annotations

import hashlib
import json

import pytest

from tracker.pwa.assets import Assets
from tracker.pwa.worker import worker_source


@pytest.fixture
def static(tmp_path):
    for name, body in {"css/app.css": "body{}", "js/app.js": "1", "js/replay.js": "2",
                       "vendor/idb/umd.js": "3", ".hidden": "x", "js/tests/a.test.js": "t",
                       "LICENSE": "l"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body)
    return tmp_path


def config_of(source: str) -> dict:
    return json.loads(source.split("self.BACKSTRETCH = ", 1)[1].split(";\n", 1)[0])


def test_names_carry_the_content_hash(static):
    assets = Assets.scan(static)
    digest = hashlib.sha256(b"body{}").hexdigest()[:8]
    assert assets.hashed_name("css/app.css") == f"css/app.{digest}.css"
    assert assets.hashed_name("LICENSE").startswith("LICENSE.")
    assert assets.hashed_name("missing.css") == "missing.css"
    assert ".hidden" not in assets.by_path and "js/tests/a.test.js" not in assets.by_path


def test_the_worker_changes_when_a_shell_file_does(static):
    url = lambda name: f"/static/{name}"  # noqa: E731
    before = config_of(worker_source(Assets.scan(static), "", url))
    (static / "js" / "app.js").write_text("2")
    after = config_of(worker_source(Assets.scan(static), "", url))
    assert before["version"] != after["version"]
    assert before["shell"]["/static/js/app.js"] != after["shell"]["/static/js/app.js"]
    assert "/static/js/replay.js" in after["shell"]


def test_push_handlers_are_imported_by_hashed_url_only_when_present(static):
    url = lambda name: f"/static/{name}"  # noqa: E731
    assert config_of(worker_source(Assets.scan(static), "", url))["push"] is None
    (static / "sw-push.js").write_text("self.addEventListener('push', () => {});")
    first = config_of(worker_source(Assets.scan(static), "", url))
    assert first["push"].startswith("/static/sw-push.") and first["push"].endswith(".js")
    (static / "sw-push.js").write_text("self.addEventListener('push', () => {}); // v2")
    second = config_of(worker_source(Assets.scan(static), "", url))
    assert second["push"] != first["push"] and second["version"] != first["version"]
