"""Open311 GeoReport v2 under /open311/v2/: services, service definitions, filing requests
(with an `api_key`), reading requests, tokens, and the requests' photos (`media_url`).

Every path ends with its format, `.xml` (the specification's mandatory one) or `.json`; every
refusal, the shell's included (validation, not found, too large, unavailable), is the
specification's list of `code` + `description` in that format (`open311_errors`, registered
for the /open311/ prefix in the web shell).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.datastructures import FormData

from callcenter.appeals.service.photos import AppealPhotos
from callcenter.core.web.bounds import RowId
from callcenter.core.web.photo_files import PHOTO_RESPONSES, photo_response
from callcenter.core.web.request_text import strict_form
from callcenter.open311.model.formats import (
    JSON_TYPE,
    XML_TYPE,
    media_type,
    render_definition,
    render_errors,
    render_list,
)
from callcenter.open311.model.spec import Format, Open311Error, request_fields
from callcenter.open311.schemas import FORM_FIELDS, REQUEST_BODY, responses
from callcenter.open311.service import Open311
from callcenter.users.access import public

PREFIX = "/open311/v2"
router = APIRouter(tags=["open311"], dependencies=[Depends(public())])
Fmt = Annotated[Literal["xml", "json"], Path(description="`xml` or `json`")]
Short = Annotated[str, Query(max_length=64)]
Text = Annotated[str, Query(max_length=4000)]
Jurisdiction = Annotated[str, Query(max_length=64, description="accepted, not needed: "
                                                                "one city")]


def open311_of(request: Request) -> Open311:
    found: Open311 = request.app.state.open311
    return found


def open311_errors(request: Request, status: int, error_id: str, text: str,
                   details: Any) -> Response:
    """The shell's error in the specification's format (the path's `.json` or else XML)."""
    fmt: Format = "json" if request.url.path.endswith(".json") else "xml"
    listed = [(status, f"{d.get('field', '')}: {d.get('problem', '')}")
              for d in details or () if isinstance(d, dict)] or [(status, text)]
    headers = {"Retry-After": "60"} if status in (429, 503) else None
    return Response(render_errors(fmt, listed), status_code=status,
                    media_type=media_type(fmt), headers=headers)


def _reply(fmt: Format, body: bytes) -> Response:
    return Response(body, media_type=XML_TYPE if fmt == "xml" else JSON_TYPE)


@router.get(PREFIX + "/services.{fmt}", response_class=Response, responses=responses(404))
async def services(request: Request, fmt: Fmt, jurisdiction_id: Jurisdiction = "") -> Response:
    """The categories residents may file: `service_code` is the category's code."""
    return _reply(fmt, render_list(fmt, "services", "service", open311_of(request).services()))


@router.get(PREFIX + "/services/{service_code}.{fmt}", response_class=Response,
            responses=responses(404))
async def service_definition(request: Request, service_code: Annotated[str, Path(max_length=64)],
                             fmt: Fmt, jurisdiction_id: Jurisdiction = "") -> Response:
    """The service's attributes (a flat number where a category needs a house)."""
    return _reply(fmt, render_definition(fmt, open311_of(request).definition(service_code)))


@router.post(PREFIX + "/requests.{fmt}", response_class=Response,
             responses=responses(400, 403, 404, 413, 415),
             openapi_extra={"requestBody": REQUEST_BODY})
async def post_request(request: Request, fmt: Fmt) -> Response:
    """File a service request (form-encoded, the specification's fields); `api_key` from
    the city. An address is `вулиця, будинок[, кв. N]`. Answers its `service_request_id`."""
    fields = await _form(request)
    number = await open311_of(request).post(fields)
    rows = [{"service_request_id": number, "service_notice": "", "account_id": ""}]
    return _reply(fmt, render_list(fmt, "service_requests", "request", rows))


@router.get(PREFIX + "/requests.{fmt}", response_class=Response, responses=responses(400, 404))
async def get_requests(request: Request, fmt: Fmt, jurisdiction_id: Jurisdiction = "",
                       service_request_id: Text = "", service_code: Text = "",
                       start_date: Short = "", end_date: Short = "",
                       status: Short = "") -> Response:
    """Requests newest first: by default the last 90 days, at most 1000;
    `service_request_id` (comma separated) overrides every other filter."""
    service = open311_of(request)
    found = await service.requests(ids=service_request_id, service_code=service_code,
                                   start_date=start_date, end_date=end_date, status=status)
    return _requests(request, fmt, found)


@router.get(PREFIX + "/requests/{service_request_id}.{fmt}", response_class=Response,
            responses=responses(404))
async def get_request(request: Request, service_request_id: Annotated[str, Path(max_length=24)],
                      fmt: Fmt, jurisdiction_id: Jurisdiction = "") -> Response:
    return _requests(request, fmt, [await open311_of(request).request(service_request_id)])


@router.get(PREFIX + "/tokens/{token}.{fmt}", response_class=Response, responses=responses(404))
async def get_token(request: Request, token: Annotated[str, Path(max_length=24)], fmt: Fmt,
                    jurisdiction_id: Jurisdiction = "") -> Response:
    """Requests get their id at once: the token is the id."""
    number = await open311_of(request).token(token)
    rows = [{"service_request_id": number, "token": token}]
    return _reply(fmt, render_list(fmt, "service_requests", "request", rows))


@router.get(PREFIX + "/media/{number}/{photo_id}", response_class=FileResponse,
            responses={**PHOTO_RESPONSES, **responses(404)})
async def media(request: Request, number: Annotated[str, Path(max_length=24)],
                photo_id: RowId) -> FileResponse:
    """A photo of a published request (its `media_url`)."""
    await open311_of(request).request(number)
    photos: AppealPhotos = request.app.state.appeal_photos
    return photo_response(await photos.file(number, photo_id), cache="public, max-age=3600")


def _requests(request: Request, fmt: Format, found: list[Any]) -> Response:
    service = open311_of(request)
    base = str(request.base_url).rstrip("/") + PREFIX + "/media"
    rows = [request_fields(r, names=service.names, zone=service.timezone, media_base=base)
            for r in found]
    return _reply(fmt, render_list(fmt, "service_requests", "request", rows))


async def _form(request: Request) -> dict[str, str]:
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        form: FormData = await strict_form(request, max_files=0, max_fields=len(FORM_FIELDS) + 8)
    elif kind.startswith("application/x-www-form-urlencoded"):
        form = await request.form(max_files=0, max_fields=len(FORM_FIELDS) + 8)
    else:
        raise Open311Error(415, "send the fields form-encoded "
                                "(application/x-www-form-urlencoded)")
    return {k: v for k, v in form.items() if isinstance(v, str)}
