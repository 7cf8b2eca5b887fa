"""The person's measurements as a FHIR R4 ``Bundle`` (type collection): a nameless
``Patient``, one ``Observation`` per pain score and per straight-leg-raise angle, and
one ``QuestionnaireResponse`` per set of PSFS ratings (one item per activity, its name
as text and its 0-10 as ``valueInteger``).

Pain (0-10) is LOINC 72514-3 with category survey and the lower back (SNOMED 37822005)
as body site. No LOINC code exists for an SLR angle, so it has a text code, a UCUM
``deg`` quantity, the leg as body site and the way it was measured as ``method``."""
from __future__ import annotations

import datetime as dt
import uuid

from tracker.auth.models import User
from tracker.logbook.models import Checkin, StretchSession
from tracker.psfs.models import PsfsRating

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
IDENTIFIER_SYSTEM = "urn:backstretch:record"
# Stable ids: the same record always gets the same resource id.
_NAMESPACE = uuid.UUID("0b7c4a52-59d4-4b8e-9f1e-6d2f3a8c1e47")

PAIN_CODE = {"coding": [{"system": LOINC, "code": "72514-3",
                         "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}]}
LOWER_BACK = {"coding": [{"system": SNOMED, "code": "37822005",
                          "display": "Lower back structure"}]}
LEGS = {
    "left": {"coding": [{"system": SNOMED, "code": "32153003",
                         "display": "Structure of left lower limb"}], "text": "Left leg"},
    "right": {"coding": [{"system": SNOMED, "code": "62175007",
                          "display": "Structure of right lower limb"}], "text": "Right leg"},
}
SLR_CODE = {"text": "Straight-leg raise angle (hip flexion with the knee straight)"}
METHODS = {"phone": {"text": "Phone inclinometer on the shin"},
           "manual": {"text": "Estimated or measured by hand"}}
SURVEY = [{"coding": [{"system": CATEGORY, "code": "survey", "display": "Survey"}]}]
EXAM = [{"coding": [{"system": CATEGORY, "code": "exam", "display": "Exam"}]}]
PAIN_CONTEXT = {"pain_before": "Before stretching", "pain_after": "After stretching",
                "waking": "On waking", "after_sitting": "After sitting", "evening": "In the evening",
                "other": "Check-in"}


def _id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(map(str, parts))))


def _entry(resource: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _observation(ident: str, patient: str, when: dt.datetime, **body) -> dict:
    return {"resourceType": "Observation", "id": _id(patient, ident), "status": "final",
            "identifier": [{"system": IDENTIFIER_SYSTEM, "value": ident}],
            "subject": {"reference": f"urn:uuid:{patient}"},
            "effectiveDateTime": when.isoformat(), **body}


def _pain(ident: str, patient: str, when: dt.datetime, score: int, context: str,
          note: str = "") -> dict:
    code = {**PAIN_CODE, "text": f"Pain score (0-10), {PAIN_CONTEXT[context].lower()}"}
    extra = {"note": [{"text": note}]} if note else {}
    return _observation(ident, patient, when, category=SURVEY, code=code,
                        bodySite=LOWER_BACK, valueInteger=score, **extra)


PSFS_TEXT = ("Patient-Specific Functional Scale: each activity rated 0-10 "
             "(0 = unable to do it, 10 = as well as before the problem)")


def _psfs(rating: PsfsRating, patient: str) -> dict:
    return {"resourceType": "QuestionnaireResponse", "id": _id(patient, "psfs", rating.client_id),
            "identifier": {"system": IDENTIFIER_SYSTEM, "value": f"psfs/{rating.client_id}"},
            "status": "completed", "subject": {"reference": f"urn:uuid:{patient}"},
            "authored": rating.rated_at.isoformat(),
            "text": {"status": "generated",
                     "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{PSFS_TEXT}</div>'},
            "item": [{"linkId": _id(patient, "psfs-activity", s.activity_id),
                      "text": s.activity.name, "answer": [{"valueInteger": s.score}]}
                     for s in rating.scores]}


def bundle(user: User, sessions: list[StretchSession], checkins: list[Checkin],
           now: dt.datetime, since: dt.date | None = None,
           psfs_ratings: list[PsfsRating] = ()) -> dict:
    """The bundle; given ``since``, only the records whose local day is on or after it."""
    if since is not None:
        sessions = [s for s in sessions if s.local_date >= since]
        checkins = [c for c in checkins if c.local_date >= since]
        psfs_ratings = [r for r in psfs_ratings if r.local_date >= since]
    patient = _id("patient", user.id)
    entries = [_entry({"resourceType": "Patient", "id": patient, "active": True})]
    for s in sessions:
        for field in ("pain_before", "pain_after"):
            score = getattr(s, field)
            if score is not None:
                entries.append(_entry(_pain(f"{s.client_id}/{field}", patient, s.performed_at,
                                            score, field)))
        for e in s.entries:
            if e.angle_deg is None:
                continue
            body = {"category": EXAM, "code": SLR_CODE,
                    "valueQuantity": {"value": e.angle_deg, "unit": "°", "system": UCUM,
                                      "code": "deg"}}
            if e.side in LEGS:
                body["bodySite"] = LEGS[e.side]
            if e.angle_method in METHODS:
                body["method"] = METHODS[e.angle_method]
            if e.assisted:
                body["note"] = [{"text": "Raised by a helper (passive)" if e.assisted == "helper"
                                 else "Self-assisted with a strap"}]
            entries.append(_entry(_observation(f"{s.client_id}/entry/{e.position}", patient,
                                               s.performed_at, **body)))
    for c in checkins:
        entries.append(_entry(_pain(c.client_id, patient, c.recorded_at, c.score, c.context,
                                    c.note)))
    for r in psfs_ratings:
        entries.append(_entry(_psfs(r, patient)))
    return {"resourceType": "Bundle", "id": _id("bundle", user.id, now.isoformat()),
            "type": "collection", "timestamp": now.isoformat(), "entry": entries}
