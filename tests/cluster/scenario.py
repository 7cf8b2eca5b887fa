"""What the cluster test (tests/cluster/test_cluster.py, short) and the cluster bench
(bench/cluster.py, long) do against a cluster from scripts/cluster.py: people signed
up through nginx, mixed load from one thread per person (with a web node killed
mid-load if asked), the exactly-once check of every acknowledged write, and due
reminders put straight into the database for the schedulers, delivered to a
tests/push_receiver.py receiver that names which process sent each push.

Every request goes over real HTTP to real processes; nothing is mocked.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from sqlalchemy import create_engine, text

from scripts.cluster import BIN, ROOT, Cluster
from tests.push_receiver import Device, PushReceiver, socket_owner

PASSWORD = "cluster password 123"
UTC = dt.timezone.utc

# Settings every cluster of the test and the bench runs with: registration is
# limited per client address, and every person here comes from 127.0.0.1.
CLUSTER_ENV = {
    "TRACKER_AUTH_RATE_LIMIT": "100000 per minute",
    "TRACKER_PUSH_ENDPOINT_HOSTS": "127.0.0.1",  # the local push receiver
    "TRACKER_PUSH_TIMEOUT": "60",  # a held receiver must not time the sender out
    "TRACKER_REMINDER_BATCH": "50",  # two schedulers interleave their claims
}


def now_iso() -> str:
    return dt.datetime.now(UTC).replace(microsecond=0).isoformat()


# ---------------------------------------------------------------- people


@dataclass
class Person:
    email: str
    http: requests.Session
    csrf: str = ""

    def headers(self) -> dict:
        return {"X-CSRF-Token": self.csrf}


def sign_up(url: str, n: int, tag: str) -> Person:
    """A person as the web app makes one: the CSRF token, POST /api/v1/auth/register
    (which signs in), a fresh token for the new session, the warning-signs check
    answered "none of these" (the /safety form), and one reminder (12 hours away, so
    it never fires during the run)."""
    http = requests.Session()
    http.headers["User-Agent"] = "backstretch-cluster-test"
    person = Person(f"cluster-{tag}-{n}@example.com", http)
    person.csrf = http.get(url + "/api/v1/auth/csrf", timeout=30).json()["csrf_token"]
    answer = http.post(url + "/api/v1/auth/register", headers=person.headers(), timeout=60,
                       json={"email": person.email, "password": PASSWORD, "timezone": "UTC"})
    assert answer.status_code == 201, (answer.status_code, answer.text[:300])
    person.csrf = http.get(url + "/api/v1/auth/csrf", timeout=30).json()["csrf_token"]
    answer = http.post(url + "/safety", headers=person.headers(), data={"none_apply": "1"},
                       allow_redirects=False, timeout=30)
    assert answer.status_code in (302, 303), (answer.status_code, answer.text[:300])
    later = (dt.datetime.now(UTC) + dt.timedelta(hours=12)).strftime("%H:%M")
    answer = http.post(url + "/api/v1/reminders", headers=person.headers(), timeout=30,
                       json={"time": later, "message": "cluster"})
    assert answer.status_code == 201, (answer.status_code, answer.text[:300])
    return person


def sign_up_many(url: str, count: int, tag: str, threads: int = 8) -> list[Person]:
    people: list[Person | None] = [None] * count
    errors: list[BaseException] = []

    def work(indexes: range) -> None:
        for i in indexes:
            try:
                people[i] = sign_up(url, i, tag)
            except BaseException as exc:  # noqa: BLE001 - re-raised below
                errors.append(exc)
                return

    workers = [threading.Thread(target=work, args=(range(k, count, threads),))
               for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]
    return people  # type: ignore[return-value]


# ---------------------------------------------------------------- mixed load


def session_body(client_id: str) -> dict:
    return {"client_id": client_id, "performed_at": now_iso(), "pain_before": 5,
            "pain_after": 4,
            "entries": [{"stretch": "double-knee-to-chest"},
                        {"stretch": "slr-strap", "side": "left", "angle_deg": 45},
                        {"stretch": "slr-strap", "side": "right", "angle_deg": 70}]}


def checkin_body(client_id: str) -> dict:
    return {"client_id": client_id, "recorded_at": now_iso(), "score": 3, "context": "other"}


# (name, weight, method, path, body maker or None)
MIX = [
    ("POST session", 20, "POST", "/api/v1/sessions", session_body),
    ("POST check-in", 10, "POST", "/api/v1/checkins", checkin_body),
    ("GET sessions", 15, "GET", "/api/v1/sessions", None),
    ("GET check-ins", 5, "GET", "/api/v1/checkins", None),
    ("GET progress", 10, "GET", "/api/v1/progress?days=30", None),
    ("GET reminders", 10, "GET", "/api/v1/reminders", None),
    ("GET / (Today)", 15, "GET", "/", None),
    ("GET /progress", 15, "GET", "/progress?days=30", None),
]


@dataclass
class LoadResult:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, every answered request
    by_kind: Counter = field(default_factory=Counter)
    errors: int = 0  # requests that failed for good (after the retries)
    failed_tries: int = 0  # attempts that failed and were retried
    statuses: Counter = field(default_factory=Counter)  # of failed attempts
    acked: dict[str, list[str]] = field(default_factory=lambda: {"session": [], "checkin": []})
    error_samples: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    def summary(self) -> str:
        rate = self.requests / self.seconds if self.seconds else 0
        return (f"{self.requests} requests in {self.seconds:.1f} s ({rate:.0f}/s), "
                f"{self.errors} errors, p50 {self.percentile(50):.0f} ms, "
                f"p95 {self.percentile(95):.0f} ms, p99 {self.percentile(99):.0f} ms; "
                f"{sum(len(v) for v in self.acked.values())} writes acknowledged; "
                f"{self.failed_tries} attempts retried"
                + (f" ({dict(self.statuses)})" if self.statuses else ""))


def run_load(url: str, people: list[Person], seconds: float, retries: int = 0,
             during: Callable[[], None] | None = None, during_at: float = 0.0,
             seed: int = 1) -> LoadResult:
    """One thread per person for ``seconds``, each picking from MIX at random. A write
    carries a fresh client_id; with ``retries`` a failed attempt (no answer, or a 5xx)
    is sent again with the same client_id (and the same body), as the app's offline
    queue does; a failed read is asked again. ``during`` runs once after ``during_at``
    seconds (e.g. a web node killed)."""
    result = LoadResult()
    lock = threading.Lock()
    stop = threading.Event()
    weights = [w for _, w, *_ in MIX]

    def one(person: Person, rng: random.Random) -> None:
        name, _w, method, path, body_of = rng.choices(MIX, weights)[0]
        client_id = str(uuid.uuid4())
        body = body_of(client_id) if body_of else None
        for attempt in range(retries + 1):
            began = time.perf_counter()
            problem = None
            try:
                answer = person.http.request(method, url + path, json=body, timeout=30,
                                             headers=person.headers() if body else None,
                                             allow_redirects=False)
                answer.content  # noqa: B018 - read it all
                status = answer.status_code
                if not 200 <= status < 300:  # a redirect (to sign-in, to the check) too
                    problem = f"{name}: {status} {answer.text[:120]!r}"
            except requests.RequestException as exc:
                status, problem = type(exc).__name__, f"{name}: {type(exc).__name__}: {exc}"
            took = time.perf_counter() - began
            with lock:
                if problem is None:
                    result.latencies.append(took)
                    result.by_kind[name] += 1
                    if body is not None:
                        result.acked["session" if "session" in name else "checkin"].append(client_id)
                    return
                retriable = not isinstance(status, int) or status >= 500
                if attempt < retries and retriable:
                    result.failed_tries += 1
                    result.statuses[str(status)] += 1
                else:
                    result.errors += 1
                    if len(result.error_samples) < 10:
                        result.error_samples.append(problem)
                    return
            time.sleep(0.2 * (attempt + 1))

    def worker(person: Person, n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        while not stop.is_set():
            one(person, rng)

    threads = [threading.Thread(target=worker, args=(p, n), daemon=True)
               for n, p in enumerate(people)]
    began = time.monotonic()
    for t in threads:
        t.start()
    if during is not None:
        time.sleep(during_at)
        during()
    time.sleep(max(0.0, seconds - (time.monotonic() - began)))
    stop.set()
    for t in threads:
        t.join(timeout=120)
    result.seconds = time.monotonic() - began
    return result


def check_writes(database_url: str, acked: dict[str, list[str]]) -> dict:
    """Acknowledged writes: each stored exactly once (a session with its 3 entries)."""
    engine = create_engine(database_url)
    found: dict[str, Counter] = {}
    entries_wrong = 0
    with engine.connect() as conn:
        for kind, table in (("session", "stretch_session"), ("checkin", "checkin")):
            ids = acked[kind]
            if not ids:
                found[kind] = Counter()
                continue
            rows = conn.execute(text(
                f"SELECT client_id::text, count(*) FROM {table} "
                f"WHERE client_id::text = ANY(:ids) GROUP BY client_id"), {"ids": ids}).all()
            found[kind] = Counter({str(k): n for k, n in rows})
        if acked["session"]:
            entries_wrong = conn.execute(text(
                "SELECT count(*) FROM (SELECT s.id FROM stretch_session s "
                "LEFT JOIN session_entry e ON e.session_id = s.id "
                "WHERE s.client_id::text = ANY(:ids) GROUP BY s.id HAVING count(e.id) <> 3) x"),
                {"ids": acked["session"]}).scalar()
    engine.dispose()
    all_acked = acked["session"] + acked["checkin"]
    stored = found["session"] + found["checkin"]
    return {"acked": len(all_acked),
            "lost": sum(1 for i in all_acked if stored[i] == 0),
            "duplicates": sum(n - 1 for n in stored.values() if n > 1)
            + (len(all_acked) - len(set(all_acked))),
            "entries_wrong": entries_wrong}


# ---------------------------------------------------------------- reminders


def seed_reminders(database_url: str, receiver: PushReceiver, count: int, tag: str,
                   fire_at: dt.datetime) -> dict[int, Device]:
    """``count`` people, each with one device at ``receiver`` and one daily reminder
    due at ``fire_at`` (a whole minute, UTC), inserted in bulk straight into the
    cluster's database (the point is dispatch, not sign-up): {reminder id: device}."""
    from sqlalchemy import insert

    from tracker.auth.models import User
    from tracker.reminders.models import PushSubscription, Reminder

    created = fire_at - dt.timedelta(hours=1)
    hhmm = fire_at.strftime("%H:%M")
    devices = [Device(f"{tag}-{n}") for n in range(count)]
    engine = create_engine(database_url)
    with engine.begin() as conn:
        user_ids = list(conn.execute(insert(User.__table__).returning(User.__table__.c.id), [
            {"email": f"{tag}-{n}@example.com", "password_hash": "x", "timezone": "UTC",
             "created_at": created, "red_flags": [], "red_flags_answered_at": created}
            for n in range(count)]).scalars())
        conn.execute(insert(PushSubscription.__table__), [
            {"user_id": uid, "endpoint": receiver.add(d), "p256dh": d.p256dh,
             "auth": d.subscription("")["keys"]["auth"], "created_at": created,
             "consecutive_failures": 0} for uid, d in zip(user_ids, devices)])
        reminder_ids = list(conn.execute(insert(Reminder.__table__).returning(
            Reminder.__table__.c.id, Reminder.__table__.c.user_id), [
            {"user_id": uid, "time": hhmm, "weekdays": list(range(7)), "timezone": "UTC",
             "enabled": True, "skip_if_logged": False, "message": "", "next_fire_at": fire_at,
             "created_at": created, "updated_at": created} for uid in user_ids]).all())
    engine.dispose()
    by_user = dict(zip(user_ids, devices))
    return {rid: by_user[uid] for rid, uid in reminder_ids}


