"""Open311's shapes in the OpenAPI document: the form of a new request and the error list,
both formats."""

from __future__ import annotations

from typing import Any

from callcenter.open311.model.formats import JSON_TYPE, XML_TYPE

FORM_FIELDS = ("api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
               "address_id", "email", "device_id", "account_id", "first_name", "last_name",
               "phone", "description", "media_url", "attribute[flat]")
ERRORS_SCHEMA = {"type": "array", "items": {
    "type": "object", "required": ["code", "description"],
    "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}}
WHY = {400: "A field is missing or wrong (the description names it)",
       403: "The api_key is missing, unknown or revoked",
       404: "No such service, request or token",
       413: "The request is too large",
       415: "Not form-encoded",
       422: "A parameter is not valid (the description names it)",
       503: "The database is unavailable: try again later"}
REQUEST_BODY = {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "required": ["api_key", "service_code"],
    "properties": {name: {"type": "string", "maxLength": 4000} for name in FORM_FIELDS}}}}}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The operation's answers: 200 and its refusals, each in both formats."""
    errors = {"content": {JSON_TYPE.split(";")[0]: {"schema": ERRORS_SCHEMA},
                          XML_TYPE.split(";")[0]: {"schema": {"type": "string"}}}}
    found: dict[int | str, dict[str, Any]] = {
        200: {"description": "The records in the path's format",
              "content": {"application/json": {}, "text/xml": {"schema": {"type": "string"}}}}}
    for status in sorted({*statuses, 422, 503}):
        found[status] = {"description": WHY[status], **errors}
    return found
