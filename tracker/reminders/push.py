"""The Web Push adapter: VAPID keys, and sending many encrypted pushes concurrently
over one shared aiohttp session.

pywebpush's public ``WebPusher.encode`` encrypts each payload (RFC 8291 aes128gcm);
the POST itself is ours, so that no redirect is ever followed (a 3xx could point
anywhere, past the endpoint allow-list) and no more than ``RESPONSE_MAX`` bytes of an
answer are read. Each endpoint is checked against the allow-list again right before
sending (tracker/domain/push_endpoints.py), so a subscription stored under an older
list or configuration is not sent to.

Each push-service origin gets one VAPID JWT, signed with a fresh claims dict
(``sub``, ``aud`` = the origin, ``exp``) and reused until it nears expiry. Every
request has a timeout, so one stalled service delays nobody beyond it. Outcomes:
``sent``, ``gone`` (404/410: the subscription is dead), ``rejected`` (400/401/403/413,
or an endpoint the allow-list refuses: recorded, not retried), ``failed`` (a 3xx, or
429 or 5xx or network trouble after the bounded retries), ``timeout``. A result's
``reason`` says why when the outcome alone does not (``redirect``,
``endpoint_not_allowed``).
"""
from __future__ import annotations

import asyncio
import base64
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tracker.domain import push_endpoints

if TYPE_CHECKING:  # the crypto and HTTP stacks are imported on use, not with the app
    import aiohttp
    from cryptography.hazmat.primitives.asymmetric import ec
    from py_vapid import Vapid

JWT_LIFETIME = 12 * 3600  # the longest push services accept is 24 h
JWT_RENEW_BEFORE = 3600
MIN_TTL = 3600
GONE = frozenset({404, 410})
REJECTED = frozenset({400, 401, 403, 413})
RESPONSE_MAX = 64 * 1024  # bytes of a push service's answer read at most


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# ---------------------------------------------------------------- VAPID keys


@dataclass(frozen=True)
class VapidKeys:
    private_key: str  # the raw 32-byte scalar, URL-safe base64
    public_key: str   # the uncompressed P-256 point (applicationServerKey)


def generate_keys() -> VapidKeys:
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return VapidKeys(b64url(key.private_numbers().private_value.to_bytes(32, "big")),
                     public_key_of(key))


