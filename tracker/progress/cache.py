"""A per-process cache of progress answers, checked against the person's data on
every request, so it can never serve stale figures.

Computing a year of figures costs tens of milliseconds; telling whether anything
changed costs one small query (``data_version``): the counts, highest ids and latest
edits of the person's sessions, entries, check-ins, tombstones and programmes. Any
write changes one of them (a created row raises a count and an id; a deleted row
lowers a count and leaves a tombstone; an edited session moves ``updated_at`` and
its replaced entries get new, higher ids; ending a programme sets ``ended_at``). The key also
holds the range, the person's local "today" and time zone, so the window moves at
their midnight. Each worker process keeps its own bounded LRU.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.logbook.models import Checkin, DeletedRecord, SessionEntry, StretchSession
from tracker.programs.models import Program


def data_version(user_id: int) -> tuple:
    """Everything that changes when the person's data does, in one round trip."""
    entries = (select(SessionEntry.id).join(StretchSession, StretchSession.id == SessionEntry.session_id)
               .where(StretchSession.user_id == user_id).subquery())

    def of(column, where):  # noqa: ANN001, ANN202
        return select(column).where(where).scalar_subquery()

    mine = {StretchSession: StretchSession.user_id == user_id, Checkin: Checkin.user_id == user_id,
            DeletedRecord: DeletedRecord.user_id == user_id, Program: Program.user_id == user_id}
    row = db.session.execute(select(
        of(func.count(StretchSession.id), mine[StretchSession]),
        of(func.max(StretchSession.id), mine[StretchSession]),
        of(func.max(StretchSession.updated_at), mine[StretchSession]),
        # Replacing a session's entries inserts new rows before deleting the old ones,
        # so the highest entry id always moves; a count would add a second scan.
        select(func.max(entries.c.id)).scalar_subquery(),
        of(func.count(Checkin.id), mine[Checkin]),
        of(func.max(Checkin.id), mine[Checkin]),
        of(func.count(DeletedRecord.id), mine[DeletedRecord]),
        of(func.count(Program.id), mine[Program]),
        of(func.max(Program.id), mine[Program]),
        of(func.max(Program.ended_at), mine[Program]),
    )).one()
    return tuple(row)


class AnswerCache:
    def __init__(self) -> None:
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, version: tuple, size: int,
                    make: Callable[[], tuple[str, str]]) -> tuple[str, str]:
        """(body, etag) for ``key`` if cached under the same ``version``; else made."""
        if size <= 0:
            return make()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] == version:
                self._items.move_to_end(key)
                return hit[1]
        answer = make()
        with self._lock:
            self._items[key] = (version, answer)
            self._items.move_to_end(key)
            while len(self._items) > size:
                self._items.popitem(last=False)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


answers = AnswerCache()
