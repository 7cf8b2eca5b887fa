"""Request latency of the log book, in-process through the whole Flask stack, and
concurrent session writes over real HTTP, on SQLite and (when reachable) PostgreSQL.

Every figure is printed with its ratio to a baseline measured in the same run
(``GET /healthz``: routing, the security headers and one database round trip), so
numbers from different machines can be compared by their ratios.

    make bench                      # SQLite, plus PostgreSQL at 127.0.0.1:5432/test
    BENCH_PG_URL= make bench        # SQLite only
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from tracker import create_app
from tracker.auth import service as auth_service
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.logbook.demo import seed

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DAYS = int(os.environ.get("BENCH_DAYS", "180"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))


def session_body() -> dict:
    return {"client_id": str(uuid.uuid4()), "performed_at": utcnow().isoformat(),
            "pain_before": 5, "pain_after": 4,
            "entries": [{"stretch": "double-knee-to-chest"},
                        {"stretch": "slr-strap", "side": "left", "angle_deg": 45},
                        {"stretch": "slr-strap", "side": "right", "angle_deg": 70},
                        {"stretch": "supine-hamstring", "side": "left"},
                        {"stretch": "supine-hamstring", "side": "right"}]}


def timed(fn, rounds: int) -> list[float]:
    for _ in range(min(10, rounds)):
        fn()  # warm-up
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def prepare(url: str):
    app = create_app({"ENV": "production", "DATABASE_URL": url, "SECRET_KEY": "bench",
                      "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        user = auth_service.register(f"bench-{uuid.uuid4().hex[:6]}@example.com",
                                     "bench password 123", "Europe/Berlin")
        db.session.commit()
        seed(user, DAYS, utcnow())
        db.session.commit()
        _, token = auth_service.create_token(user, "bench")
        db.session.commit()
        login_id = user.get_id()
    return app, token, login_id


def in_process(app, token: str, login_id: str) -> None:
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    pages = app.test_client()
    with pages.session_transaction() as sess:
        sess["_user_id"] = login_id
    # Reads first: the writes below add hundreds of sessions to today, which would
    # inflate the today and history pages far beyond a real person's day.
    cases = {
        "GET /healthz (baseline)": lambda: api.get("/healthz"),
        "GET /api/v1/sessions (50 per page)": lambda: api.get("/api/v1/sessions?per_page=50", headers=bearer),
        "GET /api/v1/checkins (50 per page)": lambda: api.get("/api/v1/checkins?per_page=50", headers=bearer),
        "GET / (today page)": lambda: pages.get("/"),
        "GET /log (log form)": lambda: pages.get("/log"),
        "GET /history (30 days)": lambda: pages.get("/history"),
        "POST /api/v1/sessions (5 entries)": lambda: api.post("/api/v1/sessions", json=session_body(), headers=bearer),
        "POST /api/v1/sessions replay": (lambda body: lambda: api.post("/api/v1/sessions", json=body, headers=bearer))(session_body()),
    }
    results = {}
    for name, fn in cases.items():
        response = fn()
        assert response.status_code < 300, (name, response.status_code, response.data[:300])
        results[name] = timed(fn, ROUNDS)
    base = statistics.median(results["GET /healthz (baseline)"])
    print(f"  {'request':40} {'p50 ms':>8} {'p95 ms':>8} {'x baseline':>11}")
    for name, samples in results.items():
        p50 = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[18]
        print(f"  {name:40} {p50:8.2f} {p95:8.2f} {p50 / base:11.1f}")


def over_http(app, token: str, threads: int = 8, total: int = 400) -> None:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    worker = threading.Thread(target=server.serve_forever, daemon=True)
    worker.start()
    url = f"http://127.0.0.1:{server.server_port}"
    http = requests.Session()
    http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=threads))
    bearer = {"Authorization": f"Bearer {token}"}

    def run(fn) -> tuple[float, list[int]]:
        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            codes = list(pool.map(lambda _i: fn().status_code, range(total)))
        return total / (time.perf_counter() - start), codes

    base_rate, _ = run(lambda: http.get(f"{url}/healthz"))
    write_rate, codes = run(lambda: http.post(f"{url}/api/v1/sessions", json=session_body(), headers=bearer))
    body = session_body()
    replay_rate, replay_codes = run(lambda: http.post(f"{url}/api/v1/sessions", json=body, headers=bearer))
    server.shutdown()
    bad = [c for c in codes if c != 201]
    print(f"  {threads} threads, {total} requests each, real HTTP:")
    print(f"    GET /healthz (baseline)          {base_rate:8.0f} req/s")
    print(f"    POST /api/v1/sessions            {write_rate:8.0f} req/s  ({write_rate / base_rate:.2f} x baseline; non-201: {len(bad)})")
    print(f"    same client_id replayed          {replay_rate:8.0f} req/s  (201: {replay_codes.count(201)}, 200: {replay_codes.count(200)})")


def pg_available(url: str) -> bool:
    if not url:
        return False
    try:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001
        return False


def fresh_pg(url: str) -> str:
    """A throwaway database beside ``url``'s, so the bench never touches test data."""
    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def drop_pg(url: str, bench_url: str) -> None:
    name = bench_url.rsplit("/", 1)[1]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> int:
    print(f"Backstretch bench: {DAYS} days of demo data, {ROUNDS} rounds per request, "
          f"python {sys.version.split()[0]}, {dt.date.today()}")
    with tempfile.TemporaryDirectory() as tmp:
        print("\nSQLite (WAL, file)")
        app, token, login_id = prepare(f"sqlite:///{Path(tmp) / 'bench.db'}")
        in_process(app, token, login_id)
        over_http(app, token)
        with app.app_context():
            db.engine.dispose()
    if pg_available(PG_URL):
        bench_url = fresh_pg(PG_URL)
        try:
            print("\nPostgreSQL")
            app, token, login_id = prepare(bench_url)
            in_process(app, token, login_id)
            over_http(app, token)
            with app.app_context():
                db.engine.dispose()
        finally:
            drop_pg(PG_URL, bench_url)
    else:
        print("\nPostgreSQL: not reachable, skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
