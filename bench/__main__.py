"""``make bench``: the app under gunicorn (gunicorn.conf.py: 2 gthread workers) against a
bare Flask hello-world served the same way, driven by wrk (or bench/pyload.py) from a second
process, on SQLite and on a throwaway PostgreSQL database; as a reference for the
write, a bare Flask-SQLAlchemy one-row insert (bench/minimal_insert.py) takes the same
POSTs on the same database. One table per database:
req/s, p50, p99, errors, worker CPU per request (from /proc/<pid>/stat of the
workers, before and after) and the req/s ratio to hello-world. Afterwards it checks
that every acknowledged write is in the database exactly once, shows how Today and the
session list cost grow with 30, 365 and 1,825 days of history (Today, the log form,
progress and the session list also with the per-person caches off: the first read
after a write), and times ``create_app()`` in fresh processes.

    make bench                                  # SQLite and PostgreSQL, 5 s per row
    BENCH_DURATION=15 BENCH_REPEAT=3 make bench # the issue's method: medians of 3
    BENCH_PG_URL= make bench                    # SQLite only
    BENCH_LOADGEN=python make bench             # without wrk
    BENCH_BASELINE=/tmp/old make bench          # also an older checkout, row by row

Knobs: BENCH_DURATION (s per row, 5), BENCH_GROWTH_DURATION (s per growth row, 3),
BENCH_REPEAT (runs per row, median taken, 1), BENCH_CONNECTIONS (32),
BENCH_PG_URL (a PostgreSQL server URL whose user may CREATE DATABASE; the bench makes
and drops its own database there; default postgres@127.0.0.1:5432),
BENCH_BASELINE (the folder of another checkout, e.g. from ``git archive``: each row
is measured for it right after this checkout, on the same database and under the same
load from elsewhere on the machine, so "before" and "after" compare fairly).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import importlib.util
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench import load
from bench.procs import cpu_seconds, gunicorn_workers, pg_backends

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DURATION = float(os.environ.get("BENCH_DURATION", "5"))
GROWTH_DURATION = float(os.environ.get("BENCH_GROWTH_DURATION", "3"))
REPEAT = min(int(os.environ.get("BENCH_REPEAT", "1")), 16)  # a hex digit of the POSTs' ids
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
HISTORIES = (30, 365, 1825)
SECRET = "bench-secret-not-for-production"
BASELINE = os.environ.get("BENCH_BASELINE", "")
# Reads served from the per-person caches (tracker.person_caches) on a repeat visit; the
# bench measures them with the caches off too.
CACHED = ("/", "/log", "/api/v1/progress?days=365", "/api/v1/sessions?per_page=50")


@dataclass
class Row:
    name: str
    load: load.Load
    cpu_ms: float  # gunicorn workers, per request
    db_ms: float | None = None  # PostgreSQL backends, per request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py -w 2`` serving ``target`` until the with-block ends."""

    def __init__(self, target: str, env: dict[str, str] | None = None, cwd: Path = ROOT):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The project's gunicorn.conf.py (the README's deployment: the app built once in
        # the master, workers forked from it) for every server of the run, with 2 workers.
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "-w", "2",
             "-b", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "--no-control-socket", target],
            cwd=cwd, env={**os.environ, "TRACKER_RATELIMIT_ENABLED": "false", **(env or {})})

    def __enter__(self) -> "Gunicorn":
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    pass
                if len(gunicorn_workers(self.proc.pid)) == 2:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.proc.terminate()
        self.proc.wait(timeout=30)


def warm(url: str, headers: dict[str, str], body_of=None, n: int = 40) -> None:  # noqa: ANN001
    """A few requests so both workers have imported and compiled everything."""
    for _ in range(n):
        data = body_of() if body_of else None
        req = urllib.request.Request(url, data=data, headers={
            "User-Agent": load.UA, **headers,
            **({"Content-Type": "application/json"} if data else {})})
        with urllib.request.urlopen(req, timeout=30) as response:
            response.read()


