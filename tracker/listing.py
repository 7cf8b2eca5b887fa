"""The list envelope every collection answers with: ``{"items": [...], "meta": {...}}``,
the page bounds, and a page of a query."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Select, func, select

from tracker.extensions import db

from flask import current_app
from marshmallow import Schema, fields



class ListMeta(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()


@lru_cache(maxsize=None)
def envelope(item_schema: type[Schema]) -> type[Schema]:
    """A schema class ``{"items": [item_schema], "meta": ListMeta}`` (one per item type,
    so the OpenAPI document names each once)."""
    name = item_schema.__name__.removesuffix("Schema") + "List"
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "meta": fields.Nested(ListMeta),
    })


def page_bounds(args: dict) -> tuple[int, int]:
    per_page = args.get("per_page") or current_app.config["PAGE_SIZE_DEFAULT"]
    per_page = min(per_page, current_app.config["PAGE_SIZE_MAX"])
    return args.get("page", 1), per_page


def listed(items: list, total: int | None = None, page: int = 1, per_page: int | None = None) -> dict:
    total = len(items) if total is None else total
    per_page = per_page or max(total, 1)
    return {"items": items,
            "meta": {"total": total, "page": page, "per_page": per_page,
                     "pages": (total + per_page - 1) // per_page}}


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int


def paged(query: Select, order, page: int, per_page: int) -> Page:  # noqa: ANN001
    """Page ``page`` of ``query`` in ``order``, with the count of all its rows."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)))
    return Page(items, total or 0, page, per_page)


def in_range(query: Select, column, date_from: dt.date | None, date_to: dt.date | None) -> Select:  # noqa: ANN001
    """``query`` limited to ``date_from`` <= ``column`` <= ``date_to`` (either open)."""
    if date_from:
        query = query.where(column >= date_from)
    if date_to:
        query = query.where(column <= date_to)
    return query
