"""Which push endpoints the server may call, and key shapes (tracker/domain/push_endpoints.py)."""
from __future__ import annotations

import base64

import pytest

from tracker.domain import push_endpoints as pe


@pytest.mark.parametrize("url", [
    "https://fcm.googleapis.com/fcm/send/abc", "https://android.googleapis.com/gcm/send/abc",
    "https://updates.push.services.mozilla.com/wpush/v2/abc", "https://web.push.apple.com/abc",
    "https://api.push.apple.com/abc", "https://db5p.notify.windows.com/w/?token=abc",
    "https://FCM.googleapis.com./fcm/send/abc", "https://fcm.googleapis.com:443/x",
])
def test_known_services(url):
    assert pe.endpoint_problem(url) is None


@pytest.mark.parametrize("url, extra", [
    ("http://127.0.0.1:8123/device", ("127.0.0.1",)),
    ("http://localhost:9/d", ("localhost",)),
    ("http://[::1]:9/d", ("::1",)),
    ("https://push.example.org/d", ("push.example.org",)),
    ("https://a.push.example.org/d", (".push.example.org",)),
])
def test_named_hosts(url, extra):
    assert pe.endpoint_problem(url, extra) is None


@pytest.mark.parametrize("url, extra", [
    ("http://fcm.googleapis.com/x", ()), ("https://example.com/x", ()),
    ("https://fcm.googleapis.com.evil.test/x", ()), ("https://xfcm.googleapis.com/x", ()),
    ("https://10.1.2.3/x", ()), ("https://172.16.0.1/x", ()), ("https://192.168.0.1/x", ()),
    ("https://169.254.169.254/x", ()), ("https://[fe80::1]/x", ()), ("https://[fd00::1]/x", ()),
    ("https://127.0.0.1/x", ()), ("https://8.8.8.8/x", ()),
    ("http://10.0.0.1/x", ("10.0.0.1",)),           # http only for loopback
    ("https://10.0.0.1/x", ("10.0.0.1",)),          # private even when named
    ("http://example.org/x", ("example.org",)),     # http only for loopback
    ("http://127.0.0.2/x", ("127.0.0.1",)),         # another loopback, not named
    ("https://u:p@fcm.googleapis.com/x", ()), ("https://fcm.googleapis.com:444/x", ()),
    ("javascript:alert(1)", ()), ("", ()), (None, ()), ("https://", ()),
    ("https://fcm.googleapis.com:notaport/x", ()),
    ("https://fcm.googleapis.com/" + "a" * 1100, ()),
])
def test_refused(url, extra):
    assert pe.endpoint_problem(url, extra)


@pytest.mark.parametrize("setting, hosts", [
    ("", ()), (None, ()), ("127.0.0.1", ("127.0.0.1",)),
    (" a.test , B.test.,", ("a.test", "b.test")), (["x.test"], ("x.test",)),
])
def test_parse_hosts(setting, hosts):
    assert pe.parse_hosts(setting) == hosts


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize("raw, ok", [(b"\x00" * 16, True), (b"\x00" * 15, False), (b"\x00" * 17, False)])
def test_auth_secret_is_16_bytes(raw, ok):
    assert (pe.auth_problem(_b64(raw)) is None) is ok


@pytest.mark.parametrize("text", ["", "!!!!", "A" * 201, None])
def test_auth_secret_garbage(text):
    assert pe.auth_problem(text)


@pytest.mark.parametrize("raw, ok", [(b"\x04" + b"\x01" * 64, True), (b"\x02" + b"\x01" * 64, False),
                                     (b"\x04" + b"\x01" * 63, False), (b"", False)])
def test_p256dh_shape(raw, ok):
    assert (pe.p256dh_bytes(_b64(raw)) is not None) is ok
