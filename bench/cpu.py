"""CPU time per request through the whole Flask stack, in one process with no HTTP
server and no load generator: the figure that other load on a shared machine disturbs
least, for before/after comparisons of code changes.

    python -m bench.cpu                      # this checkout
    python -m bench.cpu /tmp/old             # another checkout (e.g. from git archive)

Prints CPU ms per request (median of 5 batches) for the bench's requests on a fresh
SQLite file: the person has a year of data (and 30 and 1,825 days for Today)."""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.load import UA

BATCH = 40


def main(folder: str | None) -> None:
    from bench.__main__ import SECRET, post_body, prepare  # before the other checkout's path

    if folder:
        sys.path.insert(0, folder)  # prepare() and create_app() import its tracker
    from tracker import create_app

    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'cpu.db'}"
    people = prepare(url)
    app = create_app({"ENV": "production", "DATABASE_URL": url, "SECRET_KEY": SECRET,
                      "SCHEDULER": "off", "RATELIMIT_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False})
    client = app.test_client(use_cookies=False)

    def bearer(days: int) -> dict:
        return people[days]["bearer"]

    def page(path: str, days: int, language: str = "en-GB,en;q=0.9"):  # noqa: ANN202
        headers = {**people[days]["cookie"], "User-Agent": UA, "Accept-Language": language}
        return lambda: client.get(path, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})

    cases = {
        "GET /healthz": lambda: client.get("/healthz"),
        "POST /api/v1/sessions (bearer, 3 entries)": lambda: client.post(
            "/api/v1/sessions", data=post_body(),
            headers={**bearer(0), "Content-Type": "application/json"}),
        "GET /api/v1/sessions (50, a year)": lambda: client.get(
            "/api/v1/sessions?per_page=50", headers=bearer(365)),
        "GET / (Today), 30 days": page("/", 30),
        "GET / (Today), 365 days": page("/", 365),
        "GET / (Today), 1825 days": page("/", 1825),
        "GET / (Today), 365 days, German browser": page("/", 365, "de-DE,de;q=0.9"),
        "GET /log (a year)": page("/log", 365),
        "GET /log (a year), German browser": page("/log", 365, "de-DE,de;q=0.9"),
        # the time-zone select: 418 places (489 zone names before they were merged)
        "GET /settings": page("/settings", 365),
        "GET /settings, German browser": page("/settings", 365, "de-DE,de;q=0.9"),
    }
    for name, call in cases.items():
        response = call()
        assert response.status_code < 300, (name, response.status_code)
        for _ in range(10):
            call()
        batches = []
        for _ in range(5):
            start = time.process_time()
            for _ in range(BATCH):
                call()
            batches.append((time.process_time() - start) * 1000 / BATCH)
        print(f"  {name:44} {statistics.median(batches):6.2f} ms CPU")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
