"""Query and response schemas of GET /api/v1/progress (field names: DESIGN.md)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.flareups.schemas import FlareUpSchema
from tracker.programs.schemas import ProgramSchema
from tracker.progress.service import DAYS_DEFAULT, DAYS_MAX, DAYS_MIN


class ProgressArgs(Schema):
    # Query strings are text: plain Integer parses "30" (and refuses "30.5").
    days = fields.Integer(load_default=DAYS_DEFAULT, validate=validate.Range(DAYS_MIN, DAYS_MAX),
                          metadata={"description": f"the last N local days, {DAYS_MIN}-{DAYS_MAX}"})


class DayPainSchema(Schema):
    date = fields.Date()
    mean = fields.Float()
    min = fields.Integer()
    max = fields.Integer()
    count = fields.Integer()


class DatedValueSchema(Schema):
    date = fields.Date()
    value = fields.Float()


class PainSchema(Schema):
    daily = fields.List(fields.Nested(DayPainSchema))
    rolling_7d = fields.List(fields.Nested(DatedValueSchema))
    baseline = fields.Float(allow_none=True, metadata={"description": "mean of the first 3 logged days"})
    current = fields.Float(allow_none=True, metadata={"description": "mean of the last 7 days with data"})
    change = fields.Float(allow_none=True, metadata={"description": "current - baseline"})
    change_pct = fields.Float(allow_none=True)
    meaningful = fields.Boolean(metadata={"description": "a drop of >= 2 points or >= 30%"})
    summary = fields.String()


class ReliefSchema(Schema):
    stretch = fields.String()
    name = fields.String()
    mean = fields.Float(metadata={"description": "mean pain_before - pain_after of the sessions "
                                                "that included the stretch"})
    count = fields.Integer()


class SlrDaySchema(Schema):
    date = fields.Date()
    best_left = fields.Float(allow_none=True)
    best_right = fields.Float(allow_none=True)


class SlrSchema(Schema):
    daily = fields.List(fields.Nested(SlrDaySchema))
    program = fields.Nested(ProgramSchema, allow_none=True)


class CalendarDaySchema(Schema):
    date = fields.Date()
    logged = fields.Boolean()
    paused = fields.Boolean(metadata={"description": "a flare-up day: a streak steps over it"})


class AdherenceSchema(Schema):
    current_streak = fields.Integer()
    longest_streak = fields.Integer()
    days_logged = fields.Integer()
    sessions_7d = fields.Integer()
    calendar = fields.List(fields.Nested(CalendarDaySchema))


class FlagInWindowSchema(Schema):
    date = fields.Date()
    session_id = fields.Integer()
    code = fields.String()
    message = fields.String()
    stretch = fields.String(allow_none=True)


class PsfsMeanSchema(Schema):
    first = fields.Float()
    last = fields.Float()
    change = fields.Float(metadata={"description": "last - first"})
    meaningful = fields.Boolean(metadata={"description": "a rise of >= 2 points (never a drop)"})


class PsfsActivityTrendSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    active = fields.Boolean()
    first = fields.Integer()
    last = fields.Integer()
    change = fields.Integer(metadata={"description": "last - first"})
    meaningful = fields.Boolean(metadata={"description": "a rise of >= 3 points (never a drop)"})


class PsfsRatingMeanSchema(Schema):
    rated_at = fields.AwareDateTime()
    date = fields.Date(attribute="local_date", metadata={"description": "the local day"})
    mean = fields.Float()


class PsfsProgressSchema(Schema):
    mean = fields.Nested(PsfsMeanSchema, metadata={
        "description": "the mean of each set, from the first rating to the last"})
    activities = fields.List(fields.Nested(PsfsActivityTrendSchema))
    ratings = fields.List(fields.Nested(PsfsRatingMeanSchema), metadata={
        "description": "every rating set, oldest first"})
    summary = fields.String(attribute="sentence")


class ProgressSchema(Schema):
    days = fields.Integer()
    from_ = fields.Date(attribute="date_from", data_key="from")
    to = fields.Date(attribute="date_to")
    pain = fields.Nested(PainSchema)
    relief = fields.Method("_relief")
    slr = fields.Nested(SlrSchema)
    adherence = fields.Nested(AdherenceSchema)
    flags = fields.List(fields.Nested(FlagInWindowSchema))
    flare_ups = fields.List(fields.Nested(FlareUpSchema), metadata={
        "description": "the flare-ups with a day in the window, oldest first"})
    psfs = fields.Nested(PsfsProgressSchema, allow_none=True, metadata={
        "description": "the Patient-Specific Functional Scale (0-10 per activity, 10 = as "
                       "well as before); null before a first rating"})

    def _relief(self, obj):  # noqa: ANN001
        return ReliefSchema(many=True).dump([
            {"stretch": r.stretch, "name": obj.stretch_names.get(r.stretch, r.stretch),
             "mean": r.mean, "count": r.count} for r in obj.relief])


def _num(value):  # noqa: ANN001, ANN202
    return None if value is None else float(value)


def dump_progress(p) -> dict:  # noqa: ANN001
    """``ProgressSchema().dump(p)``, written out by hand for the long per-day lists
    (a year of days makes many small objects, where marshmallow's per-field machinery
    costs more than the database). The schema stays the contract and the OpenAPI document; a test
    proves the two give the same JSON."""
    t = p.trend
    program = p.program
    return {
        "days": p.days, "from": p.date_from.isoformat(), "to": p.date_to.isoformat(),
        "pain": {
            "daily": [{"date": d.date.isoformat(), "mean": float(d.mean), "min": d.min,
                       "max": d.max, "count": d.count} for d in p.daily],
            "rolling_7d": [{"date": r["date"].isoformat(), "value": float(r["value"])}
                           for r in p.rolling_7d],
            "baseline": _num(t.baseline), "current": _num(t.current), "change": _num(t.change),
            "change_pct": _num(t.change_pct), "meaningful": t.meaningful,
            "summary": p.pain["summary"],
        },
        "relief": ProgressSchema._relief(None, p),
        "slr": {
            "daily": [{"date": d["date"].isoformat(), "best_left": _num(d["best_left"]),
                       "best_right": _num(d["best_right"])} for d in p.slr_daily],
            "program": None if program is None else ProgramSchema().dump(program),
        },
        "adherence": {
            "current_streak": p.adherence.current_streak,
            "longest_streak": p.adherence.longest_streak,
            "days_logged": p.adherence.days_logged, "sessions_7d": p.adherence.sessions_7d,
            "calendar": [{"date": c["date"].isoformat(), "logged": c["logged"],
                          "paused": c["paused"]} for c in p.adherence.calendar],
        },
        "flags": FlagInWindowSchema(many=True).dump(p.flags),
        "flare_ups": FlareUpSchema(many=True).dump(p.flare_ups),
        "psfs": None if p.psfs is None else PsfsProgressSchema().dump(p.psfs),
    }
