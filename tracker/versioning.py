"""The per-person data version, and caches of figures derived from a person's data.

``User.data_version`` is raised, in the same flush and by the database itself
(``data_version + 1``, so concurrent writers never agree on one number), whenever a
row that holds a person's log data is added, changed or deleted: the models that
hold such rows take the ``PersonalData`` mixin. The one write that bypasses the
flush (creating a session or check-in, tracker.logbook.service) raises it in the
same transaction with ``raise_version_now``. A figure computed from that data
(Today's figures, the stretch library, progress, pages of lists) is cached per
worker process under the version read with the person's row, which every request
loads anyway: a cache hit costs no query, and a write anywhere makes every cached
figure of that person unreachable at once, so nothing stale is ever served. The key
also holds the local day and time zone, so "today" moves at the person's midnight.
Each app holds its own caches (``cache_of``).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cache
from itertools import chain
from typing import TYPE_CHECKING, Generic, TypeVar

from flask import current_app
from sqlalchemy import bindparam, event, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.auth.models import User

T = TypeVar("T")


class PersonalData:
    """Mixin of the models that hold a person's log data. ``_data_owner()`` names the
    person (a user id, or None for rows that belong to no one, e.g. built-ins)."""

    __data_owner__ = "user_id"

    def _data_owner(self) -> int | None:
        return getattr(self, self.__data_owner__)


@event.listens_for(Session, "before_flush")
def _raise_versions(session: Session, _context, _instances) -> None:  # noqa: ANN001
    from tracker.auth.models import User  # the models import this module

    owners = {owner for obj in chain(session.new, session.dirty, session.deleted)
              if isinstance(obj, PersonalData) and (owner := obj._data_owner()) is not None}
    for user_id in owners:
        user = session.get(User, user_id)
        if user is not None and user not in session.deleted:
            # An SQL expression, not a Python sum: two workers writing for the same
            # person at once end two apart, never on the same number.
            user.data_version = User.data_version + 1


def raise_version_now(user: User) -> None:
    """Raise ``user``'s data version at once, in one UPDATE, for a write that inserts
    without the ORM's flush; the row in memory takes the new number."""
    new = db.session.execute(_bump(), {"user_id": user.id}).scalar_one()
    set_committed_value(user, "data_version", new)


@cache
def _bump():  # noqa: ANN202 - an Update statement, built once
    from tracker.auth.models import User

    table = User.__table__
    return (update(table).where(table.c.id == bindparam("user_id"))
            .values(data_version=table.c.data_version + 1).returning(table.c.data_version))


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
    caches = current_app.extensions.setdefault("versioned_caches", {})
    return caches.get(name) or caches.setdefault(name, VersionedCache())


def cached_for(user: User, name: str, key: tuple, size_setting: str, make: Callable[[], T]) -> T:
    """``make()``'s value for ``user`` and ``key`` (the rest of what it depends on: the
    local day, the time zone...), from the app's cache ``name``, whose size is the
    config value ``size_setting``, while the person's data version is unchanged."""
    return cache_of(name).get_or_make((user.id, *key), user.data_version,
                                      current_app.config[size_setting], make)