def deliveries(database_url: str, reminder_ids: list[int]) -> list[dict]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT reminder_id, occurrence_key, status, reason, claims, claimed_at "
            "FROM reminder_delivery WHERE reminder_id = ANY(:ids)"),
            {"ids": reminder_ids}).mappings().all()
    engine.dispose()
    return [dict(r) for r in rows]


def next_tick(after: dt.datetime | None = None) -> dt.datetime:
    """When the schedulers' dispatch job runs next (second 5 of each minute, UTC)."""
    after = after or dt.datetime.now(UTC)
    tick = after.replace(second=5, microsecond=0)
    return tick if tick > after else tick + dt.timedelta(minutes=1)


def wait_until(what: Callable[[], bool], timeout: float, step: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return True
        time.sleep(step)
    return what()


class Senders:
    """Names the process behind each push the receiver gets: the schedulers' pids (and
    any ``flask reminders dispatch`` started later) matched to the socket's owner."""

    def __init__(self, receiver: PushReceiver):
        self.receiver = receiver
        self.names: dict[int, str] = {}
        receiver.identify = self.identify

    def add(self, pid: int, name: str) -> None:
        self.names[pid] = name

    def identify(self, client: tuple) -> str:
        pid = socket_owner(client, self.receiver.server.server_port, list(self.names))
        return self.names.get(pid, f"unknown pid {pid}")


def split(records: list, devices: set[str]) -> Counter:
    """Pushes answered 201 per sending process, among ``devices``."""
    return Counter(r.peer for r in records if r.device in devices and r.answered == 201)


def exactly_once(records: list, devices: set[str]) -> dict:
    """Per device, how many pushes it got answered 201 (the occurrence delivered)."""
    got = Counter(r.device for r in records if r.device in devices and r.answered == 201)
    problems = [r.problem for r in records if r.device in devices and r.problem]
    return {"devices": len(devices), "delivered_once": sum(1 for d in devices if got[d] == 1),
            "missing": sum(1 for d in devices if got[d] == 0),
            "duplicates": sum(got[d] - 1 for d in devices if got[d] > 1),
            "problems": problems[:5]}


def last_line(text_: str) -> str:
    lines = text_.strip().splitlines()
    return lines[-1][:300] if lines else ""


def as_json(data: object) -> str:
    return json.dumps(data, default=str, sort_keys=True)


# ---------------------------------------------------------------- the parts


def fresh_reads(person: Person, one: str, two: str, rounds: int = 3, reads: int = 4) -> int:
    """Writes through one node read through the other, straight at the nodes' ports,
    after the reading node's workers have cached the person's list: each read must show
    the write (AssertionError if not). The number of fresh reads."""
    for _ in range(6):  # each worker of node 2 caches the person's list and progress
        assert person.http.get(two + "/api/v1/sessions", timeout=30).status_code == 200
        assert person.http.get(two + "/api/v1/progress?days=30", timeout=30).status_code == 200
    fresh = 0
    for _ in range(rounds):
        before = person.http.get(two + "/api/v1/sessions", timeout=30).json()["meta"]["total"]
        client_id = str(uuid.uuid4())
        made = person.http.post(one + "/api/v1/sessions", json=session_body(client_id),
                                headers=person.headers(), timeout=30)
        assert made.status_code == 201, made.text
        for _ in range(reads):  # whichever worker of node 2 answers
            listed = person.http.get(two + "/api/v1/sessions", timeout=30).json()
            assert listed["meta"]["total"] == before + 1, listed["meta"]
            assert listed["items"][0]["client_id"] == client_id
            item = person.http.get(f"{two}/api/v1/sessions/{made.json()['id']}", timeout=30)
            assert item.status_code == 200 and item.json()["client_id"] == client_id
            fresh += 1
        checkin = str(uuid.uuid4())
        assert person.http.post(two + "/api/v1/checkins", json=checkin_body(checkin),
                                headers=person.headers(), timeout=30).status_code == 201
        for _ in range(reads):
            items = person.http.get(one + "/api/v1/checkins", timeout=30).json()["items"]
            assert checkin in [c["client_id"] for c in items]
            fresh += 1
    return fresh


def _before_tick(margin: float) -> None:
    """Seed well before a tick: if the next one is nearer than ``margin`` seconds,
    let it pass first."""
    now = dt.datetime.now(UTC)
    left = (next_tick(now) - now).total_seconds()
    if left < margin:
        time.sleep(left + 0.5)


@dataclass
class Delivery:
    count: int
    seconds: float = 0.0  # from the tick to the last delivery recorded
    once: dict = field(default_factory=dict)
    by_process: Counter = field(default_factory=Counter)
    rows: list[dict] = field(default_factory=list)
    done: bool = False

    def summary(self) -> str:
        return (f"{self.count} due reminders: {self.once['delivered_once']} delivered exactly "
                f"once, {self.once['missing']} missing, {self.once['duplicates']} duplicates "
                f"in {self.seconds:.1f} s after the tick; by process: "
                f"{dict(sorted(self.by_process.items()))}; delivery rows: "
                f"{dict(Counter(r['status'] for r in self.rows))}")


def deliver_due(cluster: Cluster, receiver: PushReceiver, count: int, tag: str) -> Delivery:
    """``count`` reminders due now; wait for the schedulers' next tick and until each
    occurrence is recorded, then count what the receiver got, per device and per
    sending process."""
    _before_tick(4)
    fire = dt.datetime.now(UTC).replace(second=0, microsecond=0)
    made = seed_reminders(cluster.database_url, receiver, count, tag, fire)
    ids, devices = list(made), {d.name for d in made.values()}
    tick = next_tick()
    result = Delivery(count)
    result.done = wait_until(lambda: sum(r["status"] != "pending" for r in deliveries(
        cluster.database_url, ids)) == count, (tick - dt.datetime.now(UTC)).total_seconds() + 90,
        step=0.5)
    result.seconds = (dt.datetime.now(UTC) - tick).total_seconds()
    result.rows = deliveries(cluster.database_url, ids)
    with receiver.lock:
        records = list(receiver.received)
    result.once = exactly_once(records, devices)
    result.by_process = split(records, devices)
    return result


@dataclass
class LeaseRun:
    count: int
    victim: str
    survivor: str
    in_flight: int = 0  # the victim's pushes held at the receiver when it was killed
    stuck: set = field(default_factory=set)  # reminder ids left pending by the victim
    cli_output: str = ""
    cli_returncode: int | None = None
    lease_seconds: int = 300
    once: dict = field(default_factory=dict)
    by_process: Counter = field(default_factory=Counter)
    resent: list = field(default_factory=list)  # the receiver's records of the re-sends
    first: dict = field(default_factory=dict)  # device -> the victim's try
    same_topic_and_tag: int = 0
    rows: dict = field(default_factory=dict)  # reminder id -> delivery row
    device_of: dict = field(default_factory=dict)  # reminder id -> device name

    def summary(self) -> str:
        return (f"{self.victim} killed mid-batch with {self.in_flight} pushes in flight "
                f"({len(self.stuck)} claims left pending); {self.survivor} delivered "
                f"{self.by_process[self.survivor]}; `flask reminders dispatch --now "
                f"+{self.lease_seconds + 60}s`: {last_line(self.cli_output)!r}; re-sent "
                f"{len(self.resent)}, {self.same_topic_and_tag} with the first try's Topic and "
                f"tag; {self.once['delivered_once']} of {self.count} delivered exactly once, "
                f"{self.once['missing']} missing, {self.once['duplicates']} duplicates; rows "
                f"(status, claims): {dict(Counter((r['status'], r['claims']) for r in self.rows.values()))}")


def kill_mid_batch(cluster: Cluster, receiver: PushReceiver, senders: Senders, count: int,
                   tag: str, lease_seconds: int = 300, victim: str = "scheduler-1",
                   survivor: str = "scheduler-2") -> LeaseRun:
    """``count`` reminders due now while the receiver holds every answer: at the tick
    both schedulers claim a batch (committed) and hang sending it; ``victim`` is killed
    (SIGKILL) and the receiver let go; the survivor sends the rest; then ``flask
    reminders dispatch --now`` past the lease sends the victim's claims again."""
    run = LeaseRun(count, victim, survivor, lease_seconds=lease_seconds)
    receiver.hold()
    try:
        _before_tick(4)
        fire = dt.datetime.now(UTC).replace(second=0, microsecond=0)
        made = seed_reminders(cluster.database_url, receiver, count, tag, fire)
        ids, devices = list(made), {d.name for d in made.values()}
        run.device_of = {rid: d.name for rid, d in made.items()}
        tick = next_tick()

        def held_by() -> Counter:
            with receiver.lock:
                return Counter(r.peer for r in receiver.received
                               if r.device in devices and r.answered is None)

        both = wait_until(lambda: {victim, survivor} <= set(held_by()),
                          (tick - dt.datetime.now(UTC)).total_seconds() + 30)
        assert both, f"both schedulers should be sending: {held_by()}"
        # The victim's whole batch is in flight: its count of held pushes stops growing.
        held: list[int] = []

        def batch_in_flight() -> bool:
            held.append(held_by()[victim])
            return len(held) > 2 and held[-1] == held[-2] == held[-3] > 0

        assert wait_until(batch_in_flight, 30), f"the batch kept arriving: {held[-3:]}"
        run.in_flight = held_by()[victim]
        cluster.kill(victim, signal.SIGKILL)
    finally:
        receiver.let_go()

    seen: list[Counter] = []

    def settled() -> bool:
        """Every occurrence claimed, each sent or pending, the same for a second."""
        statuses = Counter(r["status"] for r in deliveries(cluster.database_url, ids))
        seen.append(statuses)
        return statuses["pending"] + statuses["sent"] == count \
            and receiver.holding == 0 and len(seen) > 1 and seen[-2] == statuses

    assert wait_until(settled, 90, step=1.0), f"deliveries did not settle: {seen[-1:]}"
    run.stuck = {r["reminder_id"] for r in deliveries(cluster.database_url, ids)
                 if r["status"] == "pending"}

    # A dispatcher whose clock is past the claims' lease sends them again.
    later = dt.datetime.now(UTC) + dt.timedelta(seconds=lease_seconds + 60)
    cli = subprocess.Popen(
        [str(BIN / "flask"), "--app", "tracker", "reminders", "dispatch", "--now",
         later.isoformat()], cwd=ROOT, env=cluster.env(), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    senders.add(cli.pid, "dispatch --now")
    run.cli_output, _ = cli.communicate(timeout=180)
    run.cli_returncode = cli.returncode

    run.rows = {r["reminder_id"]: r for r in deliveries(cluster.database_url, ids)}
    with receiver.lock:
        records = list(receiver.received)
    run.once = exactly_once(records, devices)
    run.by_process = split(records, devices)
    run.resent = [r for r in records if r.peer == "dispatch --now" and r.device in devices]
    run.first = {r.device: r for r in records if r.device in devices and r.peer == victim}
    run.same_topic_and_tag = sum(
        1 for r in run.resent if r.device in run.first
        and (run.first[r.device].topic, run.first[r.device].tag) == (r.topic, r.tag))
    return run
