"""The operator's pop socket (`GET /ws/operator`) and pause / resume of their seat."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, WebSocket
from pydantic import BaseModel

from callcenter.core.web.errors import raises
from callcenter.pops.api.socket_auth import admit, allow_socket, keep_session
from callcenter.pops.api.sockets import Outbox, SocketRegistry, serve_outbox
from callcenter.pops.model.board import DailyFigures, Operator
from callcenter.pops.model.pausing import NoSeat, PauseState, PbxUnavailable, SeatNotInQueue
from callcenter.pops.service.pausing import PauseControl
from callcenter.pops.service.relay import PopRelay
from callcenter.users.access import allow
from callcenter.users.model import Principal, Role

router = APIRouter()
OperatorsAt = Callable[[datetime], Awaitable[Mapping[str, Operator]]]


@dataclass
class PopWeb:
    """What the pop routes need, kept in `app.state.pops`."""

    relay: PopRelay
    sockets: SocketRegistry
    pauses: PauseControl
    operators: OperatorsAt
    figures: Callable[[datetime], Awaitable[DailyFigures]] | None = None


def pops_of(app: Any) -> PopWeb:
    parts: PopWeb = app.state.pops
    return parts


@router.websocket("/ws/operator")
async def operator_socket(websocket: WebSocket,
                          roles: Annotated[frozenset[Role],
                                           Depends(allow_socket(Role.OPERATOR))]) -> None:
    """Screen pops for the signed-in operator's seat (schema: docs/screen-pops.md)."""
    principal = await admit(websocket, roles, need_seat=True)
    if principal is None or principal.seat is None:
        return
    parts = pops_of(websocket.app)
    seat = principal.seat
    outbox = Outbox(websocket, parts.sockets.metrics)
    # No await between reading the current state and registering: nothing slips between.
    hello = parts.relay.hello(seat, principal.username)
    outbox.offer(json.dumps(hello, ensure_ascii=False, separators=(",", ":")), "hello")
    parts.sockets.add(seat, outbox)
    try:
        await serve_outbox(outbox, keep_session(websocket))
    finally:
        parts.sockets.remove(seat, outbox)


class PauseView(BaseModel):
    seat: str
    paused: bool
    reason: str | None
    until: datetime | None

    @classmethod
    def of(cls, seat: str, state: PauseState) -> PauseView:
        return cls(seat=seat, paused=state.paused, reason=state.reason, until=state.until)


def seat_of(principal: Principal) -> str:
    if not principal.seat:
        raise NoSeat("sign in again and pick a seat")
    return principal.seat


@router.post("/api/operator/pause", tags=["operator"],
             responses=raises(NoSeat, SeatNotInQueue, PbxUnavailable))
async def pause(request: Request,
                user: Annotated[Principal, Depends(allow(Role.OPERATOR))]) -> PauseView:
    """Pause the operator's seat in the queue (no calls ring until resumed)."""
    seat = seat_of(user)
    return PauseView.of(seat, await pops_of(request.app).pauses.pause(seat))


@router.post("/api/operator/resume", tags=["operator"],
             responses=raises(NoSeat, SeatNotInQueue, PbxUnavailable))
async def resume(request: Request,
                 user: Annotated[Principal, Depends(allow(Role.OPERATOR))]) -> PauseView:
    """Resume the operator's seat (also ends a wrap-up pause early)."""
    seat = seat_of(user)
    return PauseView.of(seat, await pops_of(request.app).pauses.resume(seat))
