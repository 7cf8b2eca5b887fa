"""The per-person data version: a number on the person's row (``User.data_version``)
that the database raises whenever any row of their log data is added, changed or
deleted, in the same transaction as the change. Figures computed from that data are
cached under it (tracker.person_caches), as a cache key carries a version: a write
anywhere makes every cached figure of that person unreachable at once.

Which rows count: every model that takes the ``PersonalData`` mixin. A model that holds
a person's rows without it must be listed in ``NOT_VERSIONED`` with the reason (a test
holds every model to one or the other).

How it is raised (``init_app`` registers the listeners on the app's session):
- ``before_flush``: for the owners of the personal rows the flush adds, changes or
  deletes, ``data_version = data_version + 1`` (computed by the database, so two
  workers writing for one person end two apart, never on the same number);
- ``do_orm_execute``: an INSERT, UPDATE or DELETE statement run through the session
  (``update(Model)``, ``insert(table)``...) bypasses the flush; the owners of the rows
  it writes or matches are raised first, with one UPDATE.

Each person's version is raised once per transaction: the new number commits together
with everything the transaction writes, so no one else sees it before the data, and
nothing of theirs is cached while the transaction is open (tracker.person_caches).
"""
from __future__ import annotations

from functools import cache
from itertools import chain

from sqlalchemy import Select, Update, bindparam, event, select, update
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.attributes import set_committed_value

# Models that hold a person's rows yet do not raise the version: nothing cached under
# it is computed from them.
NOT_VERSIONED = {
    "ApiToken": "tokens sign requests in; no cached figure reads them",
    "Share": "share links are listed live on Settings; no cached figure reads them",
    "ShlLink": "SMART Health Links are listed live on Settings; no cached figure reads them",
    "ShlAccess": "who opened a SMART Health Link, listed live; no cached figure reads it",
    # Today's cached figures say whether reminders can reach the person: a change in
    # that (a reminder added, switched or removed; a device added or gone) raises the
    # version explicitly with ``raise_for`` (tracker/reminders/reach.py), not on every
    # write (the dispatcher moves reminders on and records devices' health each send).
    "PushSubscription": "devices are read live; a change of reach raises it (reminders/reach.py)",
    "Reminder": "reminders are read live; a change of reach raises it (reminders/reach.py)",
    "ReminderDelivery": "the dispatcher's own record of sends; no page caches it",
}


class PersonalData:
    """Mixin of the models that hold a person's log data. ``__data_owner__`` names the
    column holding the person's id (None for rows of no one's, e.g. built-ins)."""

    __data_owner__ = "user_id"

    def data_owner(self) -> int | None:
        """The id of the person this row belongs to, or None."""
        return getattr(self, self.__data_owner__)

    @classmethod
    def owners_where(cls, whereclause) -> Select:  # noqa: ANN001 - an SQL expression or None
        """The ids of the people whose rows of this model ``whereclause`` matches."""
        owner = getattr(cls, cls.__data_owner__)
        query = select(owner).distinct()
        return query if whereclause is None else query.where(whereclause)

    @classmethod
    def owners_of_rows(cls, rows: list[dict]) -> list[int] | Select:
        """The ids of the people whose rows these are (the parameters of an INSERT).
        Rows that do not name their owner count as everyone's: safe, if slow."""
        if not all(cls.__data_owner__ in row for row in rows):
            return cls.owners_where(None)
        return sorted({row[cls.__data_owner__] for row in rows} - {None})


