"""What every section's import shares: ``ImportRun``, one import in progress, which
each section's import function (listed in tracker/sharing/sections.py) is handed and
counts its rows into. The rules of each section live with its feature's transfer
module; tracker.sharing.service runs them all in one transaction."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tracker.auth.models import User


@dataclass
class ImportRun:
    """One import in progress: the account, the instant, and the summary so far."""

    user: User
    now: dt.datetime
    created: dict[str, int] = field(default_factory=dict)
    already_there: dict[str, int] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)

    def count(self, key: str, created: bool) -> None:
        """One row of section ``key``: new, or one the account already had."""
        bucket = self.created if created else self.already_there
        bucket[key] = bucket.get(key, 0) + 1

    def skip(self, key: str, ident: str | None, reason: str) -> None:
        """A row of section ``key`` left out, and why (shown in the summary)."""
        self.skipped.append({"section": key, "id": ident, "reason": reason})

    def summary(self, keys: list[str]) -> dict:
        return {"created": {k: self.created.get(k, 0) for k in keys},
                "already_there": {k: self.already_there.get(k, 0) for k in keys},
                "skipped": self.skipped}
