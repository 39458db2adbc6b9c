"""The supervisors' dispute API: open (legal hold), notes, close with a decision, and the
time-limited links that let a contractor hear the call."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from callcenter.core.web.bounds import RowId
from callcenter.core.web.errors import raises
from callcenter.recordings.model.disputes import (
    DisputeClosed,
    DisputeNotFound,
    DisputeStillOpen,
    InvalidDispute,
    LinkNotFound,
)
from callcenter.recordings.model.replay import (
    AppealNotFound,
    InvalidReason,
    InvalidText,
    RecordingNotFound,
)
from callcenter.recordings.schemas import (
    CloseRequest,
    DisputeRequest,
    DisputeView,
    LinkGivenView,
    LinkRequest,
    LinkView,
    NoteRequest,
    NoteView,
    ReleasedView,
    ReleaseRequest,
    Views,
    supervision_of,
)
from callcenter.users.access import allow
from callcenter.users.model import Principal, Role

router = APIRouter(tags=["disputes"])
Supervisor = Annotated[Principal, Depends(allow(Role.SUPERVISOR))]
Number = Annotated[str, Path(max_length=24, description="YYYY-NNNNNN")]
DisputeId = RowId


@router.get("/api/disputes")
async def open_disputes(request: Request, _user: Supervisor) -> list[DisputeView]:
    """Open disputes, oldest first."""
    s = supervision_of(request)
    return [Views(s).dispute(d) for d in await s.disputes.open_list()]


@router.get("/api/appeals/{number}/disputes",
             responses=raises(AppealNotFound))
async def appeal_disputes(number: Number, request: Request,
                          _user: Supervisor) -> list[DisputeView]:
    s = supervision_of(request)
    return [Views(s).dispute(d) for d in await s.disputes.of_appeal(number)]


@router.post("/api/appeals/{number}/disputes", status_code=201,
             responses=raises(AppealNotFound, InvalidDispute))
async def open_dispute(number: Number, body: DisputeRequest, request: Request,
                       user: Supervisor) -> DisputeView:
    """Open a dispute with a contractor: the appeal's recordings go on legal hold."""
    s = supervision_of(request)
    dispute = await s.disputes.open(user, number=number, contractor=body.contractor,
                                    claim=body.claim)
    return Views(s).dispute(dispute)


@router.get("/api/disputes/{dispute_id}",
             responses=raises(DisputeNotFound))
async def get_dispute(dispute_id: DisputeId, request: Request, _user: Supervisor) -> DisputeView:
    s = supervision_of(request)
    return Views(s).dispute(await s.disputes.dispute(dispute_id))


@router.post("/api/disputes/{dispute_id}/notes", status_code=201,
             responses=raises(DisputeNotFound, InvalidText, DisputeClosed))
async def add_note(dispute_id: DisputeId, body: NoteRequest, request: Request,
                   user: Supervisor) -> NoteView:
    """A note on an open dispute (append-only)."""
    s = supervision_of(request)
    return Views(s).note(await s.disputes.add_note(user, dispute_id=dispute_id,
                                                   text=body.text))


@router.post("/api/disputes/{dispute_id}/close",
             responses=raises(DisputeNotFound, InvalidText, DisputeClosed))
async def close_dispute(dispute_id: DisputeId, body: CloseRequest, request: Request,
                        user: Supervisor) -> DisputeView:
    """Close with the decision; the recordings stay on legal hold."""
    s = supervision_of(request)
    return Views(s).dispute(await s.disputes.close(user, dispute_id=dispute_id,
                                                   decision=body.decision))


@router.post("/api/appeals/{number}/hold/release",
             responses=raises(AppealNotFound, InvalidReason, DisputeStillOpen))
async def release_hold(number: Number, body: ReleaseRequest, request: Request,
                       user: Supervisor) -> ReleasedView:
    """End the legal hold on the appeal's recordings, with a reason (history); refused (409)
    while a dispute about the appeal is open. Retention may purge them afterwards."""
    s = supervision_of(request)
    return ReleasedView(released=await s.disputes.release_hold(user, number=number,
                                                               reason=body.reason))


@router.get("/api/appeals/{number}/links",
             responses=raises(AppealNotFound))
async def appeal_links(number: Number, request: Request, _user: Supervisor) -> list[LinkView]:
    s = supervision_of(request)
    now = datetime.now(UTC)
    return [Views(s).link(k, now) for k in await s.disputes.links_of(number)]


@router.post("/api/appeals/{number}/links", status_code=201,
             responses=raises(AppealNotFound, RecordingNotFound, DisputeNotFound, InvalidDispute))
async def give_link(number: Number, body: LinkRequest, request: Request,
                    user: Supervisor) -> LinkGivenView:
    """A time-limited link for the contractor (of the dispute, or named) to hear the call.
    The URL is shown only now: the database keeps only a hash of its token."""
    s = supervision_of(request)
    given = await s.disputes.give_link(user, number=number, recording_id=body.recording_id,
                                       dispute_id=body.dispute_id, contractor=body.contractor,
                                       hours=body.hours)
    url = str(request.base_url).rstrip("/") + f"/listen/{given.token}"
    return LinkGivenView(url=url, link=Views(s).link(given.link, datetime.now(UTC)))


@router.post("/api/links/{link_id}/revoke",
             responses=raises(LinkNotFound))
async def revoke_link(link_id: RowId, request: Request,
                      user: Supervisor) -> LinkView:
    """End a link now (it stops working at once, also for a player already open)."""
    s = supervision_of(request)
    return Views(s).link(await s.disputes.revoke_link(user, link_id=link_id), datetime.now(UTC))
