"""`/demo`: what the demo's contractors were sent (letters and webhooks), and the webhook
receiver itself. Public, like the demo: it listens on loopback."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from callcenter.core.web.labels import local_time, names_of
from callcenter.core.web.pages import render
from callcenter.delivery.senders.webhook import SIGNATURE_HEADER
from callcenter.demo.mailbox import Mailbox
from callcenter.users.access import public

SECRET_ENV = "CALLCENTER_DEMO_WEBHOOK_SECRET"
SMS_TOKEN_ENV = "CALLCENTER_DEMO_SMS_TOKEN"
router = APIRouter(include_in_schema=False, dependencies=[Depends(public())])


def when_of(request: Request) -> Callable[[datetime | None], str]:
    """Times as every page shows them, in the hotline's zone."""
    return local_time(ZoneInfo(request.app.state.supervision.timezone))


def mailbox_of(request: Request) -> Mailbox:
    mailbox: Mailbox = request.app.state.demo_mailbox
    return mailbox


@router.get("/demo", response_class=HTMLResponse)
async def demo_home(request: Request) -> HTMLResponse:
    mailbox = mailbox_of(request)
    names = await names_of(request)
    return render(request, "demo/index.html", letters=list(mailbox.letters)[:100],
                  hooks=list(mailbox.hooks)[:100], sms=list(mailbox.sms)[:100],
                  contractors=names.contractors, when=when_of(request))


@router.get("/demo/mail/{letter_id}", response_class=HTMLResponse)
async def demo_letter(request: Request, letter_id: int) -> HTMLResponse:
    letter = mailbox_of(request).letter(letter_id)
    if letter is None:
        raise HTTPException(404)
    return render(request, "demo/letter.html", letter=letter, when=when_of(request))


@router.post("/demo/hooks/{contractor}")
async def demo_webhook(request: Request, contractor: str) -> JSONResponse:
    body = await request.body()
    hook = mailbox_of(request).take_hook(
        contractor[:64], body, header=request.headers.get(SIGNATURE_HEADER, ""),
        event=request.headers.get("X-Callcenter-Event", "")[:64],
        secret=os.environ.get(SECRET_ENV, "").encode())
    if not hook.signed:
        return JSONResponse({"received": False, "reason": "bad signature"}, status_code=401)
    return JSONResponse({"received": True})


@router.post("/demo/sms")
async def demo_sms_gateway(request: Request) -> JSONResponse:
    """The SMS gateway the demo's outbox sends to (the shape of `delivery.senders.sms`)."""
    token = os.environ.get(SMS_TOKEN_ENV, "")
    if not token or request.headers.get("Authorization") != f"Bearer {token}":
        return JSONResponse({"error": "unauthorized"}, status_code=401)
    sms = mailbox_of(request).take_sms(await request.body())
    if sms is None:
        return JSONResponse({"error": "bad request"}, status_code=400)
    return JSONResponse({"accepted": len(sms.recipients)})
