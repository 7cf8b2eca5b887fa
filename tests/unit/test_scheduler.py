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

from tracker import scheduler

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
        assert scheduler.wanted(app) is wanted
    else:
        with click.Context(click.Command(command), info_name=command):
            assert scheduler.wanted(app) is wanted


def test_building_the_app_imports_neither_the_scheduler_nor_the_push_stack(tmp_path):
    """APScheduler and the push stack (aiohttp, pywebpush, the VAPID crypto) are needed
    only by the processes that send reminders: a fresh process that builds the app and
    serves a request has imported none of them."""
    code = ("import sys; from tracker import create_app; "
            "app = create_app(); app.test_client().get('/healthz'); "
            "print(sorted(m for m in ('apscheduler', 'aiohttp', 'pywebpush', 'py_vapid', "
            "'cryptography') if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_ENV="production", TRACKER_SECRET_KEY="unit",
               TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_scheduler_is_made_once_and_only_when_used(monkeypatch):
    monkeypatch.setattr(scheduler, "_scheduler", None)
    assert scheduler.is_running() is False
    assert scheduler._scheduler is None  # asking made nothing
    made = scheduler.get_scheduler()
    assert scheduler.get_scheduler() is made  # one scheduler per process
    made.add_job(print, "interval", minutes=5, id="probe")
    made.start(paused=True)
    try:
        assert scheduler.is_running() is True
    finally:
        made.shutdown(wait=False)
    assert scheduler.is_running() is False
