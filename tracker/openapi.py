"""What the OpenAPI document says beyond the schemas of each route: the real error
body, the two ways to authenticate (a bearer token; a cookie session, whose unsafe
requests also carry the CSRF header) and which operations need them, and formats of
our own field types. An apispec plugin adds the security requirement to every
operation as it is registered, so operations added later are covered too; public
operations say ``@blp.doc(security=[])``."""
from __future__ import annotations

import flask_smorest
from apispec import BasePlugin
from flask_smorest import Api
from marshmallow import Schema, fields

from tracker.schemas import ClientId

BEARER = "bearerAuth"
COOKIE = "cookieAuth"
CSRF = "csrfHeader"
SAFE_METHODS = frozenset({"get", "head", "options"})

SECURITY_SCHEMES = {
    BEARER: {"type": "http", "scheme": "bearer",
             "description": "A personal API token from POST /api/v1/auth/tokens "
                            "(`Authorization: Bearer bst_...`). No CSRF token needed."},
    COOKIE: {"type": "apiKey", "in": "cookie", "name": "session",
             "description": "The web app's session cookie, set by /auth/login or "
                            "/auth/register."},
    CSRF: {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
           "description": "With the cookie session, every POST, PATCH and DELETE also "
                          "sends the token from GET /api/v1/auth/csrf."},
}


def server_rules(text: str) -> dict:
    """``@blp.doc(**server_rules("..."))``: says where the server is rightly stricter
    than the JSON schema can (an unknown stretch, a wrong password): such a request
    fits the schema yet is refused with 409/410/422 naming the field. The fuzz test
    (tests/integration/test_api_fuzz.py) holds those operations to exactly that."""
    return {"x-server-rules": text}


class LocalizedErrorSchema(Schema):
    lang = fields.String(required=True, metadata={"description": "The language, e.g. de."})
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", required=True, keys=fields.String(),
                          values=fields.List(fields.String()))


class ErrorSchema(Schema):
    """Every error answer of the API (see tracker.errors)."""

    status = fields.Integer(required=True, metadata={"description": "The HTTP status."})
    error = fields.String(required=True, metadata={"description": "A stable code, "
                          "e.g. invalid, not_found, rate_limited."})
    message = fields.String(required=True, metadata={"description": "For people."})
    fields_ = fields.Dict(
        data_key="fields", required=True, keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Messages per offending field, by dotted path "
                                 "(entries.0.reps); empty when no one field is at fault."})
    localized = fields.Nested(LocalizedErrorSchema, metadata={"description": (
        "Only when the request speaks another language than English (the person's "
        "choice, else Accept-Language; 4xx only): message and fields as a page in that "
        "language says them, for showing to the person. message and fields above stay "
        "English and are what a client should match on.")})


def security_for(method: str) -> list[dict]:
    cookie = {COOKIE: []} if method in SAFE_METHODS else {COOKIE: [], CSRF: []}
    return [{BEARER: []}, cookie]


class SecurityPlugin(BasePlugin):
    """Every operation needs a signed-in caller unless it says otherwise."""

    def operation_helper(self, path=None, operations=None, **kwargs):  # noqa: ANN001, ANN201
        for method, operation in (operations or {}).items():
            if isinstance(operation, dict) and "security" not in operation:
                operation["security"] = security_for(method)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, with each ``arguments`` schema made once: given a
    class, webargs makes an instance, with copies of its nested fields, on every
    request, which costs more than the validation itself."""

    def arguments(self, schema, *args, **kwargs):  # noqa: ANN001, ANN201
        return super().arguments(schema() if isinstance(schema, type) else schema,
                                 *args, **kwargs)


class TrackerApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def __init__(self, *args, **kwargs):
        spec_kwargs = kwargs.setdefault("spec_kwargs", {})
        spec_kwargs.setdefault("extra_plugins", []).append(SecurityPlugin())
        super().__init__(*args, **kwargs)
        self.register_field(ClientId, "string", "uuid")

    def init_app(self, app, *args, **kwargs):  # noqa: ANN001
        super().init_app(app, *args, **kwargs)
        for name, scheme in SECURITY_SCHEMES.items():
            self.spec.components.security_scheme(name, scheme)
