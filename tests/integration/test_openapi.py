"""The OpenAPI document (/api/v1/openapi.json) of the log book: generated from the
same marshmallow schemas that validate requests, so the bounds it publishes are the
bounds the API enforces."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

SPEC_URL = "/api/v1/openapi.json"


@pytest.fixture(scope="module")
def spec(shared_app) -> dict:
    response = shared_app.test_client().get(SPEC_URL)
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()


def resolve(spec: dict, node: dict) -> dict:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return spec["components"]["schemas"][name]
    return node


def request_schema(spec: dict, path: str, method: str) -> dict:
    body = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return resolve(spec, body)


def response_schema(spec: dict, path: str, method: str, status: str) -> dict:
    content = spec["paths"][path][method]["responses"][status]["content"]["application/json"]
    return resolve(spec, content["schema"])


def test_document_is_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]


def test_document_needs_no_sign_in(shared_app):
    assert shared_app.test_client().get(SPEC_URL).status_code == 200


@pytest.mark.parametrize(("path", "methods"), [
    ("/api/v1/stretches", {"get", "post"}),
    ("/api/v1/stretches/{slug}", {"get"}),
    ("/api/v1/sessions", {"get", "post"}),
    ("/api/v1/sessions/{session_id}", {"get", "patch", "delete"}),
    ("/api/v1/checkins", {"get", "post"}),
    ("/api/v1/checkins/{checkin_id}", {"get", "delete"}),
])
def test_log_book_paths_are_listed(spec, path, methods):
    assert path in spec["paths"]
    assert methods <= set(spec["paths"][path])


@pytest.mark.parametrize(("path", "method", "name"), [
    ("/api/v1/stretches", "post", "StretchCreate"),
    ("/api/v1/sessions", "post", "SessionCreate"),
    ("/api/v1/sessions/{session_id}", "patch", "SessionPatch"),
    ("/api/v1/checkins", "post", "CheckinCreate"),
])
def test_request_bodies_name_their_schema(spec, path, method, name):
    ref = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    assert ref == {"$ref": f"#/components/schemas/{name}"}
    assert spec["components"]["schemas"][name]["additionalProperties"] is False


@pytest.mark.parametrize(("prop", "bounds"), [
    ("pain_before", {"minimum": 0, "maximum": 10, "type": "integer"}),
    ("pain_after", {"minimum": 0, "maximum": 10, "type": "integer"}),
    ("notes", {"maxLength": 2000}),
    ("entries", {"minItems": 1, "maxItems": 50, "type": "array"}),
    ("performed_at", {"format": "date-time"}),
])
def test_session_create_schema(spec, prop, bounds):
    schema = request_schema(spec, "/api/v1/sessions", "post")
    assert set(schema["required"]) == {"client_id", "performed_at", "entries"}
    assert bounds.items() <= schema["properties"][prop].items()


@pytest.mark.parametrize(("prop", "bounds"), [
    ("reps", {"minimum": 1, "maximum": 50, "type": "integer"}),
    ("hold_seconds", {"minimum": 1, "maximum": 600, "type": "integer"}),
    ("angle_deg", {"minimum": 0, "maximum": 120}),
    ("stretch", {"maxLength": 60}),
])
def test_entry_schema(spec, prop, bounds):
    create = request_schema(spec, "/api/v1/sessions", "post")
    entry = resolve(spec, create["properties"]["entries"]["items"])
    assert entry["required"] == ["stretch"]
    assert bounds.items() <= entry["properties"][prop].items()
    assert set(entry["properties"]["side"]["enum"]) == {"left", "right", "both", "none"}


def test_session_patch_schema_has_no_client_id(spec):
    schema = request_schema(spec, "/api/v1/sessions/{session_id}", "patch")
    assert "client_id" not in schema["properties"]
    assert not schema.get("required")
    assert {"minimum": 0, "maximum": 10}.items() <= schema["properties"]["pain_before"].items()


def test_checkin_create_schema(spec):
    schema = request_schema(spec, "/api/v1/checkins", "post")
    assert set(schema["required"]) == {"client_id", "recorded_at", "score"}
    assert {"minimum": 0, "maximum": 10}.items() <= schema["properties"]["score"].items()
    assert set(schema["properties"]["context"]["enum"]) == {
        "waking", "after_sitting", "evening", "other"}
    assert schema["properties"]["note"]["maxLength"] == 1000


def test_stretch_create_schema(spec):
    schema = request_schema(spec, "/api/v1/stretches", "post")
    assert set(schema["required"]) == {"name", "spine", "hold_seconds"}
    assert set(schema["properties"]["spine"]["enum"]) == {"flexion", "neutral", "extension"}
    assert "pattern" in schema["properties"]["slug"]


@pytest.mark.parametrize(("path", "status"), [("/api/v1/sessions", "201"),
                                              ("/api/v1/sessions", "200"),
                                              ("/api/v1/checkins", "201"),
                                              ("/api/v1/checkins", "200")])
def test_create_documents_created_and_replayed(spec, path, status):
    assert status in spec["paths"][path]["post"]["responses"]


@pytest.mark.parametrize(("path", "fields"), [
    ("/api/v1/sessions", {"id", "client_id", "performed_at", "local_date", "pain_before",
                          "pain_after", "notes", "entries", "flags"}),
    ("/api/v1/checkins", {"id", "client_id", "recorded_at", "local_date", "score", "context",
                          "note"}),
    ("/api/v1/stretches", {"slug", "name", "spine", "hold_seconds", "reps", "per_side",
                           "needs_helper", "measures_angle", "instructions", "cautions",
                           "builtin"}),
])
def test_lists_are_envelopes_of_the_contract_fields(spec, path, fields):
    envelope = response_schema(spec, path, "get", "200")
    assert set(envelope["properties"]) == {"items", "meta"}
    item = resolve(spec, envelope["properties"]["items"]["items"])
    assert fields <= set(item["properties"])


@pytest.mark.parametrize("path", ["/api/v1/sessions", "/api/v1/checkins"])
def test_list_query_parameters(spec, path):
    names = {p["name"] for p in spec["paths"][path]["get"]["parameters"] if p["in"] == "query"}
    assert {"from", "to", "page", "per_page"} <= names


def _valid_session() -> dict:
    return {"client_id": str(uuid.uuid4()),
            "performed_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "entries": [{"stretch": "slr-strap", "side": "left"}]}


def test_published_integer_bounds_are_enforced(spec, member):
    """Every bounded integer of the session create schema (and of its entries): one
    past each published bound is refused, naming that field; the bound itself passes."""
    create = request_schema(spec, "/api/v1/sessions", "post")
    entry = resolve(spec, create["properties"]["entries"]["items"])
    cases = [(name, prop, False) for name, prop in create["properties"].items()] + \
            [(name, prop, True) for name, prop in entry["properties"].items()]
    checked = 0
    for name, prop, in_entry in cases:
        if prop.get("type") != "integer" or "minimum" not in prop:
            continue
        for value, ok in [(prop["minimum"], True), (prop["maximum"], True),
                          (prop["minimum"] - 1, False), (prop["maximum"] + 1, False)]:
            body = _valid_session()
            if in_entry:
                body["entries"][0][name] = value
            else:
                body[name] = value
            response = member.post("/api/v1/sessions", json=body)
            field = f"entries.0.{name}" if in_entry else name
            if ok:
                assert response.status_code == 201, (field, value, response.get_json())
            else:
                assert response.status_code == 422, (field, value)
                assert field in response.get_json()["fields"]
            checked += 1
    assert checked >= 16  # pain_before, pain_after, reps, hold_seconds
