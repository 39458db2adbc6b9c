"""Routing as the operator and the supervisors see it: where an appeal went and whom to call
now, hand-offs to emergency services, duplicates, overdue appeals and reassignment.

Included before the appeals API: `/api/appeals/overdue` must not be read as an appeal number.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from callcenter.appeals.service.operators import Appeals
from callcenter.core.errors import InvalidTransition
from callcenter.core.web.errors import raises
from callcenter.core.web.i18n import lang_of
from callcenter.core.web.labels import Labels
from callcenter.routing.model.records import AppealNotFound, ContractorNotFound, UnknownService
from callcenter.routing.schemas import (
    AssignedView,
    ContactView,
    DuplicateView,
    HandoffRequest,
    LinkRequest,
    OverdueView,
    ReassignRequest,
    RoutingView,
    RoutingViews,
    contact,
)
from callcenter.routing.service.escalation import Escalation
from callcenter.routing.service.routing import AppealRouter
from callcenter.users.access import Desk, Oversight

router = APIRouter(tags=["dispatching"])
Number = Annotated[str, Path(max_length=24, description="YYYY-NNNNNN")]
Text = Annotated[str, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=500)]


def appeals_of(request: Request) -> Appeals:
    appeals: Appeals = request.app.state.appeals
    return appeals


def appeal_router_of(request: Request) -> AppealRouter:
    appeal_router: AppealRouter = request.app.state.routing_services.appeal_router
    return appeal_router


def escalation_of(request: Request) -> Escalation:
    escalation: Escalation = request.app.state.routing_services.escalation
    return escalation


def views_of(request: Request) -> RoutingViews:
    return RoutingViews(Labels(lang_of(request)), appeals_of(request).rules.timezone)


@router.get("/api/appeals/overdue")
async def overdue_appeals(request: Request, _user: Oversight,
                          limit: Limit = 500) -> list[OverdueView]:
    """Appeals past their deadline still with their contractor, most overdue first."""
    views = views_of(request)
    return [views.overdue(item) for item in await escalation_of(request).overdue(limit=limit)]


@router.get("/api/appeals/{number}/routing",
             responses=raises(AppealNotFound))
async def appeal_routing(number: Number, request: Request, _user: Desk) -> RoutingView:
    """The contractor, deadline and priority of the appeal, and whom to call right now."""
    appeal_router = appeal_router_of(request)
    return views_of(request).routing(await appeal_router.routing(number), appeal_router.rules.rules)


@router.post("/api/appeals/{number}/handoffs", status_code=201,
             responses=raises(AppealNotFound, UnknownService))
async def record_handoff(number: Number, body: HandoffRequest, request: Request,
                         user: Desk) -> ContactView:
    """The operator passed the appeal to a service (104, 101, ..., the contractor's
    dispatcher), or with `reached: false` could not get through: written to the appeal's
    history either way."""
    found = await appeal_router_of(request).hand_off(number, code=body.code, actor=user.username,
                                                  comment=body.comment, reached=body.reached)
    return contact(found)


@router.get("/api/appeals/{number}/duplicates",
             responses=raises(AppealNotFound))
async def duplicates(number: Number, request: Request, _user: Desk, category: Text = "",
                     address: Text = "") -> list[DuplicateView]:
    """Open appeals with the same category at the same address (the form's values, or the
    appeal's own when not given), other than this one: offered to link instead."""
    appeal_router = appeal_router_of(request)
    appeal = (await appeal_router.routing(number)).appeal
    found = await appeal_router.duplicates_of(category.strip() or appeal.category,
                                           address.strip() or appeal.address, exclude=appeal.id)
    views = views_of(request)
    return [views.duplicate(card) for card in found]


@router.post("/api/appeals/{number}/link",
             responses=raises(AppealNotFound, InvalidTransition))
async def link_duplicate(number: Number, body: LinkRequest, request: Request,
                         user: Desk) -> RoutingView:
    """Close the appeal as a duplicate of the open one `original` (it is not sent again)."""
    appeal_router = appeal_router_of(request)
    await appeal_router.link_numbers(number, original=body.original.strip(), actor=user.username)
    return views_of(request).routing(await appeal_router.routing(number), appeal_router.rules.rules)


@router.post("/api/appeals/{number}/reassign",
             responses=raises(AppealNotFound, ContractorNotFound, InvalidTransition))
async def reassign(number: Number, body: ReassignRequest, request: Request,
                   user: Oversight) -> AssignedView:
    """Give the appeal to another contractor, with a reason (the previous one is told)."""
    done = await appeal_router_of(request).reassign_number(
        number, contractor=body.contractor.strip(), reason=body.reason, actor=user.username)
    return AssignedView(number=number, contractor=done.contractor,
                        deadline=views_of(request).time(done.deadline), priority=done.priority)
