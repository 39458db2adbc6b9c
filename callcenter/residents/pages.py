"""The public status page (`/status`): a plain form, no JavaScript, no sign-in; and the short
link SMS carry (`/s/<number>`), which opens the form with the number filled in."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from callcenter.core.web.pages import render
from callcenter.residents.api import statuses_of, views_of
from callcenter.residents.model.status import StatusNotFound, StatusThrottled
from callcenter.residents.schemas import NUMBER_PATTERN
from callcenter.users.access import client_of, public

router = APIRouter(include_in_schema=False, dependencies=[Depends(public())])
NUMBER = re.compile(NUMBER_PATTERN)
PAGE = "residents/status.html"


@router.get("/status")
async def status_form(request: Request, number: str = "") -> Response:
    return render(request, PAGE, number=number[:24] if NUMBER.match(number) else "", key="",
                  found=None, problem="")


@router.post("/status")
async def status_submit(request: Request, number: Annotated[str, Form(max_length=64)] = "",
                        key: Annotated[str, Form(max_length=254)] = "") -> Response:
    number, key = typed_number(number), key.strip()
    if not NUMBER.match(number) or not key:
        return _page(request, number, key, "incomplete", 422)
    try:
        found = await statuses_of(request).look_up(number, key, client=client_of(request))
    except StatusNotFound:
        return _page(request, number, key, "not_found", 404)
    except StatusThrottled as exc:
        response = _page(request, number, key, "throttled", 429,
                         minutes=max(1, -(-exc.retry_after // 60)))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return render(request, PAGE, number=number, key="", found=views_of(request).view(found),
                  problem="")


def typed_number(text: str) -> str:
    """`2026 000042`, `2026000042` and `2026-000042` are the same number to a resident."""
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    return f"{digits[:4]}-{digits[4:]}" if len(digits) >= 10 else text.strip()


def _page(request: Request, number: str, key: str, problem: str, status: int,
          minutes: int = 0) -> Response:
    return render(request, PAGE, status=status, number=number, key=key, found=None,
                  problem=problem, minutes=minutes)


@router.get("/s/{number}")
async def short_link(number: Annotated[str, Path(max_length=24)]) -> Response:
    target = f"/status?number={number}" if NUMBER.match(number) else "/status"
    return RedirectResponse(target, status_code=303)
