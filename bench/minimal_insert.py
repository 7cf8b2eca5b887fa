"""A reference for writes: the least a Flask + Flask-SQLAlchemy app can do per POST, one
ORM INSERT of the request's client_id with no sign-in, no validation and no answer
beyond the id, on the same database and SQLite settings as the app (WAL, synchronous
NORMAL, a busy timeout, BEGIN IMMEDIATE). ``make bench`` serves it with the same
gunicorn command (``gunicorn bench.minimal_insert:app``, the database in
$BENCH_MINIMAL_DB, its table made beforehand by ``make_table``) and drives it with the
same POST body, so the app's session POST can be read against what any write through
this stack costs here."""
from __future__ import annotations

import os

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("BENCH_MINIMAL_DB", "sqlite://")
db = SQLAlchemy(app, model_class=Base)


class Item(db.Model):
    __tablename__ = "bench_minimal_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)


with app.app_context():
    engine = db.engine
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _tune(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None
            for pragma in ("busy_timeout = 15000", "journal_mode = WAL", "synchronous = NORMAL"):
                dbapi_conn.execute(f"PRAGMA {pragma}")

        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_table(url: str) -> None:
    """Once, before gunicorn starts (two workers making it at once would race)."""
    engine = create_engine(url)
    Item.__table__.create(engine, checkfirst=True)
    engine.dispose()


@app.post("/")
def insert():
    item = Item(client_id=request.get_json()["client_id"])
    db.session.add(item)
    db.session.commit()
    return {"id": item.id, "client_id": item.client_id}, 201
