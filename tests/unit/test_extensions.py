"""Which processes run the in-process scheduler: only serving ones, once."""
from __future__ import annotations

import click
import pytest
from flask import Flask

from tracker.extensions import scheduler_wanted


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
