"""The supervisors' live board: JSON, a socket pushing it on every change, and a small page."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, WebSocket
from fastapi.responses import Response

from callcenter.core.errors import StoreUnavailable
from callcenter.core.web.i18n import gettext, language_of
from callcenter.core.web.labels import LINES
from callcenter.core.web.pages import render
from callcenter.pops.api.operator import OperatorsAt, PopWeb, pops_of
from callcenter.pops.api.socket_auth import admit, allow_socket, keep_session
from callcenter.pops.api.sockets import close_quietly, first_of, read_pings
from callcenter.pops.model.board import DailyFigures, Operator
from callcenter.users.access import allow
from callcenter.users.model import Principal, Role

router = APIRouter()
PUSH_GAP = 0.3  # at most ~3 board pushes a second per socket, however busy the line
REFRESH = 15.0  # and one at least this often (sign-ins and sign-outs are not pushed)


class CachedOperators:
    """Who sits where, read from the sessions at most every `ttl` seconds."""

    def __init__(self, read: OperatorsAt, ttl: float = 2.0) -> None:
        self._read = read
        self._ttl = ttl
        self._value: Mapping[str, Operator] = {}
        self._at = -ttl

    async def __call__(self, now: datetime) -> Mapping[str, Operator]:
        if time.monotonic() - self._at >= self._ttl:
            # the database away: keep the last known sign-ins, the board stays live
            with contextlib.suppress(StoreUnavailable):
                self._value = await self._read(now)
            self._at = time.monotonic()
        return self._value


async def snapshot(parts: PopWeb) -> dict[str, Any]:
    now = datetime.now(UTC)
    return parts.relay.board.snapshot(await parts.operators(now), now)


@router.get("/api/board", tags=["supervisor"],
            dependencies=[Depends(allow(Role.SUPERVISOR))])
async def board(request: Request) -> dict[str, Any]:
    """Callers waiting (oldest first, with their queue position) and every seat's state."""
    return await snapshot(pops_of(request.app))


@router.websocket("/ws/board")
async def board_socket(websocket: WebSocket,
                       roles: Annotated[frozenset[Role],
                                        Depends(allow_socket(Role.SUPERVISOR))]) -> None:
    """The board as JSON text frames: the whole board on connect and after every change."""
    if await admit(websocket, roles) is None:
        return
    parts = pops_of(websocket.app)
    changed = asyncio.Event()
    parts.sockets.boards.add(changed)
    try:
        await first_of(push(websocket, parts, changed), read_pings(websocket, changed.set),
                       keep_session(websocket))
    finally:
        parts.sockets.boards.discard(changed)
        await close_quietly(websocket, 1000)


async def push(websocket: WebSocket, parts: PopWeb, changed: asyncio.Event) -> None:
    while True:
        changed.clear()
        text = json.dumps(await snapshot(parts), ensure_ascii=False, separators=(",", ":"))
        async with asyncio.timeout(5.0):
            await websocket.send_text(text)
        await asyncio.sleep(PUSH_GAP)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(REFRESH):
                await changed.wait()


@router.get("/supervisor/board", include_in_schema=False)
async def board_page(request: Request,
                     user: Annotated[Principal, Depends(allow(Role.SUPERVISOR))]) -> Response:
    parts = pops_of(request.app)
    zone = ZoneInfo(request.app.state.supervision.timezone)
    midnight = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    figures = await parts.figures(midnight) if parts.figures is not None else DailyFigures()
    language = language_of(request)
    lines = {code: gettext(language, word) for code, word in LINES.items()}
    duty = getattr(request.app.state, "duty", None)  # the duty desk's missed checks, if any
    alarms = await duty.recent_alarms() if duty is not None else []
    return render(request, "pops/board.html", principal=user, figures=figures, lines=lines,
                  duty_alarms=alarms)
