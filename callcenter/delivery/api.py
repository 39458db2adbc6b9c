"""The outbox as supervisors see it through the API: dead letters, resending one, and the
delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from callcenter.appeals.service.operators import Appeals
from callcenter.core.web.bounds import RowId
from callcenter.core.web.errors import raises
from callcenter.delivery.schemas import AttemptView, DeliveryViews, MessageView
from callcenter.delivery.service.admin import OutboxAdmin
from callcenter.routing.model.records import MessageNotFound
from callcenter.users.access import Oversight

router = APIRouter(tags=["delivery"])
Text = Annotated[str, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=500)]


def outbox_of(request: Request) -> OutboxAdmin:
    outbox: OutboxAdmin = request.app.state.routing_services.outbox
    return outbox


def views_of(request: Request) -> DeliveryViews:
    appeals: Appeals = request.app.state.appeals
    return DeliveryViews(appeals.rules.timezone)


@router.get("/api/outbox/dead")
async def dead_letters(request: Request, _user: Oversight, limit: Limit = 100
                       ) -> list[MessageView]:
    """Messages whose every attempt failed, newest first."""
    views = views_of(request)
    return [views.message(row) for row in await outbox_of(request).dead_letters(limit=limit)]


@router.post("/api/outbox/{message_id}/resend",
             responses=raises(MessageNotFound))
async def resend(message_id: RowId, request: Request,
                 user: Oversight) -> MessageView:
    """A dead letter back to the queue with fresh attempts and the same idempotency key."""
    row = await outbox_of(request).resend(message_id, actor=user.username)
    return views_of(request).message(row)


@router.get("/api/outbox/log")
async def delivery_log(request: Request, _user: Oversight, contractor: Text = "",
                       limit: Limit = 100) -> list[AttemptView]:
    """Delivery attempts (responses, errors), newest first; of one contractor by code."""
    found = await outbox_of(request).delivery_log(contractor=contractor.strip() or None,
                                                  limit=limit)
    views = views_of(request)
    return [views.attempt(item) for item in found]
