"""A real Web Push receiver for tests: an HTTP server on 127.0.0.1 that plays a push
service. It checks each request's VAPID JWT (ES256 signature against the app's
published public key, ``aud`` = its own origin, ``exp`` within 24 h), decrypts each
body (RFC 8291 aes128gcm, with http_ece and the device's private key), and answers
as told per device: 201, an error status with headers (a redirect's ``Location``
too), no answer at all, or an endless body (to show the sender stops reading).

``hold()`` makes every request wait, recorded but unanswered, until ``let_go()`` (a
sender stuck mid-send; the cluster test kills one then): a request whose sender hung
up meanwhile is marked ``abandoned`` and gets no answer. Each record keeps the headers
(``Topic`` among them), the decrypted payload (its ``tag``), the status answered, and
the sending client's address, which ``identify`` (optional) can turn into a name, e.g.
the process that owns that socket (``socket_owner``).

``Device`` is a browser's side of a subscription: a P-256 key pair and an auth
secret, and the PushSubscription JSON the browser would send.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
import select
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STREAM_MAX = 32 * 1024 * 1024  # an endless body ends here, should nobody hang up

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Device:
    """One browser's push subscription keys."""

    def __init__(self, name: str | None = None):
        self.name = name or secrets.token_hex(6)
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = secrets.token_bytes(16)
        self.p256dh = b64url(self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def subscription(self, endpoint: str) -> dict:
        return {"endpoint": endpoint, "expirationTime": None,
                "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)}}

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth,
                                version="aes128gcm")


def verify_vapid(header: str, public_key: str, audience: str) -> dict:
    """The JWT claims when ``header`` ("vapid t=…,k=…") is valid for ``audience``;
    AssertionError saying what is wrong otherwise."""
    scheme, _, rest = header.partition(" ")
    assert scheme == "vapid", f"Authorization scheme {scheme!r}"
    parts = dict(p.split("=", 1) for p in rest.split(","))
    assert parts["k"].rstrip("=") == public_key, "k is not the published public key"
    signing_input, _, signature = parts["t"].rpartition(".")
    raw = unb64url(signature)
    assert len(raw) == 64, "ES256 signatures are 64 bytes"
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    try:
        key.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"),
                                        int.from_bytes(raw[32:], "big")),
                   signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("VAPID JWT signature does not verify") from None
    head, claims = (json.loads(unb64url(p)) for p in signing_input.split("."))
    assert head == {"typ": "JWT", "alg": "ES256"}, head
    assert claims["aud"] == audience, f"aud {claims['aud']!r} is not {audience!r}"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600, "exp out of range"
    assert claims["sub"].startswith(("mailto:", "https:")), claims["sub"]
    return claims


@dataclass
class Received:
    device: str
    headers: dict  # names in lower case
    payload: dict | None
    claims: dict | None
    problem: str | None
    client: tuple | None = None  # (host, port) of the sending connection
    peer: object = None  # what ``PushReceiver.identify`` made of ``client``
    answered: int | None = None  # the status sent back; None: none (yet)
    abandoned: bool = False  # held, and the sender had gone when let go

    @property
    def topic(self) -> str | None:
        return self.headers.get("topic")

    @property
    def tag(self) -> str | None:
        """The notification's tag: top level, or in the declarative format's
        ``notification``."""
        data = self.payload or {}
        return data.get("tag") or (data.get("notification") or {}).get("tag")


