"""Rate limits hold across worker processes with the default settings (audit finding 7:
gunicorn's 2 workers each counted alone in memory, and 20 of "10 per minute" got
through). gunicorn, started with the project's gunicorn.conf.py as in production, takes
20 failed sign-ins from one address on fresh connections, served by both workers, and
answers exactly 10 before the 429s: with the counters in the app's database (the
default) and in Redis when configured. Its access log names the worker of each answer.
Also the start-up warning, now only for ``memory://`` with several workers.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade

from tests.integration.test_account_limits import ROOT, free_port, gunicorn_start_log
from tests.support import PG_URL, app_settings, redis_or_skip, wait_until_serving
from tracker import create_app
from tracker.extensions import db

ATTEMPTS = 20
LOGIN = "/api/v1/auth/login"
REDIS_URI = "redis://127.0.0.1:6379/14"


@pytest.fixture
def sqlite_url(request, tmp_path) -> str:
    """A migrated SQLite file (a copy of the suite's template; migrated here when the
    suite runs on PostgreSQL)."""
    target = tmp_path / "tracker.db"
    if PG_URL:
        app = create_app(app_settings(f"sqlite:///{target}"))
        with app.app_context():
            upgrade()
            db.session.remove()
            db.engine.dispose()
    else:
        shutil.copyfile(request.getfixturevalue("template_db"), target)
    return f"sqlite:///{target}"


@dataclass
class Served:
    url: str
    access_log: Path

    def answers(self, path: str) -> list[tuple[str, int]]:
        """(worker pid, status) of every answer to ``path`` so far."""
        found = re.findall(r"^<(\d+)> (\d{3}) (\S+)$", self.access_log.read_text(),
                           re.MULTILINE)
        return [(pid, int(status)) for pid, status, p in found if p == path]


@pytest.fixture
def serve(tmp_path) -> Iterator:
    """``serve(database_url, **env)``: gunicorn with gunicorn.conf.py and its defaults
    (2 workers), nothing of the caller's TRACKER_/WEB_/GUNICORN_ settings, and an
    access log of ``<pid> status path`` lines."""
    procs: list[subprocess.Popen] = []

    def start(database_url: str, **env: str) -> Served:
        environ = {k: v for k, v in os.environ.items()
                   if not k.startswith(("TRACKER_", "WEB_", "GUNICORN_"))}
        environ.update(TRACKER_ENV="production", TRACKER_SECRET_KEY="test",
                       TRACKER_DATABASE_URL=database_url,
                       TRACKER_SESSION_COOKIE_SECURE="false", **env)
        port = free_port()
        access_log = tmp_path / f"access-{port}.log"
        error_log = tmp_path / f"error-{port}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
             "-b", f"127.0.0.1:{port}", "--access-logfile", str(access_log),
             "--access-logformat", "%(p)s %(s)s %(U)s", "--error-logfile", str(error_log)],
            cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url, proc, log=error_log)
        return Served(url, access_log)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=30)


def failed_sign_ins(served: Served) -> list[int]:
    """ATTEMPTS wrong passwords from one address, each on a new connection (so the
    kernel hands them to either worker); their statuses."""
    first = requests.get(served.url + "/api/v1/auth/csrf", timeout=10)
    token = first.json()["csrf_token"]
    email = f"guess-{uuid.uuid4().hex}@example.com"
    statuses = []
    for i in range(ATTEMPTS):
        answer = requests.post(served.url + LOGIN, timeout=30, cookies=first.cookies,
                               json={"email": email, "password": f"guess number {i}"},
                               headers={"X-CSRF-Token": token, "Connection": "close"})
        statuses.append(answer.status_code)
    return statuses


def logged_answers(served: Served) -> list[tuple[str, int]]:
    """The sign-ins' (worker pid, status), once the access log has them all (it is
    written after each answer)."""
    deadline = time.monotonic() + 5
    while len(served.answers(LOGIN)) < ATTEMPTS and time.monotonic() < deadline:
        time.sleep(0.05)
    return served.answers(LOGIN)


def assert_limit_held_by_both_workers(served: Served, statuses: list[int]) -> None:
    assert sum(s != 429 for s in statuses) == 10, statuses  # "10 per minute"
    assert statuses[:10] == [401] * 10 and set(statuses[10:]) == {429}, statuses
    answers = logged_answers(served)
    assert sorted(s for _, s in answers) == sorted(statuses)
    # Both served: counting alone, each would have let up to 10 of its own through.
    assert len({pid for pid, _ in answers}) == 2, f"one worker served every attempt: {answers}"


def test_audit_7_limits_hold_across_workers(serve, sqlite_url):
    served = serve(sqlite_url)
    assert_limit_held_by_both_workers(served, failed_sign_ins(served))


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in Redis db 14; its keys are deleted after."""
    conn = redis_or_skip(REDIS_URI, "the Redis rate-limit test")
    prefix = f"test-{uuid.uuid4().hex}"
    yield prefix
    keys = list(conn.scan_iter(match=f"*{prefix}*"))
    assert keys, "the counters were not kept in Redis"
    conn.delete(*keys)
    conn.close()


def test_audit_7_limits_hold_across_workers_with_redis(serve, sqlite_url, redis_prefix):
    served = serve(sqlite_url, TRACKER_RATELIMIT_STORAGE_URI=REDIS_URI,
                   TRACKER_RATELIMIT_KEY_PREFIX=redis_prefix)
    assert_limit_held_by_both_workers(served, failed_sign_ins(served))


def test_no_start_up_warning_with_the_default_storage(tmp_path, sqlite_url):
    log = gunicorn_start_log(tmp_path, sqlite_url, WEB_CONCURRENCY="3")
    assert "Booting worker" in log
    assert "worker processes" not in log


def test_start_up_warning_when_memory_is_chosen_for_several_workers(tmp_path, sqlite_url):
    log = gunicorn_start_log(tmp_path, sqlite_url, WEB_CONCURRENCY="3",
                             TRACKER_RATELIMIT_STORAGE_URI="memory://")
    assert "memory:// while 3 worker processes serve" in log


def test_control_memory_counts_per_worker(serve, sqlite_url):
    """The same run with ``memory://`` explicitly chosen lets more than 10 through: the
    test sees the finding when it is there."""
    served = serve(sqlite_url, TRACKER_RATELIMIT_STORAGE_URI="memory://")
    statuses = failed_sign_ins(served)
    if len({pid for pid, _ in logged_answers(served)}) < 2:
        pytest.skip("the kernel handed every connection to one worker this time")
    assert sum(s != 429 for s in statuses) > 10, statuses
