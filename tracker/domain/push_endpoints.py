"""Which Web Push endpoints the server may send to, and whether a subscription's keys
are well-formed.

The server makes an HTTP request to every stored endpoint, so an endpoint is accepted
only on a known push service over https (or a host the operator named). Plain http is
allowed only for loopback hosts the operator named (local test receivers). Addresses a
person could point at the server's own network (private, link-local, loopback not
named) are refused. No DNS lookups: only fixed names pass.
"""
from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

# The push services of Chrome/Edge/Android (FCM), Firefox (autopush), Safari (Apple)
# and Windows (WNS). A leading "." matches any subdomain.
KNOWN_PUSH_HOSTS = (
    "fcm.googleapis.com", "android.googleapis.com",
    "updates.push.services.mozilla.com", "push.services.mozilla.com",
    "web.push.apple.com", ".push.apple.com",
    ".notify.windows.com",
)
ENDPOINT_MAX = 1024

# What a person calls the browser behind each push service, for the device list.
SERVICE_NAMES = (
    (("fcm.googleapis.com", "android.googleapis.com"), "Chrome, Edge or Android"),
    (("updates.push.services.mozilla.com", "push.services.mozilla.com"), "Firefox"),
    (("web.push.apple.com", ".push.apple.com"), "Safari (iPhone, iPad or Mac)"),
    ((".notify.windows.com",), "Windows"),
)


def service_name(endpoint: str) -> str:
    """The browser family of a subscription, from its push service's host."""
    host = (urlsplit(endpoint).hostname or "").lower()
    for hosts, name in SERVICE_NAMES:
        if _host_matches(host, hosts):
            return name
    return host or "Unknown browser"


def parse_hosts(setting: str | Iterable[str] | None) -> tuple[str, ...]:
    """TRACKER_PUSH_ENDPOINT_HOSTS: a comma list (or a list) of extra host names."""
    if not setting:
        return ()
    items = setting.split(",") if isinstance(setting, str) else setting
    return tuple(h.strip().lower().rstrip(".") for h in items if h and h.strip())


def _host_matches(host: str, patterns: Iterable[str]) -> bool:
    return any(host == p or (p.startswith(".") and host.endswith(p)) for p in patterns)


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    ip = _ip(host)
    return host == "localhost" or (ip is not None and ip.is_loopback)


def endpoint_problem(url: str, extra_hosts: Iterable[str] = ()) -> str | None:
    """Why ``url`` may not be used as a push endpoint, or None when it may."""
    if not isinstance(url, str) or len(url) > ENDPOINT_MAX:
        return f"Must be a URL of at most {ENDPOINT_MAX} characters."
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "Not a valid URL."
    if parts.username or parts.password or not host:
        return "Not a valid push service URL."
    extra = tuple(extra_hosts)
    named = _host_matches(host, extra)
    ip = _ip(host)
    if parts.scheme == "http":
        if named and _is_loopback(host):
            return None
        return "Push endpoints must use https."
    if parts.scheme != "https":
        return "Push endpoints must use https."
    if ip is not None and not named:
        return "Push endpoints must be on a known push service, not an IP address."
    if ip is not None and (ip.is_private or ip.is_link_local or ip.is_reserved) \
            and not ip.is_loopback:
        return "Private and link-local addresses are not allowed."
    if named:
        return None
    if _host_matches(host, KNOWN_PUSH_HOSTS) and parts.port in (None, 443):
        return None
    return "Not a known push service."


def _b64url(text: str) -> bytes | None:
    if not isinstance(text, str) or not text or len(text) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def auth_problem(auth: str) -> str | None:
    raw = _b64url(auth)
    if raw is None or len(raw) != 16:
        return "Must be 16 bytes in URL-safe base64."
    return None


def p256dh_bytes(p256dh: str) -> bytes | None:
    """The decoded key when it has the shape of an uncompressed P-256 point (65 bytes,
    0x04 first); whether it is on the curve is checked with ``cryptography``."""
    raw = _b64url(p256dh)
    if raw is None or len(raw) != 65 or raw[0] != 4:
        return None
    return raw
