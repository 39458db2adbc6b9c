"""The supervisors' page of overdue appeals with a reassignment form (`/supervisor/overdue`):
a plain HTML form (with the CSRF field) posting back here."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callcenter.core.errors import DomainError
from callcenter.core.web.errors import rule_for
from callcenter.core.web.i18n import gettext, language_of
from callcenter.core.web.labels import Labels, names_of
from callcenter.core.web.pages import render
from callcenter.routing.api import appeal_router_of, escalation_of, views_of
from callcenter.users.access import Oversight
from callcenter.users.model import Principal

router = APIRouter(include_in_schema=False)
Number = Annotated[str, Path(max_length=24)]
Field = Annotated[str, Form(max_length=500)]


@router.get("/supervisor/overdue", response_class=HTMLResponse)
async def overdue_page(request: Request, user: Oversight,
                       reassigned: Annotated[str, Query(max_length=24)] = "") -> HTMLResponse:
    return await _overdue(request, user, reassigned=reassigned)


@router.post("/supervisor/overdue/{number}/reassign", response_class=HTMLResponse)
async def reassign_form(number: Number, request: Request, user: Oversight,
                        contractor: Field = "", reason: Field = "") -> Response:
    try:
        await appeal_router_of(request).reassign_number(
            number, contractor=contractor.strip(), reason=reason, actor=user.username)
    except DomainError as exc:
        message = gettext(language_of(request), rule_for(exc).message)
        return await _overdue(request, user, error=f"{number}: {message}", status=422)
    return RedirectResponse(f"/supervisor/overdue?reassigned={quote(number)}",
                            status_code=303)


async def _overdue(request: Request, user: Principal, *, reassigned: str = "",
                   error: str = "", status: int = 200) -> HTMLResponse:
    views = views_of(request)
    items = [views.overdue(item) for item in await escalation_of(request).overdue()]
    labels = Labels(language_of(request), await names_of(request))
    return render(request, "routing/supervisor_overdue.html", principal=user, items=items,
                  reassigned=reassigned, error=error, status=status, labels=labels)
