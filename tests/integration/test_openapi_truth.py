"""The OpenAPI document tells the truth (issue 6, point 7): its error schema is the
real error body, both ways to sign in are declared and required where they apply,
client ids are UUIDs, published limits are the enforced ones, and a PATCH without a
body is the 422 the document promises."""
from __future__ import annotations

import pytest

from tracker.domain.clock import known_timezones

SPEC_URL = "/api/v1/openapi.json"


@pytest.fixture(scope="module")
def spec(shared_app) -> dict:
    return shared_app.test_client().get(SPEC_URL).get_json()


def test_error_schema_is_the_real_error_body(spec, member):
    schema = spec["components"]["schemas"]["Error"]
    real = member.post("/api/v1/sessions", json={}).get_json()
    assert set(real) == {"status", "error", "message", "fields"}
    assert set(schema["required"]) == set(real)
    # a request speaking another language also gets "localized" (tracker/errors.py)
    german = member.post("/api/v1/sessions", json={}, headers={"Accept-Language": "de"}).get_json()
    assert set(schema["properties"]) == set(german) == set(real) | {"localized"}
    localized = spec["components"]["schemas"]["LocalizedError"]
    assert set(localized["properties"]) == set(localized["required"]) == set(german["localized"])
    assert schema["properties"]["status"]["type"] == "integer"
    for said in (schema, localized):
        assert said["properties"]["fields"]["additionalProperties"] == {
            "type": "array", "items": {"type": "string"}}


def test_default_error_response_uses_it(spec):
    default = spec["paths"]["/api/v1/me"]["get"]["responses"]["default"]
    ref = default.get("$ref") or ""
    body = spec["components"]["responses"][ref.rsplit("/", 1)[-1]] if ref else default
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}


def test_both_auth_schemes_are_declared(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert (schemes["cookieAuth"]["in"], schemes["cookieAuth"]["name"]) == ("cookie", "session")
    assert (schemes["csrfHeader"]["in"], schemes["csrfHeader"]["name"]) == ("header", "X-CSRF-Token")


@pytest.mark.parametrize(("path", "method", "security"), [
    ("/api/v1/me", "get", [{"bearerAuth": []}, {"cookieAuth": []}]),
    ("/api/v1/me", "delete", [{"bearerAuth": []}, {"cookieAuth": [], "csrfHeader": []}]),
    ("/api/v1/sessions", "post", [{"bearerAuth": []}, {"cookieAuth": [], "csrfHeader": []}]),
    ("/api/v1/auth/login", "post", []),
    ("/api/v1/auth/register", "post", []),
    ("/api/v1/auth/csrf", "get", []),
])
def test_operations_say_how_to_authenticate(spec, path, method, security):
    assert spec["paths"][path][method]["security"] == security


def test_every_operation_states_its_security(spec):
    missing = [(path, method) for path, item in spec["paths"].items()
               for method, op in item.items() if isinstance(op, dict) and "security" not in op]
    assert missing == []


@pytest.mark.parametrize("schema", ["SessionCreate", "CheckinCreate"])
def test_client_id_is_a_uuid(spec, schema):
    assert spec["components"]["schemas"][schema]["properties"]["client_id"] == {
        "type": "string", "format": "uuid"}


def test_timezones_are_published_as_the_accepted_list(spec):
    zone = spec["components"]["schemas"]["MePatch"]["properties"]["timezone"]
    assert set(zone["enum"]) == known_timezones()
    assert "localtime" not in zone["enum"] and "Europe/Berlin" in zone["enum"]


@pytest.mark.parametrize(("schema", "field"), [("SessionCreate", "performed_at"),
                                               ("CheckinCreate", "recorded_at")])
def test_date_limits_are_described(spec, schema, field):
    prop = spec["components"]["schemas"][schema]["properties"][field]
    assert "2000-01-01" in prop["description"] and "one day" in prop["description"]


@pytest.mark.parametrize(("path", "method"), [("/api/v1/sessions", "post"),
                                              ("/api/v1/me", "delete"),
                                              ("/api/v1/auth/register", "post")])
def test_stricter_rules_are_described(spec, path, method):
    assert spec["paths"][path][method]["x-server-rules"]


@pytest.mark.parametrize(("name", "minimum", "maximum"), [("current_password", None, 256),
                                                         ("new_password", 10, 256)])
def test_password_limits_are_published(spec, name, minimum, maximum):
    prop = spec["components"]["schemas"]["PasswordChange"]["properties"][name]
    assert prop.get("minLength") == minimum and prop["maxLength"] == maximum


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/sessions/1"])
def test_patch_without_a_body_is_422(member, path, spec):
    assert spec["paths"][path.replace("/1", "/{session_id}")]["patch"]["requestBody"]["required"]
    response = member.patch(path)
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"json": ["A JSON body is required."]}


def test_patch_with_an_empty_object_changes_nothing(member):
    before = member.get("/api/v1/me").get_json()
    assert member.patch("/api/v1/me", json={}).get_json() == before