def measure(name: str, server: Gunicorn, path: str, headers: dict[str, str],
            seconds: float = DURATION, post: dict | None = None, pg=None) -> Row:  # noqa: ANN001
    """The median run of REPEAT (by req/s), with worker and database CPU per request.
    ``post``: each run sends client_ids of its own (the prefix's last digit is the
    run's), so no run replays another's; the acknowledged ids of all runs end up in
    the "ids" file."""
    runs = []
    for run in range(REPEAT):
        workers = gunicorn_workers(server.proc.pid)
        backends = pg() if pg else []
        before, db_before = cpu_seconds(workers), cpu_seconds(backends)
        this = post and {**post, "prefix": post["prefix"][:7] + format(run, "x"),
                         "ids": f"{post['ids']}.{run}"}
        result = load.run(server.url + path, seconds, CONNECTIONS, headers, this)
        if post:
            with open(post["ids"], "a") as acknowledged:
                acknowledged.write(" " + Path(this["ids"]).read_text())
        cpu, db_cpu = cpu_seconds(workers) - before, cpu_seconds(backends) - db_before
        per = 1000 / max(result.requests, 1)
        runs.append(Row(name, result, cpu * per, db_cpu * per if pg else None))
    runs.sort(key=lambda r: r.load.rate)
    return runs[len(runs) // 2]


def print_table(title: str, rows: list[Row], floor: Row) -> None:
    """``ratio``: req/s over hello-world's req/s. ``CPU ratio``: hello-world's worker
    CPU per request over this row's, which other load on the machine disturbs less."""
    print(f"\n{title}")
    print(f"  {'request':52} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
          f"{'CPU ms/req':>10} {'DB ms/req':>9} {'ratio':>7} {'CPU ratio':>9}")
    for r in rows:
        db_ms = f"{r.db_ms:9.2f}" if r.db_ms is not None else f"{'':9}"
        print(f"  {r.name:52} {r.load.rate:7.0f} {r.load.p50_ms:7.1f} {r.load.p99_ms:7.1f} "
              f"{r.load.errors:6d} {r.cpu_ms:10.2f} {db_ms} {r.load.rate / floor.load.rate:6.3f}x "
              f"{floor.cpu_ms / max(r.cpu_ms, 1e-9):8.3f}x")


# ---------------------------------------------------------------- data


def prepare(url: str) -> dict:
    """Migrate ``url`` and make the bench people: one per history length (with an API
    token and a signed-in cookie) and a writer with no history for the POSTs, each
    with the warning-signs check answered."""
    from flask import g, session
    from flask_login import login_user
    from flask_migrate import upgrade
    from flask_wtf.csrf import generate_csrf

    from tracker import create_app
    from tracker.auth import service as auth_service
    from tracker.db_types import utcnow
    from tracker.extensions import db
    from tracker.logbook.demo import seed

    app = create_app({"ENV": "production", "DATABASE_URL": url, "SECRET_KEY": SECRET,
                      "SCHEDULER": "off", "RATELIMIT_ENABLED": False})
    people = {}
    with app.app_context():
        upgrade()
        for days in (*HISTORIES, 0):
            user = auth_service.register(f"bench-{days}@example.com", "bench password 123",
                                         "Europe/Berlin")
            if days:
                seed(user, days, utcnow())
            # As a person is after signing up: the warning-signs check answered ("none
            # of these"), so the pages show the log, not the short "answer the check
            # first" page. Set on the row, as any checkout (BENCH_BASELINE) stores it.
            user.red_flags, user.red_flags_answered_at = [], utcnow()
            _, token = auth_service.create_token(user, "bench")
            db.session.commit()
            # The cookie a browser would hold after signing in (with its CSRF token).
            with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                          headers={"User-Agent": load.UA}):
                login_user(user)
                g.pop("csrf_token", None)  # g outlives this request (the app context's)
                generate_csrf()
                cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
            people[days] = {"bearer": {"Authorization": f"Bearer {token}"},
                            "cookie": {"Cookie": f"session={cookie}"}}
        db.session.remove()
        db.engine.dispose()
    return people


def post_body() -> bytes:
    import json

    return json.dumps({
        "client_id": str(uuid.uuid4()), "performed_at": now_iso(),
        "pain_before": 5, "pain_after": 4,
        "entries": [{"stretch": "double-knee-to-chest"},
                    {"stretch": "slr-strap", "side": "left", "angle_deg": 45},
                    {"stretch": "slr-strap", "side": "right", "angle_deg": 70}]}).encode()


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def check_writes(url: str, prefix: str, ids_file: Path) -> str:
    """Every client_id wrk saw acknowledged (2xx) is stored exactly once, with its three
    entries; rows beyond those are requests still in flight when wrk stopped."""
    from sqlalchemy import create_engine, text

    acknowledged = ids_file.read_text().split()
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = dict(conn.execute(text(
            "SELECT s.client_id, count(DISTINCT s.id) * 10000 + count(e.id) "
            "FROM stretch_session s JOIN session_entry e ON e.session_id = s.id "
            "WHERE s.client_id LIKE :p GROUP BY s.client_id"), {"p": prefix + "%"}).all())
    engine.dispose()
    wrong = [i for i in acknowledged if stored.get(i) != 10003]
    extra = len(set(stored) - set(acknowledged))
    doubled = len(acknowledged) - len(set(acknowledged))
    verdict = "OK" if not wrong and not doubled else "FAILED"
    return (f"{verdict}: {len(acknowledged)} acknowledged writes, {len(wrong)} missing or "
            f"not exactly once, {doubled} acknowledged twice; {extra} stored but "
            f"unacknowledged (in flight when the load stopped, at most {CONNECTIONS} a run)")


