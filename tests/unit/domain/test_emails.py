"""Email addresses as account names (tracker.domain.emails): look-alikes collapse
into one canonical spelling or are refused."""
from __future__ import annotations

import pytest

from tracker.domain.emails import UnsafeEmail, lookup_email, normalize_email


@pytest.mark.parametrize(("raw", "canonical"), [
    ("bad@example.com", "bad@example.com"),
    ("  Bad@Example.COM ", "bad@example.com"),
    ("ｂａｄ＠ｅｘａｍｐｌｅ．ｃｏｍ", "bad@example.com"),   # full-width forms
    ("BAD@EXAMPLE.COM", "bad@example.com"),
    ("straße@example.com", "strasse@example.com"),       # casefold, not lower
    ("ﬀ@example.com", "ff@example.com"),                   # compatibility ligature
])
def test_look_alikes_become_one_address(raw, canonical):
    assert normalize_email(raw) == canonical


@pytest.mark.parametrize("raw", [
    "bad\u200b@example.com",   # zero-width space
    "bad@exa\u200dmple.com",   # zero-width joiner
    "\ufeffbad@example.com",   # byte-order mark
    "bad\u202e@example.com",   # right-to-left override
    "bad\x07@example.com",     # control character
    "bad\u00a0x@example.com",  # no-break space inside
    "bad x@example.com",       # a space inside
    "bad\u2028@example.com",   # line separator
])
def test_invisible_characters_are_refused(raw):
    with pytest.raises(UnsafeEmail):
        normalize_email(raw)
    assert lookup_email(raw) is None


def test_normalizing_twice_changes_nothing():
    once = normalize_email("ＭＩＸＥＤ.Case@Example.org")
    assert normalize_email(once) == once


@pytest.mark.parametrize("raw", [
    '"<script>"@example.com',
    '"a..b"@example.com',
    '"a"b@example.com',
    "＂x＂@example.com",  # full-width quotation marks become plain ones
])
def test_quoted_local_parts_are_refused(raw):
    with pytest.raises(UnsafeEmail, match="quotation mark"):
        normalize_email(raw)


def test_sign_in_still_finds_an_address_stored_with_quotes():
    """An account registered before quotes were refused keeps signing in."""
    assert lookup_email('"Old"@Example.com') == '"old"@example.com'
