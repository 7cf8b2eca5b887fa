"""What the API and the Settings page show of a link."""
from __future__ import annotations

import datetime as dt

from tracker.shl.models import ShlLink
from tracker.shl.service import NewLink


def link_out(link: ShlLink, now: dt.datetime, counts: dict[int, int],
             made: NewLink | None = None) -> dict:
    out = {"id": link.id, "label": link.label, "days": link.days,
           "created_at": link.created_at, "expires_at": link.expires_at,
           "revoked_at": link.revoked_at, "disabled_at": link.disabled_at,
           "status": link.status(now), "passcode": link.passcode_hash is not None,
           "accesses": counts.get(link.id, 0)}
    if made is not None:
        out |= {"shlink": made.shlink, "viewer_url": made.viewer_url,
                "qr_svg_url": made.qr_svg_url}
    return out
