"""The reminder machinery's processes: VAPID keys (configured, or made once per
instance folder even when several processes start at once), ``flask vapid
generate``, the APScheduler jobs (inside an app context, heartbeat on /healthz), and
``flask scheduler run`` as a dedicated process."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from tests.push_receiver import unb64url
from tracker.reminders import jobs, push, service

ROOT = Path(__file__).resolve().parents[2]


def test_vapid_generate_prints_a_working_pair(runner):
    result = runner.invoke(args=["vapid", "generate"])
    assert result.exit_code == 0
    pairs = dict(line.split("=", 1) for line in result.output.split())
    keys = push.load_keys(pairs["TRACKER_VAPID_PRIVATE_KEY"], pairs["TRACKER_VAPID_PUBLIC_KEY"])
    assert keys.public_key == pairs["TRACKER_VAPID_PUBLIC_KEY"]


def test_configured_keys_are_served(make_app):
    keys = push.generate_keys()
    app = make_app(VAPID_PRIVATE_KEY=keys.private_key, VAPID_PUBLIC_KEY=keys.public_key)
    assert app.test_client().get("/api/v1/push/public-key").get_json() == {"public_key": keys.public_key}


def test_a_mismatched_public_key_is_refused(make_app):
    app = make_app(VAPID_PRIVATE_KEY=push.generate_keys().private_key,
                   VAPID_PUBLIC_KEY=push.generate_keys().public_key)
    with pytest.raises(ValueError):
        service.vapid_keys(app)


def test_instance_keys_are_made_once_and_kept(make_app, instance_path):
    first = make_app(VAPID_PRIVATE_KEY=None)
    key = service.vapid_keys(first).public_key
    stored = instance_path / "vapid_private_key"
    assert stored.exists() and stored.stat().st_mode & 0o777 == 0o600
    assert service.vapid_keys(make_app(VAPID_PRIVATE_KEY=None)).public_key == key  # a restart keeps it


def test_concurrent_first_starts_agree_on_one_pair(tmp_path, database_url):
    script = (
        "import sys; from tracker import create_app; from tracker.reminders.service import vapid_keys\n"
        "app = create_app({'ENV': 'testing', 'DATABASE_URL': sys.argv[2], 'SCHEDULER': 'off',"
        " 'VAPID_PRIVATE_KEY': None})\n"
        "app.instance_path = sys.argv[1]\n"
        "print(vapid_keys(app).public_key)\n")
    folder = tmp_path / "shared-instance"
    folder.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", script, str(folder), database_url], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    keys = {out.strip() for out, _err in outputs}
    assert len(keys) == 1, outputs
    assert len(unb64url(keys.pop())) == 65


def test_jobs_are_wired_as_designed(app):
    scheduler = BackgroundScheduler(timezone=dt.timezone.utc)
    jobs.add_jobs(scheduler, app)
    jobs.add_jobs(scheduler, app)  # idempotent
    assert len(scheduler.get_jobs()) == 2
    found = {job.id: job for job in scheduler.get_jobs()}
    assert set(found) == {jobs.DISPATCH, jobs.MAINTENANCE}
    dispatch = found[jobs.DISPATCH]
    assert dispatch.coalesce is True and dispatch.max_instances == 1
    assert 60 <= dispatch.misfire_grace_time <= 600
    assert str(dispatch.trigger.timezone) == "UTC"
    assert "second='5'" in str(dispatch.trigger)


def test_the_dispatch_job_runs_in_an_app_context_and_beats(app, client):
    assert client.get("/healthz").get_json()["scheduler_last_tick"] is None
    before = dt.datetime.now(dt.timezone.utc)
    jobs.run_dispatch(app)  # called outside any app context, as APScheduler does
    tick = dt.datetime.fromisoformat(client.get("/healthz").get_json()["scheduler_last_tick"])
    assert tick >= before - dt.timedelta(seconds=1)
    jobs.run_maintenance(app)


def test_web_workers_with_the_scheduler_off_add_no_jobs(app):
    from tracker.scheduler import get_scheduler

    assert get_scheduler().get_job(jobs.DISPATCH) is None
    assert app.test_client().get("/healthz").get_json()["scheduler"] == "off"


def test_scheduler_run_is_a_dedicated_process(database_url, tmp_path):
    env = {**os.environ, "TRACKER_ENV": "testing", "TRACKER_SCHEDULER": "off",
           "TRACKER_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "tracker", "scheduler", "run"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert "Scheduler running" in first and jobs.DISPATCH in first, proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Scheduler stopped" in out


def test_a_serving_process_with_the_scheduler_on_gets_the_jobs(make_app, monkeypatch):
    """TRACKER_SCHEDULER=on in a WSGI server: the process's one scheduler gets the jobs
    (not started here, so the rest of the suite keeps a stopped scheduler)."""
    from tracker import scheduler

    monkeypatch.setattr(scheduler, "start_if_wanted", lambda app: None)
    try:
        make_app(SCHEDULER="on")
        assert {j.id for j in scheduler.get_scheduler().get_jobs()} == {jobs.DISPATCH, jobs.MAINTENANCE}
        make_app(SCHEDULER="on")  # a second app in the process does not add a second set
        assert len(scheduler.get_scheduler().get_jobs()) == 2
    finally:
        scheduler.get_scheduler().remove_all_jobs()
    assert not scheduler.is_running()
