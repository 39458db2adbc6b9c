"""The contractors' API: their own appeals and their answers (take, plan, done with photos,
not ours, clarify). Only users with the contractor role (not even admins, who have no
contractor); an appeal of another contractor answers 404 like one that does not exist."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from callcenter.appeals.model.photos import (
    HEAD,
    InvalidPhoto,
    PhotoNotFound,
    PhotoTooLarge,
    TooManyPhotos,
)
from callcenter.appeals.model.search import InvalidSearch
from callcenter.contractors.model.desk import (
    ContractorAppeal,
    ContractorAppealDetails,
    ContractorAppealNotFound,
    TextTooLong,
    parse_statuses,
)
from callcenter.contractors.service.desk import ContractorDesk, PhotoUpload
from callcenter.core.errors import InvalidTransition
from callcenter.core.web.bounds import BodyDay, Offset, RowId
from callcenter.core.web.errors import http_errors, raises
from callcenter.core.web.photo_files import PHOTO_RESPONSES, photo_response
from callcenter.core.web.request_text import strict_form
from callcenter.routing.model.records import NotWithContractor, TextRequired
from callcenter.users.access import only
from callcenter.users.model import Principal, Role

router = APIRouter(tags=["contractor"])
Contractor = Annotated[Principal, Depends(only(Role.CONTRACTOR))]
Number = Annotated[str, Path(max_length=24, description="YYYY-NNNNNN")]
TEXT = 4000
FORM_SLACK = 1 << 20  # room for the text fields and the multipart framing
ANSWER_ERRORS = raises(ContractorAppealNotFound, NotWithContractor, InvalidTransition,
                       TextRequired, TextTooLong)
DONE_ERRORS = {**ANSWER_ERRORS, **raises(PhotoTooLarge, TooManyPhotos, InvalidPhoto),
               **http_errors(400, 415)}


def desk_of(request: Request) -> ContractorDesk:
    desk: ContractorDesk = request.app.state.contractor_desk
    return desk


class AppealItem(BaseModel):
    number: str
    status: str
    category: str | None
    address: str | None
    description: str | None
    opened_at: datetime
    deadline: datetime | None
    priority: str | None
    planned_date: date | None
    resident_name: str | None
    resident_phone: str | None = Field(description="Masked unless the rule allows a call-back")
    callback: bool
    answer: str | None = Field(description="The answer for the resident")


class AppealPage(BaseModel):
    items: list[AppealItem]
    total: int
    limit: int
    offset: int


class HistoryView(BaseModel):
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    comment: str


class PhotoView(BaseModel):
    id: int
    url: str
    added_at: datetime
    actor: str


class AppealDetailsView(AppealItem):
    history: list[HistoryView]
    photos: list[PhotoView]


class TakeRequest(BaseModel):
    comment: str = Field(default="", max_length=TEXT)


class PlanRequest(BaseModel):
    date: BodyDay
    comment: str = Field(default="", max_length=TEXT)


class NotOursRequest(BaseModel):
    reason: str = Field(max_length=TEXT, description="required: blank is refused (422)")


class ClarifyRequest(BaseModel):
    question: str = Field(max_length=TEXT, description="required: blank is refused (422)")


def item_of(a: ContractorAppeal) -> dict[str, Any]:
    return {"number": a.number, "status": a.status, "category": a.category,
            "address": a.address, "description": a.description, "opened_at": a.opened_at,
            "deadline": a.deadline, "priority": a.priority, "planned_date": a.planned_date,
            "resident_name": a.resident_name, "resident_phone": a.resident_phone,
            "callback": a.callback, "answer": a.answer}


def details_of(d: ContractorAppealDetails) -> AppealDetailsView:
    number = d.appeal.number
    return AppealDetailsView(
        **item_of(d.appeal),
        history=[HistoryView(at=h.at, actor=h.actor, action=h.action,
                             from_status=h.from_status, to_status=h.to_status,
                             comment=h.comment) for h in d.history],
        photos=[PhotoView(id=p.id, url=f"/api/contractor/appeals/{number}/photos/{p.id}",
                          added_at=p.added_at, actor=p.actor) for p in d.photos])


@router.get("/api/contractor/appeals",
             responses=raises(InvalidSearch))
async def my_appeals(request: Request, user: Contractor,
                     status: Annotated[str, Query(max_length=200,
                                                  description="comma-separated")] = "",
                     limit: Annotated[int, Query(ge=1, le=200)] = 50,
                     offset: Offset = 0) -> AppealPage:
    """The contractor's appeals, most urgent then newest first."""
    try:
        statuses = [s.value for s in parse_statuses(status)]
    except ValueError:
        raise InvalidSearch("status", "unknown_status") from None
    page = await desk_of(request).appeals(user, statuses=statuses, limit=limit, offset=offset)
    return AppealPage(items=[AppealItem(**item_of(a)) for a in page.items], total=page.total,
                      limit=page.limit, offset=page.offset)


