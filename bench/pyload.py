"""The load generator ``make bench`` falls back to without wrk: threads over
http.client, run as its own process (``python -m bench.pyload '<json>'``), printing the
same BENCH_JSON line as bench/get.lua and bench/post.lua.

It is slower than wrk (the GIL), so it runs as many processes as the machine has
cores; at the hello-world floor it may still be the bottleneck, which makes ratios
look better than wrk's. gunicorn's sync workers close every connection, so each
request opens one, as with wrk."""
from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit


def _body(prefix: str, thread: int, n: int, now: str) -> bytes:
    client_id = f"{prefix}-{thread:04x}-4000-8000-{n:012x}"
    return json.dumps({
        "client_id": client_id, "performed_at": now, "pain_before": 5, "pain_after": 4,
        "entries": [{"stretch": "double-knee-to-chest"},
                    {"stretch": "slr-strap", "side": "left", "angle_deg": 45},
                    {"stretch": "slr-strap", "side": "right", "angle_deg": 70}]}).encode()


def _worker(spec: dict, index: int, queue) -> None:  # noqa: ANN001
    url = urlsplit(spec["url"])
    target = url.path + (f"?{url.query}" if url.query else "")
    deadline = time.perf_counter() + spec["seconds"]
    latencies: list[float] = []
    ids: list[str] = []
    errors = non_2xx = 0
    lock = threading.Lock()
    prefix, now = os.environ.get("BENCH_PREFIX", "00000000"), os.environ.get("BENCH_NOW", "")

    def loop(thread: int) -> None:
        nonlocal errors, non_2xx
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            body = _body(prefix, thread, n, now) if spec["post"] else None
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
                conn.request("POST" if body else "GET", target, body=body, headers=spec["headers"])
                response = conn.getresponse()
                data = response.read()
                conn.close()
            except OSError:
                with lock:
                    errors += 1
                continue
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                if not 200 <= response.status < 400:
                    non_2xx += 1
                elif body:
                    ids.append(json.loads(data)["client_id"])

    per_process = max(1, spec["connections"] // spec["processes"])
    threads = [threading.Thread(target=loop, args=(index * 1000 + t + 1,)) for t in range(per_process)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((latencies, ids, errors, non_2xx))


def main(spec: dict) -> None:
    spec["processes"] = os.cpu_count() or 1
    queue = multiprocessing.Queue()
    start = time.perf_counter()
    procs = [multiprocessing.Process(target=_worker, args=(spec, i, queue))
             for i in range(spec["processes"])]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    seconds = time.perf_counter() - start
    latencies = sorted(x for r in results for x in r[0])
    if spec["post"]:
        with open(os.environ["BENCH_IDS"], "w") as out:
            out.writelines(f"{i}\n" for r in results for i in r[1])
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else 0.0
    print("BENCH_JSON " + json.dumps({
        "requests": len(latencies), "duration_us": int(seconds * 1e6),
        "p50_us": int(statistics.median(latencies) * 1e6) if latencies else 0,
        "p99_us": int(p99 * 1e6), "errors": sum(r[2] for r in results),
        "non_2xx": sum(r[3] for r in results)}))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
