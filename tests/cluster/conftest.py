"""A real cluster for tests/cluster/test_cluster.py, started by scripts/cluster.py:
nginx in front of two gunicorn web nodes, two ``flask scheduler run`` processes, on a
PostgreSQL database of its own (made fresh, dropped afterwards) and Redis, in a
temporary run folder on free ports; plus the Web Push receiver the schedulers send
to. Skipped, saying why, where nginx, PostgreSQL or Redis is missing. Every process
is stopped by the fixture's finalizer, whatever happened."""
from __future__ import annotations

import os
import uuid

import pytest
import requests

from scripts.cluster import (PG_SERVER, Cluster, ClusterConfig, find_nginx, free_port,
                             postgres_available, redis_available)
from tests.cluster.scenario import CLUSTER_ENV, Senders, sign_up_many
from tests.push_receiver import PushReceiver

# The server the cluster makes its database on (never the suite's `test` database).
SERVER = os.environ.get("TRACKER_CLUSTER_PG_SERVER", PG_SERVER)
REDIS = os.environ.get("TRACKER_CLUSTER_REDIS", "redis://127.0.0.1:6379/13")
PEOPLE = 50


def _missing() -> str | None:
    if find_nginx() is None:
        return "nginx is not installed (apt-get install nginx): no cluster to test"
    why = postgres_available(SERVER)
    if why:
        return f"PostgreSQL at {SERVER} is not reachable ({why}): no cluster to test"
    why = redis_available(REDIS)
    if why:
        return f"Redis at {REDIS} is not reachable ({why}): no cluster to test"
    return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    why = _missing()
    if why:
        pytest.skip(why)
    ports = set()
    while len(ports) < 3:
        ports.add(free_port())
    port, *web = sorted(ports)
    config = ClusterConfig(
        run_dir=tmp_path_factory.mktemp("cluster"), port=port, web_ports=tuple(web),
        pg_server=SERVER, database=f"cluster_test_{uuid.uuid4().hex[:8]}",
        fresh_database=True, redis_uri=REDIS, env=dict(CLUSTER_ENV))
    running = Cluster(config)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        running.drop_database()


@pytest.fixture(scope="module")
def people(cluster):
    """50 people signed up through nginx, each with the warning-signs check answered."""
    return sign_up_many(cluster.url, PEOPLE, uuid.uuid4().hex[:6])


@pytest.fixture(scope="module")
def receiver(cluster):
    key = requests.get(cluster.url + "/api/v1/push/public-key", timeout=30).json()
    receiver = PushReceiver(key["public_key"]).start()
    try:
        yield receiver
    finally:
        receiver.stop()


@pytest.fixture(scope="module")
def senders(cluster, receiver):
    """Names the scheduler process behind each push the receiver gets."""
    found = Senders(receiver)
    for name, proc in cluster.procs.items():
        if name.startswith("scheduler"):
            found.add(proc.pid, name)
    return found
