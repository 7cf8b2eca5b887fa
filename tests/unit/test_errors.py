"""The error family (DomainError and its subclasses), the flattening of marshmallow's
nested messages into dotted field names, and how each error is answered: JSON
``{"status", "error", "message", "fields"}`` under /api, an HTML page elsewhere."""
from __future__ import annotations

import pytest

from tracker import errors
from tracker.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized

FAMILY = [
    (DomainError, 400, "bad_request"),
    (Invalid, 422, "invalid"),
    (Unauthorized, 401, "unauthorized"),
    (Forbidden, 403, "forbidden"),
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
]


@pytest.mark.parametrize("cls, status, code", FAMILY, ids=lambda v: getattr(v, "__name__", v))
def test_family_status_and_code(cls, status, code):
    err = cls()
    assert issubclass(cls, DomainError)
    assert (err.status, err.code) == (status, code)
    assert err.message and str(err) == err.message
    assert err.fields == {}


def test_message_and_fields_given():
    err = Conflict("Taken.", {"email": ["Already registered."]})
    assert err.message == "Taken." and str(err) == "Taken."
    assert err.fields == {"email": ["Already registered."]}


def test_invalid_field_names_the_field():
    err = Invalid.field("timezone", "Unknown zone.")
    assert err.status == 422
    assert err.fields == {"timezone": ["Unknown zone."]}
    assert "timezone" in err.message


@pytest.mark.parametrize("messages, flat", [
    (["Invalid input type."], {"_schema": ["Invalid input type."]}),
    ({"email": ["Bad."]}, {"email": ["Bad."]}),
    ({"entries": {0: {"reps": ["Too many."]}}}, {"entries.0.reps": ["Too many."]}),
    ({"entries": {1: {"stretch": ["Unknown."], "side": ["No."]}}, "notes": ["Long."]},
     {"entries.1.stretch": ["Unknown."], "entries.1.side": ["No."], "notes": ["Long."]}),
    ({"a": {"b": {"c": ["deep"]}}}, {"a.b.c": ["deep"]}),
    ({}, {}),
])
def test_flatten_errors(messages, flat):
    assert errors.flatten_errors(messages) == flat


# --- each error answered through the handlers --------------------------------------


@pytest.fixture
def raising_app(make_app):
    """An app with throwaway routes that raise a given DomainError subclass."""
    app = make_app()
    by_name = {cls.__name__: cls for cls, _status, _code in FAMILY}

    def _raise(name: str):
        raise by_name[name]("Custom message.", {"field_x": ["Problem with x."]})

    app.add_url_rule("/api/v1/test-raise/<name>", "test_raise_api", _raise)
    app.add_url_rule("/test-raise/<name>", "test_raise_page", _raise)
    return app


@pytest.mark.parametrize("cls, status, code", FAMILY, ids=lambda v: getattr(v, "__name__", v))
def test_domain_errors_answer_json_under_api(raising_app, cls, status, code):
    response = raising_app.test_client().get(f"/api/v1/test-raise/{cls.__name__}")
    assert response.status_code == status
    assert response.is_json
    assert response.get_json() == {"status": status, "error": code,
                                   "message": "Custom message.",
                                   "fields": {"field_x": ["Problem with x."]}}


@pytest.mark.parametrize("cls, status, code", FAMILY, ids=lambda v: getattr(v, "__name__", v))
def test_domain_errors_answer_html_elsewhere(raising_app, cls, status, code):
    response = raising_app.test_client().get(f"/test-raise/{cls.__name__}")
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Custom message." in page
    assert "Problem with x." in page
    assert "field_x" not in page  # pages show messages, not field keys
