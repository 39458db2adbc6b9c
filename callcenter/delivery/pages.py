"""The supervisors' delivery page: dead letters with a resend button and the delivery log
per contractor (`/supervisor/outbox`). A plain HTML form (with the CSRF field) posting back here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from callcenter.core.web.bounds import MAX_ID, RowId
from callcenter.core.web.pages import render
from callcenter.delivery.api import outbox_of, views_of
from callcenter.users.access import Oversight

router = APIRouter(include_in_schema=False)
Number = Annotated[str, Path(max_length=24)]
Field = Annotated[str, Form(max_length=500)]


@router.get("/supervisor/outbox", response_class=HTMLResponse)
async def outbox_page(request: Request, user: Oversight,
                      contractor: Annotated[str, Query(max_length=64)] = "",
                      resent: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> HTMLResponse:
    views, outbox = views_of(request), outbox_of(request)
    code = contractor.strip()
    return render(request, "delivery/supervisor_outbox.html", principal=user, contractor=code,
                  dead=[views.message(m) for m in await outbox.dead_letters()],
                  log=[views.attempt(a) for a in
                       await outbox.delivery_log(contractor=code or None)],
                  resent=resent)


@router.post("/supervisor/outbox/{message_id}/resend")
async def resend_form(message_id: RowId, request: Request,
                      user: Oversight) -> RedirectResponse:
    await outbox_of(request).resend(message_id, actor=user.username)
    return RedirectResponse(f"/supervisor/outbox?resent={message_id}", status_code=303)
