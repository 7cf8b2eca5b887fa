"""The PSFS part of an export and import (tracker/sharing/sections.py lists it).

It goes out as one ``psfs`` object: ``activities`` [{ref, name, active, created_at,
retired_at}] and ``ratings`` [{client_id, rated_at, local_date, scores [{activity,
score}]}], where ``activity`` is an activity's ``ref`` (its place in the list, from 1),
never a database id, so an export imported elsewhere exports the same.

On import an activity is the same as one the account has when its name and created_at
match; a rating set is the same when its client_id matches (already there, left as it
is). An activity that would make more than five active comes in retired, its ratings
kept. An import never changes what the account has."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from tracker.auth.models import User
from tracker.domain import psfs
from tracker.domain.clock import local_date
from tracker.domain.wording import N_
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.logbook.sessions import check_time
from tracker.psfs.models import PsfsActivity, PsfsRating, PsfsScore
from tracker.psfs.schemas import Score
from tracker.schemas import ClientId, StrictBoolean, StrictInteger

KEY = "psfs"
ITEMS_MAX = 100_000


class ActivityImportSchema(Schema):
    ref = StrictInteger(required=True, validate=validate.Range(1, ITEMS_MAX))
    name = fields.String(required=True, validate=validate.Length(psfs.NAME_MIN, psfs.NAME_MAX))
    active = StrictBoolean(load_default=True)
    created_at = fields.AwareDateTime(required=True)
    retired_at = fields.AwareDateTime(allow_none=True, load_default=None)


class ScoreImportSchema(Schema):
    activity = StrictInteger(required=True, validate=validate.Range(1, ITEMS_MAX))
    score = Score(required=True)


class RatingImportSchema(Schema):
    client_id = ClientId(required=True)
    rated_at = fields.AwareDateTime(required=True)
    local_date = fields.Date()
    scores = fields.List(fields.Nested(ScoreImportSchema), required=True,
                         validate=validate.Length(1, ITEMS_MAX))


class PsfsImportSchema(Schema):
    activities = fields.List(fields.Nested(ActivityImportSchema), load_default=list,
                             validate=validate.Length(max=ITEMS_MAX))
    ratings = fields.List(fields.Nested(RatingImportSchema), load_default=list,
                          validate=validate.Length(max=ITEMS_MAX))

    @validates_schema
    def _refs(self, data: dict, **_kwargs) -> None:
        refs = [a["ref"] for a in data["activities"]]
        if len(set(refs)) != len(refs):
            raise ValidationError(N_("Each activity's ref is used once."), "activities")
        known = set(refs)
        for i, rating in enumerate(data["ratings"]):
            named = [s["activity"] for s in rating["scores"]]
            if any(a not in known for a in named):
                raise ValidationError({i: {"scores": [N_("Names an activity that is not in "
                                                         "the file.")]}}, "ratings")
            if len(set(named)) != len(named):
                raise ValidationError({i: {"scores": [N_("Rates an activity twice.")]}}, "ratings")


def _activities(user: User) -> list[PsfsActivity]:
    return list(db.session.scalars(select(PsfsActivity).where(PsfsActivity.user_id == user.id)
                                   .order_by(PsfsActivity.created_at, PsfsActivity.id)))


def _ratings(user: User) -> list[PsfsRating]:
    return list(db.session.scalars(select(PsfsRating).where(PsfsRating.user_id == user.id)
                                   .order_by(PsfsRating.rated_at, PsfsRating.id)))


def _iso(value) -> str | None:  # noqa: ANN001
    return None if value is None else value.isoformat()


def export(user: User) -> dict:
    activities = _activities(user)
    refs = {a.id: ref for ref, a in enumerate(activities, 1)}
    return {
        "activities": [{"ref": refs[a.id], "name": a.name, "active": a.active,
                        "created_at": _iso(a.created_at), "retired_at": _iso(a.retired_at)}
                       for a in activities],
        "ratings": [{"client_id": r.client_id, "rated_at": _iso(r.rated_at),
                     "local_date": _iso(r.local_date),
                     "scores": [{"activity": refs[s.activity_id], "score": s.score}
                                for s in r.scores]}
                    for r in _ratings(user)],
    }


def import_(run, data: dict | None) -> None:  # noqa: ANN001 - sharing.importer.ImportRun
    if not data:
        return
    user = run.user
    held = {(a.name, a.created_at): a for a in _activities(user)}
    active = sum(1 for a in held.values() if a.active)
    by_ref: dict[int, PsfsActivity] = {}
    for item in data["activities"]:
        same = held.get((item["name"], item["created_at"]))
        if same is not None:
            by_ref[item["ref"]] = same
            run.count(KEY, False)
            continue
        keep_active = item["active"] and not psfs.too_many_active(active)
        activity = PsfsActivity(
            user_id=user.id, name=item["name"], active=keep_active, created_at=item["created_at"],
            retired_at=None if keep_active else (item["retired_at"] or run.now))
        active += keep_active
        db.session.add(activity)
        held[(activity.name, activity.created_at)] = by_ref[item["ref"]] = activity
        run.count(KEY, True)
    sent = set(db.session.scalars(select(PsfsRating.client_id).where(PsfsRating.user_id == user.id)))
    for i, item in enumerate(data["ratings"]):
        if item["client_id"] in sent:
            run.count(KEY, False)
            continue
        try:
            check_time("rated_at", item["rated_at"], run.now)
        except Invalid as err:
            raise Invalid(f"{KEY}.ratings.{i}: {err.message}",
                          {f"{KEY}.ratings.{i}.rated_at": err.fields["rated_at"]}) from None
        rating = PsfsRating(user_id=user.id, client_id=item["client_id"], rated_at=item["rated_at"],
                            local_date=item.get("local_date") or local_date(item["rated_at"],
                                                                            user.timezone),
                            created_at=run.now)
        rating.scores = [PsfsScore(user_id=user.id, activity=by_ref[s["activity"]],
                                   score=s["score"]) for s in item["scores"]]
        db.session.add(rating)
        sent.add(item["client_id"])
        run.count(KEY, True)
    db.session.flush()


def csv_tables(user: User) -> dict:
    activities = _activities(user)
    refs = {a.id: ref for ref, a in enumerate(activities, 1)}
    return {
        "psfs_activities.csv": (("ref", "name", "active", "created_at", "retired_at"),
                                [(refs[a.id], a.name, a.active, _iso(a.created_at),
                                  _iso(a.retired_at)) for a in activities]),
        "psfs_scores.csv": (("rating_client_id", "rated_at", "local_date", "activity",
                             "activity_name", "score"),
                            [(r.client_id, _iso(r.rated_at), _iso(r.local_date),
                              refs[s.activity_id], s.activity.name, s.score)
                             for r in _ratings(user) for s in r.scores]),
    }
