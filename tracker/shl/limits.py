"""The manifest's rate limit, per client address: on top of the 10-try passcode lock,
so no one address can walk through many links' passcodes or hammer the slow hash."""
from __future__ import annotations

from flask import current_app

from tracker.extensions import limiter

MANIFEST_RATE_LIMIT = "30 per minute;300 per hour"

manifest_limit = limiter.shared_limit(
    lambda: current_app.config.get("SHL_MANIFEST_RATE_LIMIT", MANIFEST_RATE_LIMIT),
    scope="shl-manifest", methods=["POST"])
