"""The import's rate limit: each import may hold SQLite's write lock for seconds, so a
person gets a few an hour, through the API and the Settings upload together."""
from __future__ import annotations

from flask import current_app
from flask_login import current_user

from tracker.extensions import limiter

import_limit = limiter.shared_limit(
    lambda: current_app.config["IMPORT_RATE_LIMIT"], scope="import",
    key_func=lambda: f"user:{current_user.id}", methods=["POST"],
    exempt_when=lambda: not current_user.is_authenticated)
