"""Reminder dispatch throughput: 10,000 due reminders (one device each) delivered to a
local push receiver on loopback, end to end through ``dispatch_due`` (claim, skip
rules, encrypt, VAPID, HTTP, record), on a fresh SQLite file.

The receiver is a small aiohttp server in a second process that answers 201 without
decrypting. The baseline is pywebpush's bare encryption rate (aes128gcm, no HTTP)
for the same payloads in the same run; the ratio makes figures from different
machines comparable. Target: all 10,000 in under 10 s.

    .venv/bin/python -m bench.reminders            # BENCH_REMINDERS=10000
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import socket
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert

from tracker import create_app
from tracker.extensions import db

COUNT = int(os.environ.get("BENCH_REMINDERS", "10000"))
NOW = dt.datetime(2027, 5, 1, 6, 0, 5, tzinfo=dt.timezone.utc)
PUBLIC_URL = "https://stretch.example.org"


def _receiver(port: int, ready) -> None:  # noqa: ANN001
    from aiohttp import web

    count = 0

    async def push(request):  # noqa: ANN001, ANN202
        nonlocal count
        await request.read()
        count += 1
        return web.Response(status=201)

    async def counted(_request):  # noqa: ANN001, ANN202
        return web.json_response({"count": count})

    app = web.Application()
    app.router.add_post("/{device}", push)
    app.router.add_get("/count", counted)
    ready.set()
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=1024)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fill(app, origin: str) -> list[dict]:  # noqa: ANN001
    """COUNT users, each with one device and one reminder due at NOW (rows inserted
    in bulk: the point is dispatch, not sign-up)."""
    from tests.push_receiver import Device
    from tracker.auth.models import User
    from tracker.domain.schedule import Rule, next_fire
    from tracker.reminders.models import PushSubscription, Reminder

    created = NOW - dt.timedelta(hours=1)
    fire = next_fire(created, Rule.of("06:00", range(7), "UTC"))
    devices = [Device(f"d{n}") for n in range(COUNT)]
    with app.app_context():
        db.session.execute(insert(User), [
            {"id": n + 1, "email": f"bench{n}@example.com", "password_hash": "x",
             "timezone": "UTC", "created_at": created} for n in range(COUNT)])
        db.session.execute(insert(PushSubscription), [
            {"user_id": n + 1, "endpoint": f"{origin}/{d.name}", "p256dh": d.p256dh,
             "auth": d.subscription("")["keys"]["auth"], "created_at": created,
             "consecutive_failures": 0} for n, d in enumerate(devices)])
        db.session.execute(insert(Reminder), [
            {"user_id": n + 1, "time": "06:00", "weekdays": list(range(7)), "timezone": "UTC",
             "enabled": True, "skip_if_logged": True, "message": "", "next_fire_at": fire,
             "created_at": created, "updated_at": created} for n in range(COUNT)])
        db.session.commit()
    return [d.subscription(f"{origin}/{d.name}") for d in devices]


def _encryption_rate(subscriptions: list[dict], data: bytes, seconds: float = 2.0) -> float:
    """pywebpush's own encryption of the payload, per second (no HTTP, no VAPID)."""
    from pywebpush import WebPusher

    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for sub in subscriptions[done % len(subscriptions):][:200]:
            WebPusher(sub).encode(data, "aes128gcm")
            done += 1
    return done / (time.perf_counter() - start)


def main() -> None:
    import requests

    from tracker.reminders import payload, service
    from tracker.reminders.dispatch import dispatch_due

    port = _free_port()
    ready = multiprocessing.get_context("spawn").Event()
    receiver = multiprocessing.get_context("spawn").Process(target=_receiver, args=(port, ready),
                                                            daemon=True)
    receiver.start()
    ready.wait(30)
    origin = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{origin}/count", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.05)

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app({"ENV": "production", "DATABASE_URL": url, "SCHEDULER": "off",
                          "SECRET_KEY": "bench", "PUSH_ENDPOINT_HOSTS": "127.0.0.1",
                          "PUBLIC_URL": PUBLIC_URL,
                          "VAPID_PRIVATE_KEY": __import__("tracker.reminders.push", fromlist=["x"])
                          .generate_keys().private_key})
        with app.app_context():
            upgrade()
        subscriptions = _fill(app, origin)
        with app.test_request_context():
            sample = payload.payload(reminder_id=COUNT, body=payload.body_text("", None),
                                     base_url=PUBLIC_URL, tag=payload.tag(COUNT, "2027-05-01"),
                                     occurrence="2027-05-01",
                                     snooze=service.snooze_token(COUNT, COUNT))

        with app.app_context():
            start, cpu = time.perf_counter(), time.process_time()
            report = dispatch_due(NOW)
            took, cpu = time.perf_counter() - start, time.process_time() - cpu
            signed = service.sender().jwt.signed
        received = requests.get(f"{origin}/count", timeout=5).json()["count"]
        encrypt = _encryption_rate(subscriptions, sample)
        with app.app_context():
            db.engine.dispose()
    receiver.terminate()

    rate = COUNT / took
    print(f"reminders dispatched: {report}")
    print(f"receiver got:         {received} pushes, VAPID JWTs signed: {signed}")
    print(f"dispatch:             {took:.2f} s for {COUNT} = {rate:,.0f} reminders/s "
          f"({'under' if took < 10 else 'OVER'} the 10 s target)")
    print(f"dispatch CPU time:    {cpu:.2f} s in this process = {COUNT / cpu:,.0f} reminders per CPU-second "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"pywebpush encryption: {encrypt:,.0f} payloads/s ({len(sample)}-byte payload, no HTTP)")
    print(f"ratio dispatch/encryption: {rate / encrypt:.2f}")


if __name__ == "__main__":
    main()
