"""Every model that holds a person's rows raises their data version when it changes
(the ``PersonalData`` mixin) or says why not (``NOT_VERSIONED``): forgetting is a
failing test, not a stale cache."""
from __future__ import annotations

import pytest
from sqlalchemy import ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import tracker.models  # noqa: F401 - every model mapped
from tracker.data_version import NOT_VERSIONED, PersonalData
from tracker.extensions import db


def holds_personal_rows(model: type, personal_tables: set[str]) -> bool:
    """A row of ``model`` belongs to a person: it points at a user, or at a row of a
    table that does (an entry, at its session)."""
    return any(fk.column.table.name == "user" or fk.column.table.name in personal_tables
               for column in model.__table__.columns for fk in column.foreign_keys)


MODELS = sorted((m.class_ for m in db.Model.registry.mappers), key=lambda m: m.__name__)
PERSONAL_TABLES = {m.__tablename__ for m in MODELS if issubclass(m, PersonalData)}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_model_of_a_persons_rows_raises_their_version_or_says_why_not(model):
    if holds_personal_rows(model, PERSONAL_TABLES):
        assert issubclass(model, PersonalData) or model.__name__ in NOT_VERSIONED, (
            f"{model.__name__} holds a person's rows: give it the PersonalData mixin, or "
            "list it in tracker.data_version.NOT_VERSIONED with the reason")
    assert not (issubclass(model, PersonalData) and model.__name__ in NOT_VERSIONED)


def test_every_exemption_names_a_model_and_a_reason():
    names = {m.__name__ for m in MODELS}
    assert set(NOT_VERSIONED) <= names
    assert all(len(reason) > 20 for reason in NOT_VERSIONED.values())


def test_a_new_model_of_a_persons_rows_is_caught():
    class Base(DeclarativeBase):
        metadata = MetaData()

    class User(Base):
        __tablename__ = "user"
        id: Mapped[int] = mapped_column(Integer, primary_key=True)

    class Diary(Base):
        __tablename__ = "diary"
        id: Mapped[int] = mapped_column(primary_key=True)
        user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
        text: Mapped[str] = mapped_column(String(10))

    assert holds_personal_rows(Diary, set())
    assert not holds_personal_rows(User, set())
    assert not issubclass(Diary, PersonalData) and "Diary" not in NOT_VERSIONED
