"""Slow clients cannot starve the site (audit finding 2): gunicorn, started with the
project's gunicorn.conf.py as in production, keeps answering /healthz within a second
while 8 clients send request bodies at a byte a second. (With the old sync workers
two such clients left /healthz unanswered for 20 s.)"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from tests.integration.test_account_limits import ROOT, free_port
from tests.support import wait_until_serving

SLOW_CLIENTS = 8


@pytest.fixture
def gunicorn(database_url):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "WEB_",
                                                                        "GUNICORN_"))}
    environ.update(TRACKER_ENV="production", TRACKER_SECRET_KEY="test",
                   TRACKER_DATABASE_URL=database_url, TRACKER_SESSION_COOKIE_SECURE="false")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(url, proc)
    yield port, url
    proc.terminate()
    proc.wait(timeout=30)


def test_eight_slow_bodies_do_not_stop_healthz(gunicorn):
    port, url = gunicorn
    stop = threading.Event()
    socks = []

    def trickle(sock: socket.socket) -> None:
        while not stop.is_set():
            try:
                sock.send(b"a")
            except OSError:
                return
            stop.wait(1)

    for _ in range(SLOW_CLIENTS):
        sock = socket.create_connection(("127.0.0.1", port))
        # A sign-in form: the CSRF check reads the body before anything can refuse it.
        sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 1000\r\n\r\nemail=")
        socks.append(sock)
        threading.Thread(target=trickle, args=(sock,), daemon=True).start()
    took = []
    try:
        time.sleep(1)  # every slow client is connected and has sent its headers
        for _ in range(8):
            began = time.monotonic()
            assert requests.get(url + "/healthz", timeout=5).status_code < 500
            took.append(time.monotonic() - began)
            time.sleep(0.5)
    finally:
        stop.set()
        for sock in socks:
            sock.close()
    assert max(took) < 1, [round(t, 2) for t in took]
