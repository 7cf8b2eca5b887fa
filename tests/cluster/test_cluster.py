"""The cluster of scripts/cluster.py works as one site (audit items 13 and 14 of issue
20), short version; bench/cluster.py is the long one and prints more.

Against real processes (nginx, two gunicorn web nodes, two schedulers, PostgreSQL,
Redis; tests/cluster/conftest.py):

a. mixed load from 50 people (writes with client_ids, check-ins, lists, progress,
   Today and progress pages, the reminders list) through nginx: no errors, and every
   acknowledged write stored exactly once;
c. a write through one web node is read fresh through the other (their per-worker
   caches notwithstanding);
b. one web node killed (SIGKILL, master and workers) mid-load: nginx routes around
   it, clients retry a failed write by the same client_id, and every acknowledged
   write is there exactly once;
d. 200 due reminders with two schedulers: each occurrence delivered exactly once to a
   real Web Push receiver, and both schedulers sent part of them (the receiver names
   the process that owns each sending socket);
e. one scheduler killed (SIGKILL) mid-batch, after committing its claims, while the
   receiver holds every answer: the survivor sends the rest, and a dispatcher past the
   claims' lease (``flask reminders dispatch --now``) re-sends the dead one's with the
   same Topic and tag; each recorded once, ``sent`` with ``claims`` 2.

The reminder parts wait for the schedulers' minute tick (second 5 of each minute).
Figures are printed as each part ends.
"""
from __future__ import annotations

import signal
from collections import Counter

import pytest
import requests

from tests.cluster import scenario

# Module-scoped fixtures (starting the cluster, signing 50 people up) are timed with the
# first test; the reminder parts may wait up to a minute for a tick.
pytestmark = pytest.mark.timeout(400)

LOAD_SECONDS = 10
REMINDERS = 200
LEASE_SECONDS = 300  # TRACKER_REMINDER_LEASE_SECONDS's default: the cluster keeps it


@pytest.fixture
def report(capsys):
    """Print a figure line past pytest's capture, so `make test` shows it."""
    def say(line: str) -> None:
        with capsys.disabled():
            print(f"\n  [cluster] {line}", end="")
    return say


def test_a_mixed_load_from_fifty_people(cluster, people, report):
    result = scenario.run_load(cluster.url, people, LOAD_SECONDS)
    check = scenario.check_writes(cluster.database_url, result.acked)
    report(f"a. mixed load, 50 people: {result.summary()}")
    report(f"a. writes: {check['acked']} acknowledged, {check['lost']} lost, "
           f"{check['duplicates']} duplicates")
    assert result.errors == 0, result.error_samples
    assert set(result.by_kind) == {name for name, *_ in scenario.MIX}, result.by_kind
    assert check["acked"] > 0
    assert (check["lost"], check["duplicates"], check["entries_wrong"]) == (0, 0, 0), check


def test_c_a_write_through_one_node_is_read_fresh_through_the_other(cluster, people, report):
    one, two = cluster.node_urls
    fresh = scenario.fresh_reads(people[0], one, two)
    report(f"c. 3 writes through node 1 and 3 through node 2, each read fresh through the "
           f"other node ({fresh} reads)")


def test_b_a_web_node_killed_mid_load(cluster, people, report):
    def kill_node_one() -> None:
        cluster.kill("web-1", signal.SIGKILL)  # master and workers: the node is gone

    result = scenario.run_load(cluster.url, people, LOAD_SECONDS, retries=5,
                               during=kill_node_one, during_at=3, seed=2)
    check = scenario.check_writes(cluster.database_url, result.acked)
    report(f"b. web-1 killed at 3 s: {result.summary()}")
    report(f"b. writes: {check['acked']} acknowledged, {check['lost']} lost, "
           f"{check['duplicates']} duplicates")
    assert not cluster.procs["web-1"].alive()
    assert result.errors == 0, result.error_samples
    assert check["acked"] > 0
    assert (check["lost"], check["duplicates"], check["entries_wrong"]) == (0, 0, 0), check
    # The site answers on the surviving node.
    assert requests.get(cluster.url + "/healthz", timeout=10).status_code == 200


def test_d_two_schedulers_deliver_each_reminder_once(cluster, receiver, senders, report):
    result = scenario.deliver_due(cluster, receiver, REMINDERS, "d")
    report(f"d. two schedulers, {result.summary()}")
    assert result.done, (Counter(r["status"] for r in result.rows), _logs(cluster))
    assert result.once["problems"] == []
    assert (result.once["delivered_once"], result.once["missing"],
            result.once["duplicates"]) == (REMINDERS, 0, 0)
    assert len(result.rows) == REMINDERS and all(r["status"] == "sent" for r in result.rows)
    assert all(r["claims"] == 1 for r in result.rows)
    assert set(result.by_process) == {"scheduler-1", "scheduler-2"}, result.by_process


def test_e_a_scheduler_killed_mid_batch_is_covered_by_the_lease(cluster, receiver, senders,
                                                                 report):
    run = scenario.kill_mid_batch(cluster, receiver, senders, REMINDERS, "e", LEASE_SECONDS)
    report(f"e. {run.summary()}")
    assert run.in_flight > 0 and run.stuck, ("the killed scheduler left no claim pending",
                                             _logs(cluster))
    assert run.cli_returncode == 0, run.cli_output
    assert run.once["problems"] == []
    assert run.by_process[run.survivor] == REMINDERS - len(run.stuck)
    # Each occurrence delivered once: the survivor's, and the dead one's claims re-sent
    # by the dispatcher past the lease, with the first try's Topic and tag.
    assert (run.once["delivered_once"], run.once["missing"],
            run.once["duplicates"]) == (REMINDERS, 0, 0)
    assert sorted(r.device for r in run.resent) == sorted(run.device_of[rid] for rid in run.stuck)
    reminder_of = {name: rid for rid, name in run.device_of.items()}
    for record in run.resent:
        rid = reminder_of[record.device]
        assert record.topic and record.tag and str(rid) in record.topic and str(rid) in record.tag
        if record.device in run.first:  # its first try reached the receiver before the kill
            first = run.first[record.device]
            assert (first.topic, first.tag) == (record.topic, record.tag)
            assert first.answered is None
    assert run.same_topic_and_tag == run.in_flight
    # Recorded once each: sent, and claimed twice where the lease ran out.
    assert len(run.rows) == REMINDERS
    assert all(r["status"] == "sent" for r in run.rows.values()), Counter(
        r["status"] for r in run.rows.values())
    assert all(run.rows[rid]["claims"] == 2 for rid in run.stuck)
    assert all(r["claims"] == 1 for rid, r in run.rows.items() if rid not in run.stuck)


def _logs(cluster) -> str:  # noqa: ANN001
    """The schedulers' last log lines, for a failure's message."""
    return "\n".join(f"--- {name}\n{cluster.tail(name)}" for name in sorted(cluster.procs)
                     if name.startswith("scheduler"))
