"""The call-backs API: the operator's worklist, claim, call, outcome; a supervisor's control."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from callcenter.appeals.model.records import AppealNotFound
from callcenter.callbacks.model import (
    AlreadyClaimed,
    Attempt,
    AttemptNotFound,
    Claim,
    ItemGone,
    Kind,
    NotClaimed,
    Outcome,
    WorkItem,
    WrongOutcome,
)
from callcenter.callbacks.service import Callbacks
from callcenter.core.errors import InvalidTransition
from callcenter.core.phones import readable
from callcenter.core.web.bounds import MAX_ID, RowId
from callcenter.core.web.errors import raises
from callcenter.core.web.i18n import lang_of
from callcenter.pops.model.pausing import NoSeat
from callcenter.reference.service import Reference
from callcenter.users.access import allow
from callcenter.users.model import Principal, Role

router = APIRouter(tags=["callbacks"])


def callbacks_of(request: Request) -> Callbacks:
    service: Callbacks = request.app.state.callbacks
    return service


def seat_of(user: Principal) -> str:
    if not user.seat:
        raise NoSeat("sign in again and pick a seat")
    return user.seat


class ItemView(BaseModel):
    kind: Kind
    appeal_id: int
    number: str
    phone: str
    phone_display: str  # as people read it aloud
    status: str
    waiting_since: datetime
    tries: int
    no_answers: int
    category: str | None
    category_name: str | None  # in the request's language
    address: str | None
    contractor: str | None
    claimed_by: str | None
    mine: bool

    @classmethod
    def of(cls, item: WorkItem, me: str, names: Callable[[str | None], str | None]
           ) -> ItemView:
        return cls(kind=item.kind, appeal_id=item.appeal_id, number=item.number,
                   phone=item.phone, phone_display=readable(item.phone) or item.phone,
                   status=item.status.value, waiting_since=item.waiting_since,
                   tries=item.tries, no_answers=item.no_answers, category=item.category,
                   category_name=names(item.category), address=item.address,
                   contractor=item.contractor, claimed_by=item.claimed_by,
                   mine=item.claimed_by == me)


class ItemRef(BaseModel):
    kind: Kind
    appeal_id: int = Field(ge=1, le=MAX_ID)


class ClaimView(BaseModel):
    kind: Kind
    appeal_id: int
    phone: str
    expires_at: datetime

    @classmethod
    def of(cls, claim: Claim) -> ClaimView:
        return cls(kind=claim.kind, appeal_id=claim.appeal_id, phone=claim.phone,
                   expires_at=claim.expires_at)


class AttemptView(BaseModel):
    id: int
    kind: Kind
    number: str
    phone: str
    state: str  # pending | originating | connected | failed
    error: str | None
    outcome: Outcome | None
    answered: bool
    ended: bool

    @classmethod
    def of(cls, a: Attempt) -> AttemptView:
        return cls(id=a.id, kind=a.kind, number=a.number, phone=a.phone, state=a.state,
                   error=a.error, outcome=a.outcome, answered=a.call_answered,
                   ended=a.call_ended)


class OutcomeIn(BaseModel):
    outcome: Outcome
    words: str = Field(default="", max_length=4000)


class ControlIn(BaseModel):
    on: bool = True
    note: str = Field(default="", max_length=4000)


Operator = Annotated[Principal, Depends(allow(Role.OPERATOR))]


@router.get("/api/operator/callbacks")
async def worklist(request: Request, user: Operator) -> list[ItemView]:
    """Missed calls to call back, done appeals to check, appeals on control: oldest first."""
    names = category_names(request)
    return [ItemView.of(item, user.username, names)
            for item in await callbacks_of(request).worklist()]


def category_names(request: Request) -> Callable[[str | None], str | None]:
    reference: Reference = request.app.state.reference
    lang = lang_of(request)

    def name(code: str | None) -> str | None:
        found = reference.categories.get(code) if code else None
        return found.name(lang) if found is not None else code

    return name


@router.post("/api/operator/callbacks/claim",
             responses=raises(NoSeat, AlreadyClaimed, ItemGone, InvalidTransition))
async def claim(request: Request, item: ItemRef, user: Operator) -> ClaimView:
    """Take an item: nobody else calls this resident until the claim expires."""
    return ClaimView.of(await callbacks_of(request).claim(
        item.kind, item.appeal_id, username=user.username, seat=seat_of(user)))


@router.post("/api/operator/callbacks/release")
async def release(request: Request, user: Operator) -> dict[str, Any]:
    await callbacks_of(request).release(user.username)
    return {"released": True}


@router.post("/api/operator/callbacks/call", responses=raises(NoSeat, NotClaimed))
async def call(request: Request, item: ItemRef, user: Operator) -> AttemptView:
    """Call the resident: the operator's phone rings first, then the resident's."""
    service = callbacks_of(request)
    attempt_id = await service.call(item.kind, item.appeal_id, username=user.username,
                                    seat=seat_of(user))
    return AttemptView.of(await service.attempt(attempt_id))


@router.get("/api/operator/callbacks/attempts/{attempt_id}",
            responses=raises(AttemptNotFound))
async def attempt(request: Request, attempt_id: RowId,
                  user: Operator) -> AttemptView:
    found = await callbacks_of(request).attempt(attempt_id)
    if found.username != user.username and user.role is not Role.ADMIN:
        raise AttemptNotFound(f"no call-back attempt {attempt_id} of yours")
    return AttemptView.of(found)


@router.post("/api/operator/callbacks/attempts/{attempt_id}/outcome",
             responses=raises(AttemptNotFound, WrongOutcome, InvalidTransition))
async def outcome(request: Request, attempt_id: RowId, body: OutcomeIn,
                  user: Operator) -> AttemptView:
    """What came of the call: the appeal moves as DESIGN.md says (closed, returned ...)."""
    return AttemptView.of(await callbacks_of(request).record(
        attempt_id, username=user.username, outcome=body.outcome, words=body.words))


@router.post("/api/appeals/{number}/control", responses=raises(AppealNotFound))
async def control(request: Request, number: Annotated[str, Path(max_length=24)],
                  body: ControlIn,
                  user: Annotated[Principal, Depends(allow(Role.SUPERVISOR))]
                  ) -> dict[str, Any]:
    """A supervisor puts an appeal on control (operators call the resident) or takes it off."""
    await callbacks_of(request).set_control(number, on=body.on, by=user.username,
                                            note=body.note)
    return {"number": number, "on_control": body.on}
