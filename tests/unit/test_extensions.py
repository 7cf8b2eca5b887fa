"""Which processes run the in-process scheduler: only serving ones, once; and what
building the app leaves unimported until it is used."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from flask import Flask

from tracker.extensions import LazyScheduler, scheduler_wanted

ROOT = Path(__file__).resolve().parents[2]


def make(setting: str, debug: bool = False) -> Flask:
    app = Flask(__name__)
    app.config["SCHEDULER"] = setting
    app.debug = debug
    return app


@pytest.mark.parametrize(("setting", "command", "debug", "reloader_child", "wanted"), [
    ("on", None, False, False, True),         # a WSGI server (gunicorn) or a test client
    ("off", None, False, False, False),
    ("on", "run", False, False, True),        # flask run, no reloader
    ("on", "upgrade", False, False, False),   # flask db upgrade: a one-off command
    ("on", "seed", False, False, False),
    ("on", "run", True, False, False),        # flask run --debug: the reloader's watcher
    ("on", "run", True, True, True),          # ...and its serving child
    ("true", "run", False, False, True),
])
def test_scheduler_runs_only_in_serving_processes(monkeypatch, setting, command, debug,
                                                  reloader_child, wanted):
    if reloader_child:
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    else:
        monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    app = make(setting, debug)
    if command is None:
        assert scheduler_wanted(app) is wanted
    else:
        with click.Context(click.Command(command), info_name=command):
            assert scheduler_wanted(app) is wanted


def test_building_the_app_imports_neither_migrations_nor_the_scheduler(tmp_path):
    """Alembic, APScheduler and the push stack (aiohttp, pywebpush, the VAPID crypto)
    cost most of create_app(); a fresh process that builds the app and serves a
    request has imported none of them, has not yet written the OpenAPI document, and
    has its garbage collector on again, with the start-up objects frozen out of it."""
    code = ("import gc, sys; from tracker import create_app; from tracker.extensions import api; "
            "app = create_app(); app.test_client().get('/healthz'); "
            "print(sorted(m for m in ('flask_migrate', 'alembic', 'apscheduler', 'aiohttp', "
            "'pywebpush', 'py_vapid', 'cryptography') if m in sys.modules), "
            "len(api._undocumented), gc.isenabled(), gc.get_freeze_count() > 10000, "
            "len(api.spec.to_dict()['paths']) > 20, len(api._undocumented))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_ENV="production", TRACKER_SECRET_KEY="unit",
               TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] 6 True True True 0"


def test_lazy_scheduler_is_the_real_one_once_used():
    lazy = LazyScheduler()
    assert lazy.running is False
    assert lazy._scheduler is None  # asking made nothing
    job = lazy.add_job(print, "interval", minutes=5, id="probe")
    assert lazy.get_job("probe") is job
    assert lazy.scheduler is lazy.scheduler  # one scheduler per process
    lazy.start(paused=True)
    try:
        assert lazy.running is True
    finally:
        lazy.shutdown(wait=False)
    assert lazy.running is False
