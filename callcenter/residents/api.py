"""The public status API: no sign-in; a wrong pair is only "not found", and guessing is slowed
(429 with `Retry-After`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from callcenter.core.errors import StoreUnavailable
from callcenter.core.web.errors import raises
from callcenter.core.web.i18n import lang_of
from callcenter.core.web.labels import Labels
from callcenter.reference.service import Reference
from callcenter.residents.model.status import StatusNotFound, StatusThrottled
from callcenter.residents.schemas import PublicStatusView, PublicViews, StatusRequest
from callcenter.residents.service.status import PublicStatuses
from callcenter.users.access import client_of, public

router = APIRouter(tags=["public"], dependencies=[Depends(public())])


def statuses_of(request: Request) -> PublicStatuses:
    statuses: PublicStatuses = request.app.state.public_statuses
    return statuses


def views_of(request: Request) -> PublicViews:
    reference: Reference = request.app.state.reference
    return PublicViews(Labels(lang_of(request)), reference.categories, lang_of(request),
                       statuses_of(request).timezone)


@router.post("/api/public/status", responses=raises(StatusNotFound, StatusThrottled,
                                                             StoreUnavailable))
async def public_status(body: StatusRequest, request: Request) -> PublicStatusView:
    """An appeal's status for the resident, without signing in: the number with the last four
    digits of the phone it was filed with, or its e-mail. 404 `status_not_found` for any wrong
    pair (whichever half was wrong); 429 `too_many_tries` with `Retry-After` after too many
    wrong tries from this address (or at this number)."""
    found = await statuses_of(request).look_up(body.number, body.key,
                                               client=client_of(request))
    return views_of(request).view(found)
