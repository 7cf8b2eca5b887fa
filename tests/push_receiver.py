"""A real Web Push receiver for tests: an HTTP server on 127.0.0.1 that plays a push
service. It checks each request's VAPID JWT (ES256 signature against the app's
published public key, ``aud`` = its own origin, ``exp`` within 24 h), decrypts each
body (RFC 8291 aes128gcm, with http_ece and the device's private key), and answers
as told per device: 201, an error status with headers (a redirect's ``Location``
too), no answer at all, or an endless body (to show the sender stops reading).

``Device`` is a browser's side of a subscription: a P-256 key pair and an auth
secret, and the PushSubscription JSON the browser would send.
"""
from __future__ import annotations

import base64
import json
import secrets
import threading
import time
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

    def start(self) -> "PushReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args):  # noqa: ANN002 - keep test output quiet
                pass

            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = receiver._record(self.path.strip("/"),
                                          {k.lower(): v for k, v in self.headers.items()}, body)
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
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def add(self, device: Device, *answers) -> str:  # noqa: ANN002
        self.devices[device.name] = device
        self.plan[device.name] = list(answers) or [201]
        return self.url(device)

    def url(self, device: Device) -> str:
        return f"{self.origin}/{device.name}"

    def _record(self, name: str, headers: dict, body: bytes):  # noqa: ANN202
        device = self.devices.get(name)
        payload = claims = problem = None
        try:
            assert device is not None, f"unknown device {name!r}"
            claims = verify_vapid(headers.get("authorization", ""), self.public_key, self.origin)
            assert headers.get("content-encoding") == "aes128gcm", headers.get("content-encoding")
            payload = json.loads(device.decrypt(body))
        except Exception as exc:  # noqa: BLE001 - the test asserts on it
            problem = f"{type(exc).__name__}: {exc}"
        with self.lock:
            self.received.append(Received(name, headers, payload, claims, problem))
            answers = self.plan.get(name) or [404]
            return answers.pop(0) if len(answers) > 1 else answers[0]

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
