"""The stretch library API (/api/v1/stretches): the five built-in stretches with
their full description, and custom stretches that only their owner can see or use."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tracker.catalog import BUILTIN_STRETCHES

FIELDS = {"slug", "name", "spine", "hold_seconds", "reps", "per_side", "needs_helper",
          "measures_angle", "instructions", "cautions", "builtin"}
BUILTIN = {s.slug: s for s in BUILTIN_STRETCHES}
CUSTOM = {"name": "Cat-camel", "spine": "extension", "hold_seconds": 5, "reps": 10,
          "instructions": ["On hands and knees.", "Arch, then round the back."],
          "cautions": ["Slowly."]}


def session_with(slug: str, **entry) -> dict:
    return {"client_id": str(uuid.uuid4()),
            "performed_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "entries": [{"stretch": slug, **entry}]}


def test_the_five_builtin_stretches_are_listed(api):
    response = api.get("/api/v1/stretches")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"items", "meta"}
    assert [s["slug"] for s in body["items"]] == [
        "double-knee-to-chest", "single-knee-to-chest", "supine-hamstring", "slr-assisted",
        "slr-strap"]
    assert body["meta"]["total"] == 5
    assert all(set(item) == FIELDS for item in body["items"])


@pytest.mark.parametrize("slug", list(BUILTIN))
def test_builtin_stretch_matches_the_catalog(api, slug):
    response = api.get(f"/api/v1/stretches/{slug}")
    assert response.status_code == 200
    item = response.get_json()
    expected = BUILTIN[slug].as_row()
    assert {k: item[k] for k in expected} == expected
    assert item["builtin"] is True
    assert item["instructions"] and item["cautions"]


@pytest.mark.parametrize(("slug", "spine", "hold", "reps", "per_side", "helper", "angle"), [
    ("double-knee-to-chest", "flexion", 20, 3, False, False, False),
    ("single-knee-to-chest", "flexion", 5, 3, True, False, False),
    ("supine-hamstring", "neutral", 20, 3, True, False, True),
    ("slr-assisted", "neutral", 10, 5, True, True, True),
    ("slr-strap", "neutral", 10, 5, True, False, True),
])
def test_builtin_doses_follow_the_domain_facts(api, slug, spine, hold, reps, per_side, helper,
                                               angle):
    item = api.get(f"/api/v1/stretches/{slug}").get_json()
    assert (item["spine"], item["hold_seconds"], item["reps"], item["per_side"],
            item["needs_helper"], item["measures_angle"]) == (
        spine, hold, reps, per_side, helper, angle)


@pytest.mark.parametrize("path", ["/api/v1/stretches", "/api/v1/stretches/slr-strap"])
def test_signed_out_is_401_json(shared_app, path):
    response = shared_app.test_client().get(path)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_bearer_token_reads_the_library(shared_users):
    token = shared_users.token(shared_users.create())
    response = shared_users.app.test_client().get(
        "/api/v1/stretches", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert len(response.get_json()["items"]) == 5


@pytest.mark.parametrize("slug", ["nope", "SLR-STRAP", "slr_strap", "x" * 200])
def test_unknown_stretch_is_404(api, slug):
    response = api.get(f"/api/v1/stretches/{slug}")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_create_custom_stretch(api):
    response = api.post("/api/v1/stretches", json=CUSTOM)
    assert response.status_code == 201
    item = response.get_json()
    assert item == {**CUSTOM, "slug": "cat-camel", "per_side": False, "needs_helper": False,
                    "measures_angle": False, "builtin": False}
    assert api.get("/api/v1/stretches/cat-camel").get_json() == item
    listed = api.get("/api/v1/stretches").get_json()
    assert listed["items"][-1] == item  # built-ins first, then the user's own
    assert listed["meta"]["total"] == 6


@pytest.mark.parametrize(("extra", "slug"), [
    ({"name": "Pelvic tilt"}, "pelvic-tilt"),
    ({"name": "  Child's Pose (kneeling)  "}, "child-s-pose-kneeling"),
    ({"name": "Prone press-up", "slug": "press-up-2"}, "press-up-2"),
    ({"name": "Ülkü's twist"}, "lk-s-twist"),
])
def test_custom_slug_from_name_or_given(api, extra, slug):
    response = api.post("/api/v1/stretches", json={**CUSTOM, **extra})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["slug"] == slug


def test_custom_defaults(api):
    response = api.post("/api/v1/stretches",
                         json={"name": "Walk", "spine": "neutral", "hold_seconds": 60})
    assert response.status_code == 201
    item = response.get_json()
    assert (item["reps"], item["per_side"], item["instructions"], item["cautions"]) == (
        1, False, [], [])


@pytest.mark.parametrize(("change", "field"), [
    ({"name": ""}, "name"),
    ({"name": "x" * 81}, "name"),
    ({"name": None}, "name"),
    ({"spine": "sideways"}, "spine"),
    ({"hold_seconds": 0}, "hold_seconds"),
    ({"hold_seconds": 601}, "hold_seconds"),
    ({"hold_seconds": "20"}, "hold_seconds"),
    ({"hold_seconds": 2.5}, "hold_seconds"),
    ({"reps": 0}, "reps"),
    ({"reps": 51}, "reps"),
    ({"reps": True}, "reps"),
    ({"slug": "Bad Slug"}, "slug"),
    ({"slug": "double--dash"}, "slug"),
    ({"slug": "-lead"}, "slug"),
    ({"slug": "x" * 61}, "slug"),
    ({"instructions": ["ok"] * 21}, "instructions"),
    ({"instructions": [""]}, "instructions.0"),
    ({"cautions": ["x" * 501]}, "cautions.0"),
    ({"instructions": "one string"}, "instructions"),
    ({"owner_id": 1}, "owner_id"),
    ({"builtin": True}, "builtin"),
    ({"per_side": "sometimes"}, "per_side"),
])
def test_custom_stretch_validation_names_the_field(api, change, field):
    response = api.post("/api/v1/stretches", json={**CUSTOM, **change})
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


@pytest.mark.parametrize("missing", ["name", "spine", "hold_seconds"])
def test_custom_stretch_required_fields(api, missing):
    body = {k: v for k, v in CUSTOM.items() if k != missing}
    response = api.post("/api/v1/stretches", json=body)
    assert response.status_code == 422
    assert missing in response.get_json()["fields"]


def test_name_without_letters_needs_a_slug(api):
    response = api.post("/api/v1/stretches", json={**CUSTOM, "name": "!!!"})
    assert response.status_code == 422
    assert "slug" in response.get_json()["fields"]


@pytest.mark.parametrize("slug", ["slr-strap", "double-knee-to-chest"])
def test_builtin_slug_cannot_be_taken(api, slug):
    response = api.post("/api/v1/stretches", json={**CUSTOM, "slug": slug})
    assert response.status_code == 409
    assert "slug" in response.get_json()["fields"]
    assert api.get(f"/api/v1/stretches/{slug}").get_json()["builtin"] is True


def test_own_slug_cannot_be_taken_twice(api):
    assert api.post("/api/v1/stretches", json=CUSTOM).status_code == 201
    response = api.post("/api/v1/stretches", json=CUSTOM)
    assert response.status_code == 409
    assert api.get("/api/v1/stretches").get_json()["meta"]["total"] == 6


def test_custom_stretch_is_private_to_its_owner(api, other):
    assert api.post("/api/v1/stretches", json=CUSTOM).status_code == 201
    assert other.get("/api/v1/stretches/cat-camel").status_code == 404
    slugs = [s["slug"] for s in other.get("/api/v1/stretches").get_json()["items"]]
    assert "cat-camel" not in slugs and len(slugs) == 5


def test_two_users_may_use_the_same_custom_slug(api, other):
    assert api.post("/api/v1/stretches", json=CUSTOM).status_code == 201
    response = other.post("/api/v1/stretches", json={**CUSTOM, "spine": "flexion"})
    assert response.status_code == 201
    assert api.get("/api/v1/stretches/cat-camel").get_json()["spine"] == "extension"
    assert other.get("/api/v1/stretches/cat-camel").get_json()["spine"] == "flexion"


def test_owner_can_log_a_custom_stretch(api):
    api.post("/api/v1/stretches", json=CUSTOM)
    response = api.post("/api/v1/sessions", json=session_with("cat-camel"))
    assert response.status_code == 201
    (entry,) = response.get_json()["entries"]
    assert (entry["stretch"], entry["side"], entry["reps"], entry["hold_seconds"]) == (
        "cat-camel", "both", 10, 5)


def test_another_users_custom_stretch_is_unknown_in_a_session(api, other):
    api.post("/api/v1/stretches", json=CUSTOM)
    response = other.post("/api/v1/sessions", json=session_with("cat-camel"))
    assert response.status_code == 422
    assert response.get_json()["fields"]["entries.0.stretch"] == ["Unknown stretch."]
    assert other.get("/api/v1/sessions").get_json()["meta"]["total"] == 0


def test_custom_per_side_angle_stretch_follows_the_entry_rules(api):
    api.post("/api/v1/stretches", json={**CUSTOM, "name": "Side lunge", "per_side": True,
                                         "measures_angle": True})
    ok = api.post("/api/v1/sessions", json=session_with("side-lunge", side="left", angle_deg=30))
    assert ok.status_code == 201
    bad = api.post("/api/v1/sessions", json=session_with("side-lunge"))
    assert bad.status_code == 422
    assert "entries.0.side" in bad.get_json()["fields"]
