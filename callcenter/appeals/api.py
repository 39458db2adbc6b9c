"""The appeals API the operator's page uses (and any API client of an operator or supervisor).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse

from callcenter.appeals.model.form import InvalidAppealForm
from callcenter.appeals.model.photos import PhotoNotFound
from callcenter.appeals.model.records import AppealNotFound, CallNotFound, StaleAppeal
from callcenter.appeals.model.search import MAX_LIMIT, InvalidSearch, SearchRequest
from callcenter.appeals.schemas import (
    AppealView,
    CompleteRequest,
    SearchResult,
    Views,
)
from callcenter.appeals.service.operators import Appeals
from callcenter.appeals.service.photos import AppealPhotos
from callcenter.core.errors import InvalidTransition
from callcenter.core.web.bounds import Day, Offset, RowId
from callcenter.core.web.errors import raises
from callcenter.core.web.i18n import lang_of
from callcenter.core.web.labels import Labels
from callcenter.core.web.photo_files import PHOTO_RESPONSES, photo_response
from callcenter.reference.service import Reference
from callcenter.users.access import Desk

router = APIRouter(tags=["appeals"])
Number = Annotated[str, Path(max_length=24, description="YYYY-NNNNNN")]


def appeals_of(request: Request) -> Appeals:
    appeals: Appeals = request.app.state.appeals
    return appeals


def photos_of(request: Request) -> AppealPhotos:
    photos: AppealPhotos = request.app.state.appeal_photos
    return photos


def reference_of(request: Request) -> Reference:
    reference: Reference = request.app.state.reference
    return reference


def views_of(request: Request) -> Views:
    language = lang_of(request)
    return Views(Labels(language), reference_of(request).categories, language,
                 appeals_of(request).rules.timezone)


@router.get("/api/appeals/{number}",
             responses=raises(AppealNotFound))
async def get_appeal(number: Number, request: Request, _user: Desk) -> AppealView:
    """One appeal with its call, the other appeals of that call, and its history."""
    return views_of(request).appeal(await appeals_of(request).details(number))


@router.get("/api/appeals/{number}/photos/{photo_id}", response_class=FileResponse,
            responses={**PHOTO_RESPONSES, **raises(AppealNotFound, PhotoNotFound)})
async def get_photo(number: Number, photo_id: RowId, request: Request,
                    _user: Desk) -> FileResponse:
    """A photo the contractor attached to its answer (the `url` of one of the appeal's
    `photos`): JPEG, PNG or WebP. 404 `photo_not_found` for no such photo of this appeal."""
    photo = await photos_of(request).file(number, photo_id)
    return photo_response(photo, cache="private")


@router.post("/api/appeals/{number}/complete",
             responses=raises(AppealNotFound, InvalidAppealForm, StaleAppeal, InvalidTransition))
async def complete_appeal(number: Number, body: CompleteRequest, request: Request,
                          user: Desk) -> AppealView:
    """Complete the appeal from the operator's form: it becomes `registered`, or
    `consultation` (closed at once) with `consultation: true`. 422 lists each field's problem;
    409 when the appeal changed since the form was opened (`appeal_changed`) or cannot be
    completed any more (`invalid_transition`)."""
    stored = await appeals_of(request).complete_appeal(number=number, form=body.form(),
                                                       user=user)
    return views_of(request).appeal(stored)


@router.post("/api/calls/{call_id}/appeals", status_code=201,
             responses=raises(CallNotFound))
async def add_appeal_from_call(call_id: Annotated[str, Path(max_length=64)],
                               request: Request, user: Desk) -> AppealView:
    """Another appeal from the same call (the resident has a second problem): status `new`,
    linked to the call, opened by the operator."""
    stored = await appeals_of(request).add_appeal_from_call(call_id, user)
    return views_of(request).appeal(stored)


Text = Annotated[str, Query(max_length=200)]


@router.get("/api/appeals",
             responses=raises(InvalidSearch))
async def search_appeals(
        request: Request, _user: Desk, q: Text = "", number: Text = "", phone: Text = "",
        address: Text = "", category: Text = "", status: Text = "",
        date_from: Day = None, date_to: Day = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
        offset: Offset = 0) -> SearchResult:
    """Appeals, newest first. `q` finds a number (prefix), a phone (any format), or words of
    the address, the names or the description; the other fields narrow. Case, apostrophes and
    Latin look-alike letters do not matter. Dates are days in the configured timezone."""
    found = await appeals_of(request).search(SearchRequest(
        q=q, number=number, phone=phone, address=address, category=category, status=status,
        date_from=date_from, date_to=date_to, limit=limit, offset=offset))
    views = views_of(request)
    return SearchResult(items=[views.row(item) for item in found.items], total=found.total,
                        total_capped=found.capped, limit=limit, offset=offset)
