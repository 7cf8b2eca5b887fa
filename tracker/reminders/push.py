"""The Web Push adapter around pywebpush: VAPID keys, and sending many encrypted
pushes concurrently with ``webpush_async`` over one shared aiohttp session.

Each push-service origin gets one VAPID JWT, signed with a fresh claims dict
(``sub``, ``aud`` = the origin, ``exp``) and reused until it nears expiry; pywebpush
then only encrypts and posts. Every request has a timeout, so one stalled service
delays nobody beyond it. Outcomes: ``sent``, ``gone`` (404/410: the subscription
is dead), ``rejected`` (400/401/403/413: recorded, not retried), ``failed`` (429 or
5xx or network trouble after the bounded retries), ``timeout``.
"""
from __future__ import annotations

import asyncio
import base64
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # the crypto and HTTP stacks are imported on use, not with the app
    import aiohttp
    from cryptography.hazmat.primitives.asymmetric import ec
    from py_vapid import Vapid
    from pywebpush import WebPushException

JWT_LIFETIME = 12 * 3600  # the longest push services accept is 24 h
JWT_RENEW_BEFORE = 3600
MIN_TTL = 3600
GONE = frozenset({404, 410})
REJECTED = frozenset({400, 401, 403, 413})


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

    def as_dict(self) -> dict:
        return {"subscription_id": self.subscription_id, "host": self.host,
                "outcome": self.outcome, "status": self.status, "attempts": self.attempts}


@dataclass
class Policy:
    timeout: float = 10.0          # seconds per request, connect to last byte
    ttl: int = MIN_TTL             # seconds a push service keeps an undelivered push
    max_attempts: int = 3          # per device, first try included
    backoff: float = 0.5           # seconds before the 1st retry; doubled each time
    retry_after_max: float = 60.0  # a longer Retry-After gives up instead of waiting
    concurrency: int = 256         # pushes in flight at once


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


def _retry_after(exc: WebPushException) -> float | None:
    value = exc.response.headers.get("Retry-After") if exc.response is not None else None
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
        from pywebpush import WebPushException, webpush_async

        policy = self.policy
        host = urlsplit(message.target.endpoint).hostname or ""
        result = Result(message.target.subscription_id, host, "failed")
        headers = {"Topic": message.topic, "Urgency": message.urgency}
        ttl = max(policy.ttl, MIN_TTL)
        timeout = aiohttp.ClientTimeout(total=policy.timeout)
        delay = policy.backoff
        while result.attempts < policy.max_attempts:
            result.attempts += 1
            headers["Authorization"] = self.jwt.authorization(origin_of(message.target.endpoint))
            try:
                # total= bounds connect, send and the whole answer: a stalled service
                # costs at most this, whoever else is waiting.
                response = await webpush_async(
                    message.target.info, data=message.data, ttl=ttl, headers=headers,
                    timeout=timeout, aiohttp_session=session)
            except WebPushException as exc:
                status = exc.response.status if exc.response is not None else None
                result.status, result.detail = status, str(exc)[:200]
                if status in GONE:
                    result.outcome = "gone"
                    return result
                if status in REJECTED or status is None or status < 429 or 430 <= status < 500:
                    result.outcome = "rejected"
                    return result
                wait = _retry_after(exc) if status == 429 else None
                if wait is None:
                    wait = delay
                    delay *= 2
                if wait > policy.retry_after_max:
                    result.outcome, result.detail = "failed", f"Retry-After {wait:.0f}s"
                    return result
            except (asyncio.TimeoutError, TimeoutError):
                result.outcome, result.status, result.detail = "timeout", None, "no answer"
                return result
            except (aiohttp.ClientError, OSError) as exc:
                result.status, result.detail = None, type(exc).__name__
                wait = delay
                delay *= 2
            else:
                result.outcome, result.status = "sent", response.status
                return result
            if result.attempts < policy.max_attempts:
                await asyncio.sleep(wait)
        result.outcome = "failed"
        return result
