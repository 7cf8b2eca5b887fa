"""PSFS use cases: name, rename and retire activities (at most five active), rate them
(a set of 0-10 scores, idempotent by the device's client_id), and the read side that
Progress, the report and Today use (``summary``, ``last_rated_on``). Callers commit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tracker.auth.models import User
from tracker.database import before_writing
from tracker.domain import psfs
from tracker.domain.clock import local_date
from tracker.domain.wording import N_, Text
from tracker.errors import Conflict, Invalid, NotFound
from tracker.extensions import db
from tracker.logbook.sessions import check_time
from tracker.psfs.models import PsfsActivity, PsfsRating, PsfsScore

LIST_MAX = 1000  # rating sets in a list: a weekly rating for nearly twenty years


# ---------------------------------------------------------------- activities


def list_activities(user: User) -> list[PsfsActivity]:
    """The person's activities, active ones first, each group oldest first."""
    return list(db.session.scalars(select(PsfsActivity).where(PsfsActivity.user_id == user.id)
                                   .order_by(PsfsActivity.active.desc(), PsfsActivity.id)))


def active_activities(user: User) -> list[PsfsActivity]:
    return [a for a in list_activities(user) if a.active]


def get_activity(user: User, activity_id: int) -> PsfsActivity:
    activity = db.session.scalar(select(PsfsActivity).where(
        PsfsActivity.id == activity_id, PsfsActivity.user_id == user.id))
    if activity is None:
        raise NotFound(N_("No such activity."))
    return activity


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    problem = psfs.name_problem(name)
    if problem:
        raise Invalid.field("name", problem)
    return name


def _lock(user: User) -> None:
    """Concurrent changes of one person's activities queue here (PostgreSQL; SQLite's
    writing request holds the write lock already), so the count sees each other's rows."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())


def _active_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(PsfsActivity).where(
        PsfsActivity.user_id == user.id, PsfsActivity.active.is_(True))) or 0


def _refuse_sixth(user: User, field: str) -> None:
    if psfs.too_many_active(_active_count(user)):
        raise Conflict(Text("At most %(num)s activities at a time: retire one first.",
                            num=psfs.ACTIVE_MAX),
                       {field: [Text("You already have %(num)s activities in use: stop rating "
                                     "one first.", num=psfs.ACTIVE_MAX)]})


def add_activity(user: User, data: dict, now: dt.datetime) -> PsfsActivity:
    name = _clean_name(data["name"])
    _lock(user)
    _refuse_sixth(user, "name")
    activity = PsfsActivity(user_id=user.id, name=name, active=True, created_at=now)
    db.session.add(activity)
    db.session.flush()
    return activity


def change_activity(user: User, activity_id: int, data: dict, now: dt.datetime) -> PsfsActivity:
    """Rename, retire (``active`` false: its ratings stay) or bring one back."""
    activity = get_activity(user, activity_id)
    if "name" in data:
        activity.name = _clean_name(data["name"])
    if data.get("active") is True and not activity.active:
        _lock(user)
        _refuse_sixth(user, "active")
        activity.active, activity.retired_at = True, None
    elif data.get("active") is False and activity.active:
        activity.active, activity.retired_at = False, now
    db.session.flush()
    return activity


# ---------------------------------------------------------------- ratings


def _sent_before(user: User, client_id: str) -> PsfsRating | None:
    return db.session.scalar(select(PsfsRating).where(PsfsRating.user_id == user.id,
                                                      PsfsRating.client_id == client_id))


def rate(user: User, data: dict, now: dt.datetime) -> tuple[PsfsRating, bool]:
    """(rating set, created): a new set from the validated body ``data``, or the one this
    device sent before under the same client_id. An activity that is not the person's
    is a NotFound; one retired or rated twice in the set is an Invalid naming it."""
    with before_writing():
        replayed = _sent_before(user, data["client_id"])
        if replayed is not None:
            return replayed, False
        # In UTC, as it reads back from the database: a replay answers the same body.
        rated_at = (data.get("rated_at") or now).astimezone(dt.timezone.utc)
        check_time("rated_at", rated_at, now)
        ids = [s["activity_id"] for s in data["scores"]]
        mine = {a.id: a for a in db.session.scalars(select(PsfsActivity).where(
            PsfsActivity.user_id == user.id, PsfsActivity.id.in_(set(ids))))}
    if any(i not in mine for i in ids):
        raise NotFound(N_("No such activity."))
    problem = psfs.set_problem(ids, [a.id for a in mine.values() if a.active])
    if problem:
        index, why = problem
        raise Invalid.field(f"scores.{index}.activity_id" if index >= 0 else "scores", why)
    rating = PsfsRating(user_id=user.id, client_id=data["client_id"], rated_at=rated_at,
                        local_date=local_date(rated_at, user.timezone), created_at=now)
    rating.scores = [PsfsScore(user_id=user.id, activity=mine[s["activity_id"]],
                               score=s["score"]) for s in data["scores"]]
    db.session.add(rating)
    try:
        db.session.flush()
    except IntegrityError:
        # A twin request with the same client_id (a double tap) inserted first.
        db.session.rollback()
        twin = _sent_before(user, data["client_id"])
        if twin is None:
            raise
        return twin, False
    return rating, True


def list_ratings(user: User, since: dt.date | None = None,
                 limit: int | None = LIST_MAX) -> list[PsfsRating]:
    """The person's rating sets, oldest first: the latest ``limit`` of them (None: all),
    from ``since``'s local day on when given."""
    query = select(PsfsRating).where(PsfsRating.user_id == user.id)
    if since is not None:
        query = query.where(PsfsRating.local_date >= since)
    newest = query.order_by(PsfsRating.rated_at.desc(), PsfsRating.id.desc())
    if limit is not None:
        newest = newest.limit(limit)
    return list(reversed(db.session.scalars(newest).all()))