# ---------------------------------------------------------------- runs


def bench_database(label: str, url: str, floor: Row, pg_name: str | None) -> None:
    people = prepare(url)
    env = {"TRACKER_ENV": "production", "TRACKER_DATABASE_URL": url,
           "TRACKER_SECRET_KEY": SECRET, "TRACKER_SCHEDULER": "off",
           "TRACKER_RATELIMIT_ENABLED": "false", "TRACKER_SESSION_COOKIE_SECURE": "false"}
    pg = (lambda: pg_backends(url, pg_name)) if pg_name else None
    year, writer = people[365], people[0]
    rows: list[Row] = []
    growth: list[Row] = []
    servers = [("", Gunicorn("tracker:create_app()", env))]
    if BASELINE:
        servers.append((" [baseline]", Gunicorn("tracker:create_app()", env, Path(BASELINE))))
    # The per-person caches off: what the first read after each write costs.
    uncached = Gunicorn("tracker:create_app()", {**env, "TRACKER_TODAY_CACHE_SIZE": "0",
                                                "TRACKER_PROGRESS_CACHE_SIZE": "0",
                                                "TRACKER_LIST_CACHE_SIZE": "0"})
    with contextlib.ExitStack() as stack:
        for _, server in servers:
            stack.enter_context(server)
        stack.enter_context(uncached)
        app = servers[0][1]
        has_progress = False
        try:
            warm(app.url + "/api/v1/progress?days=365", year["bearer"], n=1)
            has_progress = True
        except OSError:
            pass
        cases = [
            ("GET /healthz", "/healthz", {}),
            ("GET /api/v1/sessions (first page of 50, a year)", "/api/v1/sessions?per_page=50",
             year["bearer"]),
            ("GET / (Today, signed in, a year)", "/", year["cookie"]),
            ("GET /log (signed in, a year)", "/log", year["cookie"]),
        ]
        if has_progress:
            cases.append(("GET /api/v1/progress?days=365 (a year)", "/api/v1/progress?days=365",
                          year["bearer"]))
        for name, path, headers in cases:
            for tag, server in servers:
                warm(server.url + path, headers)
                rows.append(measure(name + tag, server, path, headers, pg=pg))
            if path in CACHED:
                warm(uncached.url + path, headers)
                rows.append(measure(name + " [caches off]", uncached, path, headers, pg=pg))
        # Growth with history: reads only, before the writes below add to today.
        for days in HISTORIES:
            person = people[days]
            for name, path, headers in [
                    (f"GET / (Today), {days} days", "/", person["cookie"]),
                    (f"GET /api/v1/sessions (50), {days} days", "/api/v1/sessions?per_page=50",
                     person["bearer"])] + ([(f"GET /api/v1/progress?days=365, {days} days",
                                             "/api/v1/progress?days=365", person["bearer"])]
                                           if has_progress else []):
                for tag, server in servers + ([(" [caches off]", uncached)]
                                              if path in CACHED else []):
                    warm(server.url + path, headers, n=10)
                    growth.append(measure(name + tag, server, path, headers, GROWTH_DURATION,
                                          pg=pg))
        verdicts = []
        with tempfile.TemporaryDirectory() as tmp:
            for i, (tag, server) in enumerate(servers):
                warm(server.url + "/api/v1/sessions", writer["bearer"], body_of=post_body)
                prefix = uuid.uuid4().hex[:7]  # measure() adds each run's digit
                ids = Path(tmp) / f"ids{i}"
                rows.insert(len(servers) + i, measure(
                    "POST /api/v1/sessions (bearer, 3 entries)" + tag, server,
                    "/api/v1/sessions", writer["bearer"], pg=pg,
                    post={"prefix": prefix, "now": now_iso(), "ids": str(ids)}))
                verdicts.append(f"{tag.strip() or 'this checkout'}: " + check_writes(url, prefix, ids))
    rows.insert(2 * len(servers), minimal_insert(url))
    print_table(f"{label} (hello-world: {floor.load.rate:.0f} req/s, {floor.cpu_ms:.2f} ms CPU/req)",
                rows, floor)
    for verdict in verdicts:
        print(f"  writes, {verdict}")
    print_table(f"{label}: cost with history length", growth, floor)


