"""The progress read for a person with a year of data, on SQLite:

1. ``GET /api/v1/progress?days=365`` in-process through the whole Flask stack
   (median; target under 25 ms);
2. the same route served by gunicorn (2 sync workers) and driven by wrk in another
   process, against a bare Flask JSON hello-world served the same way in the same
   run (target: at least 0.15x its requests per second);
3. the progress page's first load, gzip-compressed (HTML, CSS, JS, uPlot, the JSON
   the charts fetch; target at most 60 KB).

    .venv/bin/python -m bench.progress     # BENCH_WRK_SECONDS=5 BENCH_ROUNDS=100
"""
from __future__ import annotations

import datetime as dt
import gzip
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import requests
from flask import Flask
from flask_migrate import upgrade

from tracker import create_app
from tracker.auth import service as auth_service
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.logbook import sessions as logbook
from tracker.logbook.demo import seed

DAYS = 365
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "100"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
WRK = shutil.which("wrk") or "/usr/bin/wrk"
ROOT = Path(__file__).resolve().parent.parent
TARGET_MS, TARGET_RATIO, TARGET_KB = 25, 0.15, 60

# The bare baseline gunicorn serves beside the app (``bench.progress:hello``).
hello = Flask("hello")


@hello.get("/")
def _hello():
    return {"hello": "world"}


def settings(url: str) -> dict:
    return {"TRACKER_ENV": "production", "TRACKER_DATABASE_URL": url,
            "TRACKER_SECRET_KEY": "bench-only", "TRACKER_SESSION_COOKIE_SECURE": "false",
            "TRACKER_RATELIMIT_ENABLED": "false", "TRACKER_SCHEDULER": "off"}


def prepare(url: str) -> tuple[str, str]:
    """A user with a year: the demo year (a check-in a day, a session on most days,
    a programme) plus a second session each day; returns (token, login id)."""
    app = create_app({"ENV": "production", "DATABASE_URL": url, "SECRET_KEY": "bench-only",
                      "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False,
                      "SCHEDULER": "off"})
    with app.app_context():
        upgrade()
        user = auth_service.register(f"bench-{uuid.uuid4().hex[:6]}@example.com",
                                     "bench password 123", "Europe/Berlin")
        now = utcnow()
        seed(user, DAYS, now)
        rng = random.Random(3)
        tz = ZoneInfo(user.timezone)
        today = now.astimezone(tz).date()
        for offset in range(DAYS - 1, 0, -1):
            day = today - dt.timedelta(days=offset)
            pain = rng.randint(2, 7)
            logbook.create_session(user, {
                "client_id": str(uuid.uuid4()),
                "performed_at": dt.datetime.combine(day, dt.time(21, 0), tz),
                "pain_before": pain, "pain_after": max(0, pain - rng.randint(0, 2)),
                "entries": [{"stretch": "double-knee-to-chest"},
                            {"stretch": "slr-assisted", "side": "left", "angle_deg": 50.0},
                            {"stretch": "slr-assisted", "side": "right", "angle_deg": 72.0}]},
                now)
        db.session.commit()
        _, token = auth_service.create_token(user, "bench")
        db.session.commit()
        login_id = user.get_id()
        db.engine.dispose()
    return token, login_id


def in_process(url: str, token: str) -> float:
    app = create_app({"ENV": "production", "DATABASE_URL": url, "SECRET_KEY": "bench-only",
                      "SCHEDULER": "off"})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    first = client.get("/api/v1/progress?days=365", headers=headers)
    assert first.status_code == 200, first.data[:300]
    body = first.get_json()
    print(f"  data: {len(body['pain']['daily'])} days with pain, "
          f"{body['adherence']['days_logged']} days with a session, "
          f"{len(first.data) / 1024:.0f} KB of JSON")
    for _ in range(5):
        client.get("/api/v1/progress?days=365", headers=headers)
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get("/api/v1/progress?days=365", headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    p95 = statistics.quantiles(samples, n=20)[18]
    print(f"  GET /api/v1/progress?days=365 in-process: median {median:.1f} ms, p95 {p95:.1f} ms "
          f"({ROUNDS} rounds; target < {TARGET_MS} ms: {'met' if median < TARGET_MS else 'MISSED'})")
    return median


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app_spec: str, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", app_spec],
        cwd=ROOT, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(url + "/healthz" if "tracker" in app_spec else url, timeout=1)
            return proc, url
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"gunicorn did not start: {app_spec}")


def wrk(url: str, headers: dict) -> float:
    args = [WRK, "-t", "2", "-c", "8", "-d", f"{WRK_SECONDS}s"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} failed responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def under_gunicorn(url: str, token: str) -> float:
    env = settings(url)
    rates = {}
    for name, spec, path, headers in (
            ("bare Flask JSON hello-world", "bench.progress:hello", "/", {}),
            ("GET /api/v1/progress?days=365", "tracker:create_app()", "/api/v1/progress?days=365",
             {"Authorization": f"Bearer {token}"})):
        proc, base = serve(spec, env)
        try:
            requests.get(base + path, headers=headers, timeout=10).raise_for_status()  # warm
            rates[name] = wrk(base + path, headers)
        finally:
            proc.terminate()  # graceful: idle keep-alive workers exit without a traceback
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    hello_rate, progress_rate = rates.values()
    ratio = progress_rate / hello_rate
    print(f"  gunicorn, 2 sync workers, wrk -t2 -c8 -d{WRK_SECONDS}s:")
    for name, rate in rates.items():
        print(f"    {name:32} {rate:8.0f} req/s")
    print(f"    ratio {ratio:.2f}x (target >= {TARGET_RATIO}x: {'met' if ratio >= TARGET_RATIO else 'MISSED'})")
    return ratio


def page_weight(url: str, login_id: str) -> float:
    app = create_app({"ENV": "production", "DATABASE_URL": url, "SECRET_KEY": "bench-only",
                      "SESSION_COOKIE_SECURE": False, "SCHEDULER": "off"})
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = login_id
    html = client.get("/progress")
    assert html.status_code == 200
    text = html.get_data(as_text=True)
    # Stylesheets, scripts and the uPlot module progress.js loads (data-uplot).
    assets = re.findall(r'(?:href|src|data-uplot)="(/static/[^"]+)"', text)
    parts = {"/progress (HTML)": html.data}
    for path in dict.fromkeys(assets):
        parts[path] = client.get(path).data
    parts["/api/v1/progress?days=30 (JSON)"] = client.get("/api/v1/progress?days=30").data
    print("  first load of /progress (30 days), gzip level 6:")
    total = 0
    for name, data in parts.items():
        size = len(gzip.compress(data, 6))
        total += size
        print(f"    {name:42} {len(data) / 1024:7.1f} KB raw {size / 1024:7.1f} KB gzip")
    kb = total / 1024
    print(f"    {'total':42} {'':15} {kb:7.1f} KB gzip "
          f"(target <= {TARGET_KB} KB: {'met' if kb <= TARGET_KB else 'MISSED'})")
    return kb


def main() -> int:
    if not (ROOT / "static" / "vendor" / "uplot" / "uPlot.min.js").exists():
        print("static/vendor/ is missing: run `make vendor` first", file=sys.stderr)
        return 1
    print(f"Backstretch progress bench: {DAYS} days, python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, {dt.date.today()}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        start = time.perf_counter()
        token, login_id = prepare(url)
        print(f"  seeded in {time.perf_counter() - start:.0f} s (SQLite, WAL)")
        in_process(url, token)
        under_gunicorn(url, token)
        page_weight(url, login_id)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
