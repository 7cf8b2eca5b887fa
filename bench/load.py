"""Load generators for ``make bench``, always in a second process: wrk (with
bench/get.lua or bench/post.lua) when it is installed, else ``python -m bench.pyload``.
Both report the same figures: requests, duration, p50/p99 latency, errors."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
UA = "backstretch-bench"


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors and timeouts plus non-2xx/3xx answers

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def generator() -> str:
    choice = os.environ.get("BENCH_LOADGEN", "auto")
    if choice == "python" or (choice == "auto" and shutil.which("wrk") is None):
        return "python"
    return "wrk"


def run(url: str, seconds: float, connections: int, headers: dict[str, str],
        post: dict | None = None) -> Load:
    """Drive ``url`` for ``seconds``. ``post``: {"prefix", "now", "ids"} makes POSTs of a
    3-entry session with fresh client_ids; the 2xx answers' ids go to the "ids" file."""
    headers = {"User-Agent": UA, **headers}
    env = {**os.environ}
    if post:
        env.update(BENCH_PREFIX=post["prefix"], BENCH_NOW=post["now"], BENCH_IDS=post["ids"])
        headers["Content-Type"] = "application/json"
    if generator() == "wrk":
        threads = int(os.environ.get("BENCH_WRK_THREADS", "1"))
        cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
               "-s", str(HERE / ("post.lua" if post else "get.lua"))]
        for name, value in headers.items():
            cmd += ["-H", f"{name}: {value}"]
        cmd.append(url)
    else:
        cmd = [sys.executable, "-m", "bench.pyload", json.dumps({
            "url": url, "seconds": seconds, "connections": connections,
            "headers": headers, "post": bool(post)})]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True,
                         cwd=HERE.parent, timeout=seconds + 60).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return Load(data["requests"], data["duration_us"] / 1e6, data["p50_us"] / 1000,
                data["p99_us"] / 1000, data["errors"] + data["non_2xx"])
