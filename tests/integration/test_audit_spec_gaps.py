"""Spec gaps found by the outside audit (issue 20, finding 12), each through real HTTP
on the app: quoted local parts at registration, an empty session patch, undeclared
methods, a share link without a body, a dead link's chart figures, and the cap and
pages of API tokens."""
from __future__ import annotations

import uuid

import pytest

from tests.support import PASSWORD
from tracker.auth import service as auth_service
from tracker.db_types import utcnow

def _error(response, status: int, code: str) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == status and body["error"] == code
    return body


# --- a. quoted local parts -----------------------------------------------------------


@pytest.mark.parametrize("email", ['"<script>"@example.com', '"x"y@example.com',
                                   "＂a＂@example.com"])
def test_quoted_local_part_refused_at_registration(shared_app, email):
    client = shared_app.test_client()
    client.fetch_csrf()
    response = client.post("/api/v1/auth/register",
                           json={"email": email, "password": PASSWORD, "timezone": "UTC"})
    body = _error(response, 422, "invalid")
    assert "quotation mark" in body["fields"]["email"][0]


def test_quoted_local_part_refused_as_a_new_email(member):
    response = member.post("/api/v1/me/email",
                           json={"password": PASSWORD, "email": '"<b>"@example.com'})
    assert "quotation mark" in _error(response, 422, "invalid")["fields"]["email"][0]


# --- b. an empty session patch ----------------------------------------------------


def _new_session(client) -> int:  # noqa: ANN001
    response = client.post("/api/v1/sessions", json={
        "client_id": str(uuid.uuid4()), "performed_at": utcnow().isoformat(),
        "pain_before": 4, "entries": [{"stretch": "slr-strap", "side": "left", "angle_deg": 50}]})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def test_empty_session_patch_is_refused(member):
    session_id = _new_session(member)
    before = member.get(f"/api/v1/sessions/{session_id}").get_json()
    body = _error(member.patch(f"/api/v1/sessions/{session_id}", json={}), 422, "invalid")
    assert "at least one field" in body["message"]
    assert set(body["fields"]) == {"_schema"}
    assert member.get(f"/api/v1/sessions/{session_id}").get_json() == before


def test_a_patch_with_one_field_still_works(member):
    session_id = _new_session(member)
    response = member.patch(f"/api/v1/sessions/{session_id}", json={"notes": "felt fine"})
    assert response.status_code == 200 and response.get_json()["notes"] == "felt fine"


# --- c. undeclared methods ------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("PUT", "/api/v1/sessions", "POST"),
    ("PATCH", "/api/v1/sessions", "POST"),
    ("DELETE", "/api/v1/progress", "GET"),
    ("PUT", "/api/v1/shares", "POST"),
    ("PATCH", "/api/v1/auth/tokens", "POST"),
])
@pytest.mark.parametrize("body", [{}, {"json": {}}, {"data": "x", "content_type": "text/plain"}],
                         ids=["no-body", "json", "text"])
@pytest.mark.parametrize("signed_in", [True, False], ids=["member", "anonymous"])
def test_undeclared_method_is_a_405_with_allow(shared_app, member, method, path, allowed,
                                               body, signed_in):
    client = member if signed_in else shared_app.test_client()
    response = client.open(path, method=method, **body)
    payload = _error(response, 405, "method_not_allowed")
    assert payload["fields"] == {}
    assert allowed in {m.strip() for m in response.headers["Allow"].split(",")}
    assert method not in response.headers["Allow"]


# --- d. a share link without a body ---------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"data": "", "content_type": "application/json"}],
                         ids=["nothing", "empty-json"])
def test_share_without_a_body_is_refused(member, body):
    response = member.post("/api/v1/shares", **body)
    assert "JSON body" in _error(response, 422, "invalid")["fields"]["json"][0]
    assert member.get("/api/v1/shares").get_json()["meta"]["total"] == 0


def test_share_with_an_empty_object_takes_the_defaults(member):
    response = member.post("/api/v1/shares", json={})
    assert response.status_code == 201
    assert response.get_json()["days"] == 30


# --- e. a dead link's chart figures ---------------------------------------------------


@pytest.mark.parametrize("token", ["bad", "x" * 32, "a.b"])
def test_dead_share_link_figures_are_a_json_404(shared_app, token):
    response = shared_app.test_client().get(f"/s/{token}/progress.json")
    body = _error(response, 404, "not_found")
    assert "no longer" in body["message"] or "link" in body["message"]
    assert "no-store" in response.headers["Cache-Control"]


def test_dead_share_link_page_stays_a_page(shared_app):
    response = shared_app.test_client().get("/s/bad")
    assert response.status_code == 404 and response.mimetype == "text/html"


# --- f. API tokens: a cap and pages ---------------------------------------------------


def test_api_tokens_are_capped(member):
    for n in range(auth_service.TOKENS_MAX):
        assert member.post("/api/v1/auth/tokens", json={"name": f"t{n}"}).status_code == 201
    body = _error(member.post("/api/v1/auth/tokens", json={"name": "one more"}), 409, "conflict")
    assert str(auth_service.TOKENS_MAX) in body["message"]
    assert "revoke" in body["message"].lower()
    first = member.get("/api/v1/auth/tokens?per_page=1").get_json()["items"][0]["id"]
    assert member.delete(f"/api/v1/auth/tokens/{first}").status_code == 204
    assert member.post("/api/v1/auth/tokens", json={"name": "again"}).status_code == 201


@pytest.mark.parametrize(("query", "page", "per_page", "names"), [
    ("", 1, 50, ["t0", "t1", "t2", "t3", "t4"]),
    ("?per_page=2", 1, 2, ["t0", "t1"]),
    ("?per_page=2&page=3", 3, 2, ["t4"]),
    ("?per_page=2&page=4", 4, 2, []),
])
def test_api_tokens_are_paginated(member, query, page, per_page, names):
    for n in range(5):
        member.post("/api/v1/auth/tokens", json={"name": f"t{n}"})
    body = member.get(f"/api/v1/auth/tokens{query}").get_json()
    assert [t["name"] for t in body["items"]] == names
    assert body["meta"] == {"total": 5, "page": page, "per_page": per_page,
                            "pages": -(-5 // per_page)}


@pytest.mark.parametrize("query", ["?page=0", "?per_page=0", "?per_page=201", "?page=x"])
def test_bad_token_page_arguments_name_the_field(member, query):
    name = query[1:].split("=")[0]
    assert name in _error(member.get(f"/api/v1/auth/tokens{query}"), 422, "invalid")["fields"]
