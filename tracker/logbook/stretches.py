"""The stretch library of one person: the built-ins and their own stretches, as the
API and the pages list them, and the custom stretches they add, change and remove.

Every query is scoped to the person: another person's stretch is simply not found.
Callers commit."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select, true
from sqlalchemy.exc import IntegrityError

from tracker.auth.models import User
from tracker.catalog import shown
from tracker.domain import safety
from tracker.domain.wording import N_
from tracker.errors import Conflict, Forbidden, Invalid, NotFound
from tracker.extensions import db
from tracker.logbook.models import SessionEntry, Stretch, StretchSession
from tracker.person_caches import cached_for


def own_or_builtin(user: User) -> Select:
    """Every stretch of this person's, archived ones included (old sessions name them)."""
    return select(Stretch).where(or_(Stretch.owner_id.is_(None), Stretch.owner_id == user.id))


def visible(user: User) -> Select:
    """The library this person chooses from: built-ins and their own, not archived."""
    return own_or_builtin(user).where(Stretch.archived_at.is_(None))


def visible_stretches(user: User) -> list[Stretch]:
    return list(db.session.scalars(
        visible(user).order_by(Stretch.owner_id.is_not(None), Stretch.id)))


@dataclass(frozen=True)
class StretchCard:
    """A stretch as the log form and Today show it: a copy of its row, apart from the
    database, so a worker can keep it (``library``, Today's plan)."""

    id: int
    owner_id: int | None
    slug: str
    name: str
    spine: str
    hold_seconds: int
    reps: int
    per_side: bool
    needs_helper: bool
    measures_angle: bool
    archived_at: dt.datetime | None = None

    @property
    def builtin(self) -> bool:
        return self.owner_id is None

    @property
    def shown_name(self) -> str:
        """The name as pages show it (tracker.catalog.shown)."""
        return shown(self.name, self.builtin)

    @classmethod
    def of(cls, s: Stretch) -> StretchCard:
        return cls(s.id, s.owner_id, s.slug, s.name, s.spine, s.hold_seconds, s.reps,
                   s.per_side, s.needs_helper, s.measures_angle, s.archived_at)


def library(user: User) -> tuple[StretchCard, ...]:
    """``visible_stretches`` as cards, from the per-worker cache while the person's
    data version is unchanged (their own stretches are part of their data)."""
    return cached_for(user, "library", (), "TODAY_CACHE_SIZE",
                      lambda: tuple(map(StretchCard.of, visible_stretches(user))))


def stretch_by_slug(user: User, slug: str) -> Stretch:
    found = db.session.scalar(visible(user).where(Stretch.slug == slug))
    if found is None:
        raise NotFound(N_("No such stretch."))
    return found


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:60].strip("-")


# Page addresses under /stretches/ that a stretch's slug would hide.
RESERVED_SLUGS = frozenset({"new"})


def create_custom_stretch(user: User, data: dict) -> Stretch:
    if data.get("slug") in RESERVED_SLUGS:
        raise Invalid.field("slug", N_("This slug is reserved: choose another."))
    slug = data.get("slug") or slugify(data["name"])
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-stretch"
    if not slug:
        raise Invalid.field("slug", N_("Give a slug: the name has no letters or digits."))
    if db.session.scalar(own_or_builtin(user).where(Stretch.slug == slug)) is not None:
        raise Conflict("That slug is taken.", {"slug": ["Already used by another stretch."]})
    stretch = Stretch(owner_id=user.id, **{**data, "slug": slug})
    db.session.add(stretch)
    try:
        db.session.flush()
    except IntegrityError:
        # A concurrent request (a double tap) took the slug between check and insert.
        db.session.rollback()
        raise Conflict("That slug is taken.",
                       {"slug": ["Already used by another stretch."]}) from None
    return stretch


def own_stretch(user: User, slug: str) -> Stretch:
    """A custom stretch of this person's, to change or remove; built-ins are read-only."""
    stretch = stretch_by_slug(user, slug)
    if stretch.builtin:
        raise Forbidden(N_("Built-in stretches cannot be changed or removed."))
    return stretch


def update_custom_stretch(user: User, slug: str, data: dict) -> Stretch:
    """Change a custom stretch; its slug stays, so logged sessions keep naming it."""
    stretch = own_stretch(user, slug)
    for field, value in data.items():
        setattr(stretch, field, value)
    db.session.flush()
    return stretch


def remove_custom_stretch(user: User, slug: str, now: dt.datetime) -> bool:
    """Remove a custom stretch: deleted if no session names it, else archived (True).
    An archived stretch gives its slug back so a new stretch may use the name again."""
    stretch = own_stretch(user, slug)
    used = db.session.scalar(select(SessionEntry.id).where(
        SessionEntry.stretch_id == stretch.id).limit(1)) is not None
    if not used:
        db.session.delete(stretch)
        db.session.flush()
        return False
    suffix = f"-archived-{stretch.id}"
    stretch.slug = stretch.slug[:60 - len(suffix)].rstrip("-") + suffix
    stretch.archived_at = now
    db.session.flush()
    return True


def caution_slugs(user: User) -> frozenset[str]:
    """Stretches this person has marked as making pain worse in enough sessions to warn
    (a session counts once, however many of its entries, e.g. both legs, were marked).
    ``worse == true()`` (not ``IS``) matches the partial index ix_session_entry_worse,
    so the query reads the few marked entries, not every entry of the history."""
    return safety.stretches_to_caution(dict(db.session.execute(worse_counts(user)).all()))


def worse_counts(user: User) -> Select:
    """(slug, sessions in which it was marked "made it worse") for ``user``."""
    return (
        select(Stretch.slug, func.count(SessionEntry.session_id.distinct()))
        .select_from(SessionEntry)
        .join(StretchSession, StretchSession.id == SessionEntry.session_id)
        .join(Stretch, Stretch.id == SessionEntry.stretch_id)
        .where(SessionEntry.worse == true(), StretchSession.user_id == user.id)
        .group_by(Stretch.slug))
