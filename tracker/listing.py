"""The list envelope every collection answers with: ``{"items": [...], "meta": {...}}``,
and the page bounds."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app
from marshmallow import Schema, fields

from tracker.schemas import DumpSchema


class ListMeta(DumpSchema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()


@lru_cache(maxsize=None)
def envelope(item_schema: type[Schema]) -> type[DumpSchema]:
    """A schema class ``{"items": [item_schema], "meta": ListMeta}`` (one per item type,
    so the OpenAPI document names each once)."""
    name = item_schema.__name__.removesuffix("Schema") + "List"
    return type(name, (DumpSchema,), {
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
