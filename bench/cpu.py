"""CPU time per request through the whole Flask stack, in one process with no HTTP
server and no load generator: the figure that other load on a shared machine disturbs
least, for before/after comparisons of code changes.

    python -m bench.cpu                      # this checkout
    python -m bench.cpu /tmp/old             # another checkout (e.g. from git archive)

Prints CPU ms per request (median of 5 batches) for the bench's requests on a fresh
SQLite file: the person has a year of data (and 30 and 1,825 days for Today)."""
from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

BATCH = 40
UA = "backstretch-bench-cpu"


def main(folder: str | None) -> None:
    if folder:
        sys.path.insert(0, folder)
    from flask import session
    from flask_login import login_user
    from flask_migrate import upgrade
    from flask_wtf.csrf import generate_csrf

    from tracker import create_app
    from tracker.auth import service as auth_service
    from tracker.db_types import utcnow
    from tracker.extensions import db
    from tracker.logbook.demo import seed

    tmp = tempfile.mkdtemp()
    app = create_app({"ENV": "production", "DATABASE_URL": f"sqlite:///{Path(tmp) / 'cpu.db'}",
                      "SECRET_KEY": "cpu", "SCHEDULER": "off", "RATELIMIT_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False})
    people = {}
    with app.app_context():
        upgrade()
        for days in (0, 30, 365, 1825):
            user = auth_service.register(f"cpu-{days}@example.com", "cpu password 123",
                                         "Europe/Berlin")
            if days:
                seed(user, days, utcnow())
            _, token = auth_service.create_token(user, "cpu")
            db.session.commit()
            with app.test_request_context(headers={"User-Agent": UA}):
                login_user(user)
                generate_csrf()
                cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
            people[days] = (token, cookie)
    client = app.test_client(use_cookies=False)

    def body() -> bytes:
        return json.dumps({
            "client_id": str(uuid.uuid4()),
            "performed_at": (dt.datetime.now(dt.timezone.utc)
                             - dt.timedelta(minutes=1)).isoformat(),
            "pain_before": 5, "pain_after": 4,
            "entries": [{"stretch": "double-knee-to-chest"},
                        {"stretch": "slr-strap", "side": "left", "angle_deg": 45},
                        {"stretch": "slr-strap", "side": "right", "angle_deg": 70}]}).encode()

    def bearer(days: int) -> dict:
        return {"Authorization": f"Bearer {people[days][0]}"}

    def page(path: str, days: int):  # noqa: ANN202
        return lambda: client.get(path, headers={"Cookie": f"session={people[days][1]}",
                                                         "User-Agent": UA})

    cases = {
        "GET /healthz": lambda: client.get("/healthz"),
        "POST /api/v1/sessions (bearer, 3 entries)": lambda: client.post(
            "/api/v1/sessions", data=body(), headers={**bearer(0), "Content-Type": "application/json"}),
        "GET /api/v1/sessions (50, a year)": lambda: client.get(
            "/api/v1/sessions?per_page=50", headers=bearer(365)),
        "GET / (Today), 30 days": page("/", 30),
        "GET / (Today), 365 days": page("/", 365),
        "GET / (Today), 1825 days": page("/", 1825),
        "GET /log (a year)": page("/log", 365),
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
