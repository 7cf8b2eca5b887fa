"""The cluster of scripts/cluster.py under load, long version of
tests/cluster/test_cluster.py (which runs in ``make test``): nginx in front of two
gunicorn web nodes (gunicorn.conf.py, 2 gthread workers each), two ``flask scheduler
run`` processes, PostgreSQL (a throwaway database, dropped afterwards) and Redis, on
free ports in a temporary folder. It prints:

a. mixed load from 50 signed-up people through nginx (session writes with client_ids,
   check-ins, the two lists, progress, Today and progress pages, the reminders list):
   requests, errors, p50/p95/p99 latency, and acknowledged/lost/duplicated writes;
c. writes through one node read through the other, straight at the nodes' ports;
b. the same load with web-1 killed (SIGKILL) 10 s in: clients retry a failed write by
   its client_id; requests, errors, latency, acknowledged/lost/duplicated writes;
d. 1,000 due reminders with two schedulers (TRACKER_REMINDER_BATCH=50): delivered
   exactly once to a real Web Push receiver, and how many each scheduler sent;
e. 1,000 due reminders, the receiver holding its answers, scheduler-1 killed mid-batch:
   what the survivor sent, and what ``flask reminders dispatch --now`` past the lease
   re-sent (same Topic and tag, ``claims`` 2).

    .venv/bin/python -m bench.cluster      # also part of `make bench`

Knobs: BENCH_CLUSTER_SECONDS (seconds of each load phase, 30), BENCH_CLUSTER_PEOPLE
(50), BENCH_CLUSTER_REMINDERS (1000), BENCH_PG_URL (as for `make bench`; empty skips).
The reminder parts wait for the schedulers' minute tick (second 5 of each minute), so
the whole takes about four minutes.
"""
from __future__ import annotations

import os
import signal
import tempfile
import time
import uuid
from pathlib import Path

import requests

SECONDS = float(os.environ.get("BENCH_CLUSTER_SECONDS", "30"))
PEOPLE = int(os.environ.get("BENCH_CLUSTER_PEOPLE", "50"))
REMINDERS = int(os.environ.get("BENCH_CLUSTER_REMINDERS", "1000"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BENCH_CLUSTER_REDIS", "redis://127.0.0.1:6379/12")
LEASE_SECONDS = 300


def main() -> None:
    from scripts.cluster import (Cluster, ClusterConfig, find_nginx, free_port,
                                 postgres_available, redis_available)
    from tests.cluster import scenario
    from tests.push_receiver import PushReceiver

    started = time.monotonic()
    server = PG_URL.rsplit("/", 1)[0] if PG_URL else ""
    why = ("nginx is not installed" if find_nginx() is None else
           "BENCH_PG_URL is empty" if not server else
           postgres_available(server) or redis_available(REDIS))
    if why:
        print(f"cluster bench skipped: {why}")
        return
    ports = set()
    while len(ports) < 3:
        ports.add(free_port())
    port, *web = sorted(ports)
    with tempfile.TemporaryDirectory() as folder:
        config = ClusterConfig(
            run_dir=Path(folder), port=port, web_ports=tuple(web), pg_server=server,
            database=f"backstretch_bench_cluster_{uuid.uuid4().hex[:8]}", fresh_database=True,
            redis_uri=REDIS, env=dict(scenario.CLUSTER_ENV))
        cluster = Cluster(config)
        receiver = None
        try:
            began = time.monotonic()
            cluster.start()
            print(f"cluster up in {time.monotonic() - began:.1f} s: nginx {cluster.url} -> "
                  f"{', '.join(cluster.node_urls)}; 2 schedulers; PostgreSQL "
                  f"{config.database}; Redis {REDIS}")
            began = time.monotonic()
            people = scenario.sign_up_many(cluster.url, PEOPLE, uuid.uuid4().hex[:6])
            print(f"{PEOPLE} people signed up through nginx (warning-signs check answered, "
                  f"a reminder each) in {time.monotonic() - began:.1f} s")

            load = scenario.run_load(cluster.url, people, SECONDS)
            check = scenario.check_writes(cluster.database_url, load.acked)
            print(f"\na. mixed load, {PEOPLE} clients, {SECONDS:g} s: {load.summary()}")
            print(f"   by request: {dict(sorted(load.by_kind.items()))}")
            print(f"   writes: {check['acked']} acknowledged, {check['lost']} lost, "
                  f"{check['duplicates']} duplicates, {check['entries_wrong']} sessions "
                  f"without their 3 entries")
            for sample in load.error_samples:
                print(f"   error: {sample}")

            fresh = scenario.fresh_reads(people[0], *cluster.node_urls, rounds=10)
            print(f"\nc. writes through one node read through the other: {fresh} reads, "
                  f"all fresh")

            load = scenario.run_load(cluster.url, people, SECONDS, retries=5, seed=2,
                                     during=lambda: cluster.kill("web-1", signal.SIGKILL),
                                     during_at=min(10.0, SECONDS / 3))
            check = scenario.check_writes(cluster.database_url, load.acked)
            print(f"\nb. web-1 killed (SIGKILL) {min(10.0, SECONDS / 3):g} s into "
                  f"{SECONDS:g} s of load: {load.summary()}")
            print(f"   writes: {check['acked']} acknowledged, {check['lost']} lost, "
                  f"{check['duplicates']} duplicates; /healthz through nginx afterwards: "
                  f"{requests.get(cluster.url + '/healthz', timeout=10).status_code}")
            for sample in load.error_samples:
                print(f"   error: {sample}")

            key = requests.get(cluster.url + "/api/v1/push/public-key", timeout=30).json()
            receiver = PushReceiver(key["public_key"]).start()
            senders = scenario.Senders(receiver)
            for name, proc in cluster.procs.items():
                if name.startswith("scheduler"):
                    senders.add(proc.pid, name)

            result = scenario.deliver_due(cluster, receiver, REMINDERS, "d")
            print(f"\nd. two schedulers, {result.summary()}; VAPID and decryption problems "
                  f"at the receiver: {len(result.once['problems'])}")

            run = scenario.kill_mid_batch(cluster, receiver, senders, REMINDERS, "e",
                                          LEASE_SECONDS)
            print(f"\ne. {run.summary()}")
            ok = (run.once["delivered_once"] == REMINDERS and run.same_topic_and_tag == run.in_flight
                  and all(run.rows[r]["claims"] == 2 for r in run.stuck)
                  and all(r["status"] == "sent" for r in run.rows.values()))
            print(f"   lease verdict: {'OK' if ok else 'FAILED'}")
        finally:
            if receiver is not None:
                receiver.stop()
            forced = cluster.stop()
            cluster.drop_database()
            if forced:
                print(f"(needed SIGKILL to stop: {', '.join(forced)})")
    print(f"\ncluster bench took {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