@router.get("/api/contractor/appeals/{number}",
             responses=raises(ContractorAppealNotFound))
async def my_appeal(number: Number, request: Request, user: Contractor) -> AppealDetailsView:
    return details_of(await desk_of(request).appeal(user, number))


@router.get("/api/contractor/appeals/{number}/photos/{photo_id}", response_class=FileResponse,
            responses={**PHOTO_RESPONSES, **raises(ContractorAppealNotFound, PhotoNotFound)})
async def my_photo(number: Number, photo_id: RowId, request: Request,
                   user: Contractor) -> FileResponse:
    photo = await desk_of(request).photo(user, number, photo_id)
    return photo_response(photo, cache="private, no-store")


async def _answered(request: Request, number: str) -> AppealDetailsView:
    user: Principal = request.state.principal
    return details_of(await desk_of(request).appeal(user, number))


@router.post("/api/contractor/appeals/{number}/take",
             responses=ANSWER_ERRORS)
async def take(number: Number, body: TakeRequest, request: Request,
               user: Contractor) -> AppealDetailsView:
    """Take into work (`in_work`)."""
    await desk_of(request).take(user, number, comment=body.comment)
    return await _answered(request, number)


@router.post("/api/contractor/appeals/{number}/plan",
             responses=ANSWER_ERRORS)
async def plan(number: Number, body: PlanRequest, request: Request,
               user: Contractor) -> AppealDetailsView:
    """Set the planned date (an assigned appeal moves to `in_work`)."""
    await desk_of(request).plan(user, number, day=body.date, comment=body.comment)
    return await _answered(request, number)


@router.post("/api/contractor/appeals/{number}/not-ours",
             responses=ANSWER_ERRORS)
async def not_ours(number: Number, body: NotOursRequest, request: Request,
                   user: Contractor) -> AppealDetailsView:
    """Not ours (`redirected`): back to the coordinator with the reason."""
    await desk_of(request).not_ours(user, number, reason=body.reason)
    return await _answered(request, number)


@router.post("/api/contractor/appeals/{number}/clarify",
             responses=ANSWER_ERRORS)
async def clarify(number: Number, body: ClarifyRequest, request: Request,
                  user: Contractor) -> AppealDetailsView:
    """Ask the hotline a question (`clarification`)."""
    await desk_of(request).clarify(user, number, question=body.question)
    return await _answered(request, number)


@router.post("/api/contractor/appeals/{number}/done",
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {
                 "type": "object", "required": ["answer"],
                 "properties": {"answer": {"type": "string", "maxLength": TEXT},
                                "internal_note": {"type": "string", "maxLength": TEXT},
                                "photos": {"type": "array", "items": {
                                    "type": "string", "format": "binary"}}}}}}}},
             responses=DONE_ERRORS)
async def done(number: Number, request: Request, user: Contractor) -> AppealDetailsView:
    """Done (multipart): `answer` for the resident (required: blank is refused with 422),
    `internal_note` for the hotline only, `photos` (JPEG, PNG or WebP, judged by their bytes:
    anything else 415; too large or too many 413). Text fields must be UTF-8 without control
    characters (400)."""
    desk = desk_of(request)
    rules = desk.photo_rules
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > rules.max_count * rules.max_bytes + FORM_SLACK:
        raise PhotoTooLarge(rules.max_bytes)
    form = await strict_form(request, max_files=rules.max_count + 1)
    try:
        files = [f for f in form.getlist("photos") if isinstance(f, UploadFile)]
        if len(files) > rules.max_count:
            raise TooManyPhotos(rules.max_count)
        answer, note = _text(form.get("answer")), _text(form.get("internal_note"))
        uploads = [PhotoUpload(size=f.size or 0, head=await _head(f), file=f.file)
                   for f in files]
        await desk.done(user, number, answer=answer, note=note, photos=uploads)
    finally:
        await form.close()
    return await _answered(request, number)


def _text(value: object) -> str:
    text = value if isinstance(value, str) else ""
    if len(text) > TEXT:
        raise TextTooLong(f"at most {TEXT} characters")
    return text


async def _head(upload: UploadFile) -> bytes:
    await upload.seek(0)
    head = await upload.read(HEAD)
    await upload.seek(0)
    return head