def public_key_of(key: ec.EllipticCurvePrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return b64url(key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def load_keys(private_key: str, public_key: str | None = None) -> VapidKeys:
    """Keys from settings: the private key (raw URL-safe base64, or PEM); the public
    key is derived from it, and a configured one must match."""
    from py_vapid import Vapid

    vapid = Vapid.from_string(private_key=private_key.strip()) \
        if "BEGIN" not in private_key else Vapid.from_pem(private_key.encode())
    derived = public_key_of(vapid.private_key)
    if public_key and public_key.strip().rstrip("=") != derived:
        raise ValueError("TRACKER_VAPID_PUBLIC_KEY does not belong to TRACKER_VAPID_PRIVATE_KEY")
    raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return VapidKeys(b64url(raw), derived)


# ---------------------------------------------------------------- sending


@dataclass(frozen=True)
class Target:
    """One device to push to."""

    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str

    @property
    def info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass(frozen=True)
class Message:
    target: Target
    data: bytes
    topic: str  # a newer push with the same topic replaces an undelivered older one
    urgency: str = "normal"


@dataclass
class Result:
    subscription_id: int
    host: str
    outcome: str
    status: int | None = None
    attempts: int = 0
    detail: str = ""
    reason: str = ""  # a short code for the record: "redirect", "endpoint_not_allowed"

    def as_dict(self) -> dict:
        found = {"subscription_id": self.subscription_id, "host": self.host,
                 "outcome": self.outcome, "status": self.status, "attempts": self.attempts}
        if self.reason:
            found["reason"] = self.reason
        return found


@dataclass
class Policy:
    timeout: float = 10.0          # seconds per request, connect to last byte
    ttl: int = MIN_TTL             # seconds a push service keeps an undelivered push
    max_attempts: int = 3          # per device, first try included
    backoff: float = 0.5           # seconds before the 1st retry; doubled each time
    retry_after_max: float = 60.0  # a longer Retry-After gives up instead of waiting
    concurrency: int = 256         # pushes in flight at once
    endpoint_hosts: tuple[str, ...] = ()  # TRACKER_PUSH_ENDPOINT_HOSTS, parsed


def origin_of(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class JwtCache:
    """One signed VAPID header per push-service origin, reused until near expiry."""

    keys: VapidKeys
    subject: str
    clock: callable = time.time
    _vapid: Vapid = field(init=False, repr=False)
    _headers: dict[str, tuple[str, float]] = field(default_factory=dict, init=False)
    signed: int = field(default=0, init=False)

    def __post_init__(self):
        from py_vapid import Vapid

        self._vapid = Vapid.from_string(private_key=self.keys.private_key)

    def authorization(self, origin: str) -> str:
        now = self.clock()
        cached = self._headers.get(origin)
        if cached and cached[1] - JWT_RENEW_BEFORE > now:
            return cached[0]
        exp = int(now) + JWT_LIFETIME
        # A fresh dict each time: signing must not share claims between origins.
        claims = {"sub": self.subject, "aud": origin, "exp": exp}
        header = self._vapid.sign(claims)["Authorization"]
        self._headers[origin] = (header, exp)
        self.signed += 1
        return header


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


async def read_capped(response: aiohttp.ClientResponse, limit: int = RESPONSE_MAX) -> bytes:
    """At most ``limit`` bytes of ``response``'s body; a longer one is cut off and its
    connection closed rather than read to the end."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(16 * 1024):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            response.close()
            break
    return b"".join(chunks)[:limit]


class Sender:
    """Sends ``Message``s; ``send(messages)`` runs them all concurrently and returns
    one ``Result`` each, in order. One sender may be reused across dispatch runs."""

    def __init__(self, jwt: JwtCache, policy: Policy | None = None):
        self.jwt = jwt
        self.policy = policy or Policy()

    def send(self, messages: list[Message]) -> list[Result]:
        if not messages:
            return []
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.send_async(messages))
        # Called from inside an event loop (an async server, a test's browser driver):
        # run ours on a thread of its own rather than nest loops.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, self.send_async(messages)).result()

    async def send_async(self, messages: list[Message]) -> list[Result]:
        import aiohttp

        limit = asyncio.Semaphore(self.policy.concurrency)
        connector = aiohttp.TCPConnector(limit=self.policy.concurrency, ttl_dns_cache=300)
        async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
            async def one(message: Message) -> Result:
                async with limit:
                    return await self._deliver(session, message)
            return list(await asyncio.gather(*(one(m) for m in messages)))

    async def _deliver(self, session: aiohttp.ClientSession, message: Message) -> Result:
        import aiohttp
        from pywebpush import WebPusher, WebPushException

        policy = self.policy
        endpoint = message.target.endpoint
        host = urlsplit(endpoint).hostname or ""
        result = Result(message.target.subscription_id, host, "failed")
        why = push_endpoints.endpoint_problem(endpoint, policy.endpoint_hosts)
        if why:
            result.outcome, result.reason, result.detail = "rejected", "endpoint_not_allowed", why
            return result
        headers = {"Topic": message.topic, "Urgency": message.urgency,
                   "TTL": str(max(policy.ttl, MIN_TTL)), "Content-Encoding": "aes128gcm",
                   "Content-Type": "application/octet-stream"}
        try:
            body = WebPusher(message.target.info).encode(message.data, "aes128gcm")["body"]
        except (WebPushException, ValueError) as exc:  # keys stored before they were checked
            result.outcome, result.detail = "rejected", str(exc)[:200]
            return result
        timeout = aiohttp.ClientTimeout(total=policy.timeout)
        delay = policy.backoff
        while result.attempts < policy.max_attempts:
            result.attempts += 1
            headers["Authorization"] = self.jwt.authorization(origin_of(endpoint))
            try:
                # total= bounds connect, send and the (capped) answer: a stalled
                # service costs at most this, whoever else is waiting.
                async with session.post(endpoint, data=body, headers=headers, timeout=timeout,
                                        allow_redirects=False) as response:
                    status = response.status
                    answer = await read_capped(response)
                    retry_after = response.headers.get("Retry-After")
            except (asyncio.TimeoutError, TimeoutError):
                result.outcome, result.status, result.detail = "timeout", None, "no answer"
                return result
            except (aiohttp.ClientError, OSError) as exc:
                result.status, result.detail = None, type(exc).__name__
                wait = delay
                delay *= 2
            else:
                result.status = status
                if 200 <= status <= 202:  # what pywebpush counts as accepted
                    result.outcome = "sent"
                    return result
                result.detail = f"{status} {answer[:200].decode('utf-8', 'replace')}"[:200]
                if 300 <= status < 400:
                    # Never followed: the new address has not passed the allow-list.
                    result.outcome, result.reason = "failed", "redirect"
                    return result
                if status in GONE:
                    result.outcome = "gone"
                    return result
                if status in REJECTED or status < 429 or 430 <= status < 500:
                    result.outcome = "rejected"
                    return result
                wait = _retry_after(retry_after) if status == 429 else None
                if wait is None:
                    wait = delay
                    delay *= 2
                if wait > policy.retry_after_max:
                    result.outcome, result.detail = "failed", f"Retry-After {wait:.0f}s"
                    return result
            if result.attempts < policy.max_attempts:
                await asyncio.sleep(wait)
        result.outcome = "failed"
        return result
