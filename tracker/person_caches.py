"""Figures derived from a person's data (Today's figures, their stretch library,
progress, pages of lists), kept per worker process under the person's data version
(tracker.data_version), which is read with the person's row that every request loads
anyway: a hit costs no query, and nothing stale is ever served. A key also holds what
else the figure depends on (the local day, the time zone), so "today" moves at the
person's midnight. Each app holds its own caches (``cache_of``)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Generic, TypeVar

from flask import current_app

from tracker.data_version import changed_in_this_transaction
from tracker.extensions import db
from tracker.i18n import current

if TYPE_CHECKING:
    from tracker.auth.models import User

T = TypeVar("T")


class VersionedCache(Generic[T]):
    """A bounded LRU of ``key -> (version, value)``; a value is returned only under
    the version it was made for. Thread-safe; ``size`` 0 turns it off."""

    def __init__(self) -> None:
        self._items: OrderedDict[Hashable, tuple[int, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, version: int, size: int, make: Callable[[], T]) -> T:
        if size <= 0:
            return make()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] == version:
                self._items.move_to_end(key)
                return hit[1]
        value = make()
        with self._lock:
            self._items[key] = (version, value)
            self._items.move_to_end(key)
            while len(self._items) > size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def cache_of(name: str) -> VersionedCache:
    """The app's cache called ``name``: each app has its own, so two apps in one
    process (the tests make one per test, each with its own database) share nothing."""
    caches = current_app.extensions.setdefault("person_caches", {})
    return caches.get(name) or caches.setdefault(name, VersionedCache())


def cached_for(user: User, name: str, key: tuple, size_setting: str, make: Callable[[], T],
               per_language: bool = True) -> T:
    """``make()``'s value for ``user`` and ``key`` (the rest of what it depends on: the
    local day, the time zone...) and the language it is said in, from the app's cache
    ``name``, whose size is the config value ``size_setting``, while the person's data
    version is unchanged. ``per_language=False``: the value is the same in every
    language (the JSON API's English)."""
    if changed_in_this_transaction(db.session(), user.id):
        return make()  # not yet committed: no number to keep it under
    language = current() if per_language else None
    return cache_of(name).get_or_make((user.id, language, *key), user.data_version,
                                      current_app.config[size_setting], make)