def last_rated_on(user_id: int) -> dt.date | None:
    """The local day of the person's latest rating set, or None."""
    return db.session.scalar(select(PsfsRating.local_date).where(PsfsRating.user_id == user_id)
                             .order_by(PsfsRating.rated_at.desc()).limit(1))


@dataclass(frozen=True)
class Prompt:
    """Today's "How are these going?": the active activities to rate (id, name), or
    none yet (an offer to name some), and the day of the last rating."""
    activities: tuple[tuple[int, str], ...]
    last_rated: dt.date | None


def prompt(user: User, today: dt.date) -> Prompt | None:
    """What Today asks about the PSFS, or None: a week after the last rating; before
    a first one, once the person has used the app for a week. Nobody who has retired
    every activity is asked."""
    last = last_rated_on(user.id)
    if not psfs.due(today, last, local_date(user.created_at, user.timezone)):
        return None
    active = tuple((a.id, a.name) for a in active_activities(user))
    if not active and last is not None:
        return None
    return Prompt(active, last)


# ---------------------------------------------------------------- the read side


@dataclass(frozen=True)
class ActivityTrend:
    id: int
    name: str
    active: bool
    first: int
    last: int
    change: int
    meaningful: bool


@dataclass(frozen=True)
class Summary:
    """The PSFS part of Progress and the report: the mean's change from the first set
    to the last, each activity's, and the mean of every set."""
    mean: psfs.Change
    activities: list[ActivityTrend]
    ratings: list[dict]                  # {rated_at, local_date, mean, scores {activity id: score}}

    @property
    def sentence(self) -> str:
        return psfs.sentence(self.mean, len(self.ratings))


def summary(user: User, ratings: list[PsfsRating] | None = None) -> Summary | None:
    """The summary of ``ratings`` (default: all the person's), None before a first one."""
    ratings = list_ratings(user) if ratings is None else ratings
    if not ratings:
        return None
    means = [r.mean for r in ratings]
    per_activity: dict[int, list[int]] = {}
    activities: dict[int, PsfsActivity] = {}
    for r in ratings:
        for s in r.scores:
            per_activity.setdefault(s.activity_id, []).append(s.score)
            activities[s.activity_id] = s.activity
    trends = []
    for activity_id, scores in per_activity.items():
        change = psfs.activity_change(scores)
        a = activities[activity_id]
        trends.append(ActivityTrend(a.id, a.name, a.active, int(change.first), int(change.last),
                                    int(change.change), change.meaningful))
    trends.sort(key=lambda t: (not t.active, t.id))
    return Summary(psfs.mean_change(means), trends,
                   [{"rated_at": r.rated_at, "local_date": r.local_date, "mean": r.mean,
                     "scores": {s.activity_id: s.score for s in r.scores}} for r in ratings])