def minimal_insert(url: str) -> Row:
    """The reference write (bench/minimal_insert.py) on the same database."""
    from bench.minimal_insert import make_table

    make_table(url)
    with Gunicorn("bench.minimal_insert:app", {"BENCH_MINIMAL_DB": url}) as server, \
            tempfile.TemporaryDirectory() as tmp:
        post = {"prefix": uuid.uuid4().hex[:7], "now": now_iso(), "ids": str(Path(tmp) / "ids")}
        warm(server.url + "/", {}, body_of=post_body)
        return measure("POST, bare Flask-SQLAlchemy one-row insert [reference]", server, "/",
                       {}, post=post)


def bench_hello() -> Row:
    with Gunicorn("bench.hello:app") as hello:
        warm(hello.url + "/", {})
        return measure("bare Flask hello-world", hello, "/", {})


START = "from tracker import create_app; create_app()"


def start_time(cwd: Path = ROOT, code: str = START, runs: int = 9) -> tuple[float, float]:
    """Median (wall, CPU) milliseconds of ``code`` (by default: from the first import
    to a built app) in fresh processes, with the app's bytecode compiled first
    (``compileall``), as an installed app has it: a machine that sets
    PYTHONDONTWRITEBYTECODE would otherwise compile every module of ours at each start."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "tracker", "config.py"],
                   cwd=cwd, check=True)
    timed = ("import time; t, c = time.perf_counter(), time.process_time(); " + code +
             "; print((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000)")
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TRACKER_ENV": "production", "TRACKER_SCHEDULER": "off",
               "TRACKER_SECRET_KEY": SECRET,
               "TRACKER_DATABASE_URL": f"sqlite:///{Path(tmp) / 'app.db'}"}
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", timed], env=env, cwd=cwd, check=True,
                                 capture_output=True, text=True).stdout
            wall, cpu = out.strip().splitlines()[-1].split()
            times.append((float(wall), float(cpu)))
    return (statistics.median(w for w, _ in times), statistics.median(c for _, c in times))


def pg_database(server_url: str) -> tuple[str, str] | None:
    """A throwaway database on the PostgreSQL server (never an existing one)."""
    from sqlalchemy import create_engine, text

    if not server_url:
        return None
    name = f"backstretch_bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:  # noqa: BLE001 - report and go on with SQLite only
        print(f"\nPostgreSQL at {server_url}: unavailable ({type(exc).__name__}), skipped")
        return None
    return server_url.rsplit("/", 1)[0] + "/" + name, name


def drop_pg(server_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def others() -> None:
    """The feature benches other issues add (bench/progress.py, bench/reminders.py,
    bench/cluster.py: the nginx + two web nodes + two schedulers cluster)."""
    for name in ("progress", "reminders", "cluster"):
        if importlib.util.find_spec(f"bench.{name}") is not None:
            module = importlib.import_module(f"bench.{name}")
            if hasattr(module, "main"):
                print(f"\n== bench/{name}.py")
                module.main()


def main() -> int:
    started = time.monotonic()
    print(f"Backstretch bench {dt.date.today()}: {os.cpu_count()} cores, {platform.machine()}, "
          f"Python {platform.python_version()}, gunicorn -c gunicorn.conf.py -w 2 (gthread), load by "
          f"{load.generator()} with {CONNECTIONS} connections, {DURATION:g} s per row, "
          f"median of {REPEAT}")
    hello = floor = bench_hello()
    print(f"\nbare Flask hello-world: {floor.load.rate:.0f} req/s, p50 {hello.load.p50_ms:.1f} ms, "
          f"p99 {hello.load.p99_ms:.1f} ms, {hello.load.errors} errors, "
          f"worker CPU {hello.cpu_ms:.2f} ms/req")
    with tempfile.TemporaryDirectory() as tmp:
        bench_database("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", floor, None)
    made = pg_database(PG_URL)
    if made:
        url, name = made
        try:
            bench_database("PostgreSQL", url, floor, name)
        finally:
            drop_pg(PG_URL, name)
    flask_wall, flask_cpu = start_time(code="import flask")
    print(f"\nbare `import flask` in a fresh process, median of 9: {flask_wall:.0f} ms wall, "
          f"{flask_cpu:.0f} ms CPU")
    for tag, folder in [("", ROOT)] + ([(" [baseline]", Path(BASELINE))] if BASELINE else []):
        wall, cpu = start_time(folder)
        print(f"\ncreate_app(){tag} in a fresh process (imports included, bytecode compiled), "
              f"median of 9: {wall:.0f} ms wall, {cpu:.0f} ms CPU; "
              f"{wall / flask_wall:.2f}x / {cpu / flask_cpu:.2f}x a bare `import flask`")
    others()
    print(f"\nbench took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
