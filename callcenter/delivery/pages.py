"""The supervisors' delivery page: messages queued and not yet sent, dead letters with a
resend button and the delivery log per contractor (`/supervisor/outbox`). A plain HTML form
(with the CSRF field) posting back here. Errors are explained in Ukrainian; the raw text the
server answered stays one click away ("technical details") for an administrator."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from callcenter.core.web.bounds import MAX_ID, RowId
from callcenter.core.web.i18n import N_, gettext, language_of
from callcenter.core.web.labels import Labels, names_of
from callcenter.core.web.pages import render
from callcenter.delivery.api import outbox_of, views_of
from callcenter.users.access import Oversight

router = APIRouter(include_in_schema=False)
Number = Annotated[str, Path(max_length=24)]
Field = Annotated[str, Form(max_length=500)]
# Raw delivery errors (senders/*.py) -> what a supervisor reads; first match wins.
EXPLAINED = [
    (re.compile(r"secret|webhook secret", re.I),
     N_("The contractor's webhook secret is not configured: ask the administrator.")),
    (re.compile(r"no e-mail address", re.I),
     N_("The contractor has no e-mail address: add it on the contractors page.")),
    (re.compile(r"recipient refused", re.I),
     N_("The mail server did not accept the contractor's address: check it.")),
    (re.compile(r"no answer within|timed? ?out", re.I),
     N_("The contractor's server did not answer in time.")),
    (re.compile(r"^SMTP [^:]+:\d+:", re.I),
     N_("Could not connect to our mail server: tell the administrator.")),
    (re.compile(r"^SMTP \d+", re.I), N_("Our mail server refused the message.")),
    (re.compile(r"^HTTP \d+", re.I), N_("The contractor's server refused the message.")),
    (re.compile(r"Connect|Network|Error", re.I),
     N_("Could not connect to the contractor's server.")),
]
UNKNOWN = N_("Not delivered (see the technical details).")
STATES = {"pending": N_("queued"), "sending": N_("being sent")}


def explained(language: str, error: str | None) -> str:
    for pattern, text in EXPLAINED:
        if pattern.search(error or ""):
            return gettext(language, text)
    return gettext(language, UNKNOWN) if error else ""


@router.get("/supervisor/outbox", response_class=HTMLResponse)
async def outbox_page(request: Request, user: Oversight,
                      contractor: Annotated[str, Query(max_length=64)] = "",
                      resent: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> HTMLResponse:
    views, outbox = views_of(request), outbox_of(request)
    code = contractor.strip()
    language = language_of(request)
    queued = [*await outbox.messages(state="pending"), *await outbox.messages(state="sending")]
    return render(request, "delivery/supervisor_outbox.html", principal=user, contractor=code,
                  queued=[views.message(m) for m in queued],
                  dead=[views.message(m) for m in await outbox.dead_letters()],
                  log=[views.attempt(a) for a in
                       await outbox.delivery_log(contractor=code or None)],
                  resent=resent, labels=Labels(language, await names_of(request)),
                  explained=lambda error: explained(language, error),
                  state_label=lambda state: gettext(language, STATES.get(state) or state))


@router.post("/supervisor/outbox/{message_id}/resend")
async def resend_form(message_id: RowId, request: Request,
                      user: Oversight) -> RedirectResponse:
    await outbox_of(request).resend(message_id, actor=user.username)
    return RedirectResponse(f"/supervisor/outbox?resent={message_id}", status_code=303)