def _models(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += ([sub] if hasattr(sub, "__tablename__") else []) + _models(sub)
    return found


# Table name -> its model, for statements that name a table rather than a model.
_PERSONAL_TABLES: dict[str, type[PersonalData]] = {}

# Marks the UPDATE of the versions themselves, which the bulk listener must not count.
_OWN_UPDATE = "raises_data_version"
# An execution option naming the person a statement writes for, where its parameters
# do not (``insert(session_entry)``), which saves looking them up.
OWNER = "data_owner"
# session.info: the people whose version this transaction has raised. Once is enough:
# the new number commits with everything else the transaction writes, and nothing is
# cached under it meanwhile (``changed_in_this_transaction``).
_RAISED = "data_versions_raised"


def changed_in_this_transaction(session: Session, user_id: int) -> bool:
    """Whether the transaction still open on ``session`` has changed this person's data:
    figures computed now would be kept under a number that is not yet committed."""
    return user_id in session.info.get(_RAISED, ())


def raise_for(session: Session, user_ids: list[int]) -> None:
    """Raise these people's versions in ``session``'s transaction, for a change of
    theirs the listeners do not see (rows of a model in NOT_VERSIONED that a cached
    figure still reads in part)."""
    if user_ids:
        _raise(session, list(user_ids))


def _transaction_ended(session: Session, transaction) -> None:  # noqa: ANN001
    if transaction.parent is None:
        session.info.pop(_RAISED, None)


def init_app(db) -> None:  # noqa: ANN001 - the Flask-SQLAlchemy extension
    """Listen on ``db``'s session for writes to personal rows (once per process: every
    app shares the extension's session factory)."""
    _PERSONAL_TABLES.update((model.__tablename__, model) for model in _models(PersonalData))
    for name, listener in (("before_flush", _raise_on_flush),
                           ("do_orm_execute", _raise_on_statement),
                           ("after_transaction_end", _transaction_ended)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)


def _raise_on_flush(session: Session, _context, _instances) -> None:  # noqa: ANN001
    owners = {owner for obj in chain(session.new, session.dirty, session.deleted)
              if isinstance(obj, PersonalData) and (owner := obj.data_owner()) is not None}
    if owners:
        _raise(session, list(owners))


def _raise_on_statement(state: ORMExecuteState) -> None:
    """An INSERT, UPDATE or DELETE run through the session (ORM-enabled or Core) on a
    personal model's table: the owners of the rows it writes (from its parameters) or
    matches (by its WHERE clause)."""
    statement = state.statement
    if not (state.is_insert or state.is_update or state.is_delete) \
            or state.execution_options.get(_OWN_UPDATE):
        return
    model = _PERSONAL_TABLES.get(statement.table.name)
    if model is None:
        return
    if OWNER in state.execution_options:
        owners = [state.execution_options[OWNER]]
    elif state.is_insert:
        rows = state.parameters if isinstance(state.parameters, list) else [state.parameters]
        owners = model.owners_of_rows(rows)
    else:
        owners = model.owners_where(statement.whereclause)
    if not isinstance(owners, list) or owners:
        _raise(state.session, owners)


def _raise(session: Session, owners: list[int] | Select) -> None:
    """``data_version + 1`` for ``owners`` (ids, or a query of them), in one UPDATE; the
    people's rows already loaded take their new number without a reload."""
    from tracker.auth.models import User  # the models import this module

    done = session.info.setdefault(_RAISED, set())
    if isinstance(owners, list):
        owners = [owner for owner in owners if owner not in done]
        if not owners:
            return
        raised = session.execute(_raise_ids(), {"ids": owners}).all()
    else:
        raised = session.execute(_raise_where(User.__table__.c.id.in_(owners))).all()
    for user_id, version in raised:
        done.add(user_id)
        user = session.identity_map.get(session.identity_key(User, user_id))
        if user is not None:
            set_committed_value(user, "data_version", version)


def _raise_where(condition) -> Update:  # noqa: ANN001 - an SQL expression
    from tracker.auth.models import User

    users = User.__table__
    return (update(users).where(condition)
            .values(data_version=users.c.data_version + 1)
            .returning(users.c.id, users.c.data_version)
            .execution_options(**{_OWN_UPDATE: True}))


@cache
def _raise_ids() -> Update:
    """The UPDATE of every flush that writes personal rows, built once: building and
    keying a statement costs more than running it."""
    from tracker.auth.models import User

    return _raise_where(User.__table__.c.id.in_(bindparam("ids", expanding=True)))
