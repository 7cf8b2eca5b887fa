"""The client_id rules shared by sessions and check-ins. A device makes a UUID for
each record it logs and may send it again (an offline queue, a double tap): the
record sent before answers again, never a second copy. Deleting a record leaves a
tombstone, so its client_id can never bring it back."""
from __future__ import annotations

from functools import cache

from sqlalchemy import Select, bindparam, select

from tracker.auth.models import User
from tracker.domain.wording import N_
from tracker.errors import Gone
from tracker.extensions import db
from tracker.logbook.models import Checkin, DeletedRecord, StretchSession

Record = StretchSession | Checkin


@cache
def _stored_or_deleted(model: type[Record]) -> Select:
    """(id of the record sent under :client_id, whether such a record was deleted)
    for :user_id, in one round trip. Built once, as the API's other per-request
    statements are: building and keying a statement costs more than running it."""
    user_id, client_id = bindparam("user_id"), bindparam("client_id")
    stored = select(model.id).where(model.user_id == user_id, model.client_id == client_id)
    deleted = select(DeletedRecord.id).where(
        DeletedRecord.user_id == user_id, DeletedRecord.kind == model.__tablename__,
        DeletedRecord.client_id == client_id)
    return select(stored.scalar_subquery(), deleted.exists())


def sent_before(user: User, model: type[Record], client_id: str) -> Record | None:
    """The record this person's device sent under ``client_id`` before, or None; a
    Gone (410) if such a record was deleted."""
    found_id, was_deleted = db.session.execute(
        _stored_or_deleted(model), {"user_id": user.id, "client_id": client_id}).one()
    if found_id is not None:
        return db.session.get(model, found_id)
    if was_deleted:
        raise Gone(N_("This was deleted; it is not created again."),
                   {"client_id": [N_("Belongs to a deleted record.")]})
    return None


def delete_with_tombstone(user: User, record: Record) -> None:
    db.session.add(DeletedRecord(user_id=user.id, kind=record.__tablename__,
                                 client_id=record.client_id))
    db.session.delete(record)
    db.session.flush()
