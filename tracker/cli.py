"""``flask --app tracker ...`` commands beyond Flask-Migrate's ``db`` group."""
from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    pass