@dataclass
class PushReceiver:
    """``receiver.url(device)`` is that device's endpoint; ``receiver.plan[name]`` a
    list of answers used in turn (the last repeats): an int status, ``(status,
    headers)``, ``"hang"`` (never answer) or ``("stream", status)`` (that status with
    a body that goes on until the client hangs up; ``streamed(device)`` says how
    many bytes went out)."""

    public_key: str
    devices: dict[str, Device] = field(default_factory=dict)
    plan: dict[str, list] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    sent_bytes: dict[str, int] = field(default_factory=dict)
    streams_done: threading.Condition = field(default_factory=threading.Condition)
    # Called once per connection with the client's (host, port); its answer is kept as
    # each record's ``peer``.
    identify: Callable[[tuple], object] | None = None
    # Set: requests are answered; cleared by hold(): they wait until let_go().
    opened: threading.Event = field(default_factory=threading.Event)
    holding: int = 0  # requests waiting right now

    def __post_init__(self):
        self.opened.set()

    def start(self) -> "PushReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args):  # noqa: ANN002 - keep test output quiet
                pass

            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.identify is not None and not hasattr(self, "peer"):
                    self.peer = receiver.identify(self.client_address)  # once a connection
                answer, record = receiver._record_one(
                    self.path.strip("/"), {k.lower(): v for k, v in self.headers.items()},
                    body, self.client_address, getattr(self, "peer", None))
                if not receiver.opened.is_set() and not receiver._held(self.connection):
                    record.abandoned = True
                    self.close_connection = True
                    return
                if answer == "hang":
                    receiver.release.wait(30)
                    self.close_connection = True
                    return
                if isinstance(answer, tuple) and answer[0] == "stream":
                    receiver._stream(self, self.path.strip("/"), answer[1])
                    return
                status, headers = answer if isinstance(answer, tuple) else (answer, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
                record.answered = status

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # the default 5 drops a burst of concurrent connects
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.opened.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def add(self, device: Device, *answers) -> str:  # noqa: ANN002
        self.devices[device.name] = device
        self.plan[device.name] = list(answers) or [201]
        return self.url(device)

    def url(self, device: Device) -> str:
        return f"{self.origin}/{device.name}"

    def hold(self) -> None:
        """From now on every request waits, unanswered, until ``let_go()``."""
        self.opened.clear()

    def let_go(self) -> None:
        self.opened.set()

    def _held(self, conn: socket.socket, limit: float = 300) -> bool:
        """Wait while held; False when the sender hung up meanwhile (nobody to answer)."""
        with self.lock:
            self.holding += 1
        try:
            self.opened.wait(limit)
        finally:
            with self.lock:
                self.holding -= 1
        return not peer_gone(conn)

    def _record(self, name: str, headers: dict, body: bytes):  # noqa: ANN202
        return self._record_one(name, headers, body)[0]

    def _record_one(self, name: str, headers: dict, body: bytes, client: tuple | None = None,
                    peer: object = None) -> tuple:
        device = self.devices.get(name)
        payload = claims = problem = None
        try:
            assert device is not None, f"unknown device {name!r}"
            claims = verify_vapid(headers.get("authorization", ""), self.public_key, self.origin)
            assert headers.get("content-encoding") == "aes128gcm", headers.get("content-encoding")
            payload = json.loads(device.decrypt(body))
        except Exception as exc:  # noqa: BLE001 - the test asserts on it
            problem = f"{type(exc).__name__}: {exc}"
        record = Received(name, headers, payload, claims, problem, client, peer)
        with self.lock:
            self.received.append(record)
            answers = self.plan.get(name) or [404]
            return (answers.pop(0) if len(answers) > 1 else answers[0]), record

    def _stream(self, handler: BaseHTTPRequestHandler, name: str, status: int) -> None:
        handler.send_response(status)
        handler.send_header("Connection", "close")  # no length: the body ends at close
        handler.end_headers()
        handler.close_connection = True
        chunk, sent = b"x" * 65536, 0
        try:
            while sent < STREAM_MAX and not self.release.is_set():
                handler.wfile.write(chunk)
                sent += len(chunk)
        except OSError:  # the client hung up
            pass
        with self.streams_done:
            self.sent_bytes[name] = sent
            self.streams_done.notify_all()

    def streamed(self, device: Device, wait: float = 10) -> int:
        """Bytes of the endless body sent to ``device``'s request before it ended."""
        with self.streams_done:
            self.streams_done.wait_for(lambda: device.name in self.sent_bytes, wait)
            return self.sent_bytes[device.name]

    def for_device(self, device: Device) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.device == device.name]


def peer_gone(conn: socket.socket) -> bool:
    """Whether the other end of ``conn`` has hung up (readable, and nothing to read)."""
    try:
        readable, _, _ = select.select([conn], [], [], 0)
        return bool(readable) and conn.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def socket_owner(client: tuple, server_port: int, pids: Iterable[int]) -> int | None:
    """Which of ``pids`` holds the loopback TCP connection from ``client`` (host, port)
    to ``server_port`` on this machine (Linux /proc): the inode of the client's end in
    /proc/net/tcp, then the process with that socket among its open files."""
    def hexed(port: int) -> str:
        return f"0100007F:{port:04X}"

    inode = None
    try:
        with open("/proc/net/tcp") as table:
            for line in table:
                cols = line.split()
                if len(cols) > 9 and cols[1] == hexed(client[1]) and cols[2] == hexed(server_port):
                    inode = cols[9]
                    break
    except OSError:
        return None
    if inode is None or inode == "0":
        return None
    wanted = f"socket:[{inode}]"
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == wanted:
                        return pid
                except OSError:
                    continue
        except OSError:
            continue
    return None
