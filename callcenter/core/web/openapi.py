"""The OpenAPI document says which errors every operation can answer, all with one envelope.

What the HTTP shell itself can answer is derived here, for every operation, from facts the
routes already carry: 401 and 403 from the access rule of a guarded one (and 503: the guard
reads the session from the database), 404 from a path parameter (a look-up by number, id or
code), 400 and 413 from a request body (a body that cannot be decoded; the size cap of
`request_text`), 422 for the parameters (also
FastAPI's own 422, whose schema was not the envelope we send). What an operation's use case can
raise besides (409, 410, 415, 429...) it names with `errors.raises(...)`, which words each
status from the one error table in `errors.py`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from callcenter.core.errors import StoreUnavailable
from callcenter.core.web.errors import (
    HTTP_IDS,
    HTTP_MESSAGES,
    ErrorEnvelope,
    Responses,
    documented,
    raises,
)
from callcenter.core.web.request_text import NOT_STORABLE, TOO_LARGE
from callcenter.users.access import CsrfFailed, access_of, endpoints
from callcenter.users.model import Forbidden, NotSignedIn

BODY_METHODS = {"POST", "PUT", "PATCH"}
VALIDATION = documented([
    "`validation`: Some fields are not filled in correctly; `details` names each field "
    f"(`control_character`: {NOT_STORABLE})"])
UNUSED = ("HTTPValidationError", "ValidationError")
# FastAPI's answer to a body it cannot even decode (JSON that is not UTF-8, say).
BAD_BODY = "The request cannot be done (its body cannot be read)."


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = FastAPI.openapi(app)
            add_errors(app, document)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def add_errors(app: FastAPI, document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    envelope = ErrorEnvelope.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(envelope.pop("$defs", {}))
    schemas["ErrorEnvelope"] = envelope
    for name in UNUSED:
        schemas.pop(name, None)
    own_format = tuple(getattr(app.state, "error_formats", None) or ())
    for route in endpoints(app.routes):
        if own_format and route.path.startswith(own_format):
            continue  # a protocol with its own errors documents them itself (Open311)
        if isinstance(route, APIRoute) and route.include_in_schema:
            for method in route.methods or ():
                operation = document["paths"][route.path][method.lower()]
                add_shell_errors(operation["responses"], route, method)


def add_shell_errors(responses: dict[str, Any], route: APIRoute, method: str) -> None:
    if 422 not in route.responses:  # a page may answer its form's problems itself
        responses["422"] = VALIDATION
    for status, response in shell_errors(route, method).items():
        responses.setdefault(str(status), response)


def shell_errors(route: APIRoute, method: str) -> Responses:
    access = access_of(route)
    found: Responses = {}
    if access is not None and not access.public:
        found |= raises(NotSignedIn, Forbidden, CsrfFailed, StoreUnavailable)
    if "{" in route.path:
        found[404] = documented([f"`{HTTP_IDS[404]}`: {HTTP_MESSAGES[404]}"])
    if method in BODY_METHODS:
        found[400] = documented([f"`{HTTP_IDS[400]}`: {BAD_BODY}"])
        found[413] = documented([f"`{HTTP_IDS[413]}`: {TOO_LARGE}"])
    return found
