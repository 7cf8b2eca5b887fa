"""tracker.person_caches.VersionedCache: a value only under the version it was made for,
bounded, least recently used first out, and off at size 0."""
from __future__ import annotations

import pytest

from tracker.person_caches import VersionedCache


class Maker:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"value {self.calls}"


@pytest.mark.parametrize(("versions", "made"), [
    ((1, 1, 1), 1),     # hits
    ((1, 2, 2), 2),     # a new version is a miss, then a hit
    ((1, 2, 1), 3),     # an older version is never served what a newer one made
])
def test_a_value_only_under_its_version(versions, made):
    cache, make = VersionedCache(), Maker()
    for version in versions:
        cache.get_or_make("k", version, 10, make)
    assert make.calls == made


def test_least_recently_used_goes_first():
    cache, make = VersionedCache(), Maker()
    for key in ("a", "b"):
        cache.get_or_make(key, 0, 2, make)
    cache.get_or_make("a", 0, 2, make)  # "a" used: "b" is now the oldest
    cache.get_or_make("c", 0, 2, make)
    calls = make.calls
    assert cache.get_or_make("a", 0, 2, make) == "value 1"
    cache.get_or_make("b", 0, 2, make)
    assert make.calls == calls + 1


def test_size_zero_always_makes():
    cache, make = VersionedCache(), Maker()
    for _ in range(3):
        cache.get_or_make("k", 1, 0, make)
    assert make.calls == 3
