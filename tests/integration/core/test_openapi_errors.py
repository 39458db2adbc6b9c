"""The OpenAPI document names every error an operation can answer, all with one envelope."""

from __future__ import annotations

from fastapi.routing import APIRoute

from callcenter.users.access import access_of, endpoints
from tests.web_rig import WebRig

ENVELOPE = {"$ref": "#/components/schemas/ErrorEnvelope"}


def responses_of(document: dict[str, object], method: str, path: str) -> dict[str, dict]:
    return document["paths"][path][method.lower()]["responses"]  # type: ignore[index]


async def test_every_error_of_every_operation_is_the_envelope(web: WebRig) -> None:
    async with web.client() as client:
        document = (await client.get("/openapi.json")).json()
    checked = 0
    own = tuple(web.app.state.error_formats)  # Open311's own errors: tests/integration/open311
    for route in endpoints(web.app.routes):
        if not isinstance(route, APIRoute) or not route.include_in_schema or \
                route.path.startswith(own):
            continue
        access = access_of(route)
        for method in route.methods:
            responses = responses_of(document, method, route.path)
            # 416: Starlette's own answer to a Range beyond the file (no body of ours)
            errors = {s: r for s, r in responses.items() if s[0] in "45" and s != "416"}
            assert "422" in errors, (method, route.path)
            assert access is not None
            assert access.public or {"401", "403", "503"} <= errors.keys(), route.path
            for status, response in errors.items():
                if set(response["content"]) == {"text/html"}:
                    continue  # a page's own answer (the portal's form)
                assert response["content"]["application/json"]["schema"] == ENVELOPE, status
                assert response["description"].startswith("`") or \
                    "text/html" in response["content"], (route.path, status)
            checked += 1
    assert checked > 40
    assert "HTTPValidationError" not in document["components"]["schemas"]


async def test_statuses_come_from_the_error_table(web: WebRig) -> None:
    async with web.client() as client:
        document = (await client.get("/openapi.json")).json()
    complete = responses_of(document, "POST", "/api/appeals/{number}/complete")
    done = responses_of(document, "POST", "/api/contractor/appeals/{number}/done")
    token = responses_of(document, "POST", "/api/auth/token")
    assert "`appeal_changed`" in complete["409"]["description"]
    assert "`appeal_not_found`" in complete["404"]["description"]
    assert {"400", "409", "413", "415"} <= done.keys()
    assert {"401", "429", "503"} <= token.keys() and "403" not in token
    schema = document["components"]["schemas"]["CompleteRequest"]
    assert "description" in schema["description"] and "categories" in schema["description"]
