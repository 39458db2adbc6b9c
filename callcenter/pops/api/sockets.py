"""This process's pop sockets: seat -> sockets, each with its own bounded outbox and writer.

`deliver` only puts a message in the outboxes of the seat's sockets and returns; each socket's
writer sends with a timeout. A socket whose outbox is full or whose send times out is closed
(code 1013) and dropped, so a slow or dead client never delays another seat.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable

import structlog
from fastapi import WebSocket
from starlette.websockets import WebSocketState

from callcenter.core.web.metrics import Metrics
from callcenter.pops.api.socket_auth import TOO_SLOW

log = structlog.get_logger("callcenter.web")
OUTBOX_LIMIT = 100
SEND_TIMEOUT = 2.0
PONG = '{"type":"pong"}'
Item = tuple[str, str, float | None]  # (JSON text, message type, monotonic receipt)


class Outbox:
    """One socket's queue of messages and the task-side writer that empties it."""

    def __init__(self, websocket: WebSocket, metrics: Metrics, *, limit: int = OUTBOX_LIMIT,
                 timeout: float = SEND_TIMEOUT) -> None:
        self.websocket = websocket
        self._metrics = metrics
        self._queue: asyncio.Queue[Item] = asyncio.Queue(maxsize=limit)
        self._timeout = timeout
        self.too_slow = asyncio.Event()  # the outbox overflowed or a send timed out

    def offer(self, text: str, kind: str, received: float | None = None) -> bool:
        try:
            self._queue.put_nowait((text, kind, received))
        except asyncio.QueueFull:
            self.too_slow.set()
            return False
        return True

    async def pump(self) -> None:
        """Send until the socket fails or a send takes longer than the timeout."""
        while True:
            text, kind, received = await self._queue.get()
            try:
                async with asyncio.timeout(self._timeout):
                    await self.websocket.send_text(text)
            except TimeoutError:
                self.too_slow.set()
                return
            if kind != "pong":
                latency = time.monotonic() - received if received is not None else None
                self._metrics.pop_sent(kind, latency)


class SocketRegistry:
    """The `SeatSockets` of services.pop_relay for this process."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.seats: dict[str, set[Outbox]] = {}
        self.boards: set[asyncio.Event] = set()

    def add(self, seat: str, outbox: Outbox) -> None:
        self.seats.setdefault(seat, set()).add(outbox)

    def remove(self, seat: str, outbox: Outbox) -> None:
        sockets = self.seats.get(seat)
        if sockets is not None:
            sockets.discard(outbox)
            if not sockets:
                del self.seats[seat]

    def deliver(self, seat: str, text: str, kind: str, received: float | None) -> int:
        delivered = 0
        for outbox in list(self.seats.get(seat, ())):
            if outbox.offer(text, kind, received):
                delivered += 1
            else:
                log.warning("pop_socket_too_slow", seat=seat)
                self.remove(seat, outbox)
        return delivered

    def board_changed(self) -> None:
        for changed in self.boards:
            changed.set()

    def sockets_of(self, seat: str) -> int:
        return len(self.seats.get(seat, ()))


async def first_of(*jobs: Awaitable[object]) -> None:
    """Run the jobs until the first ends (or fails); cancel and await the others."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def read_pings(websocket: WebSocket, answer: Callable[[], object]) -> None:
    """Read until the client goes; answer {"type":"ping"} (anything else is ignored)."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        with contextlib.suppress(ValueError, TypeError):
            parsed = json.loads(message.get("text") or "")
            if isinstance(parsed, dict) and parsed.get("type") == "ping":
                answer()


async def serve_outbox(outbox: Outbox, *also: Awaitable[object]) -> None:
    """Pump the outbox until the client goes, cannot keep up (then close it with 1013) or
    one of `also` ends (such as the session)."""
    try:
        await first_of(outbox.pump(), outbox.too_slow.wait(),
                       read_pings(outbox.websocket, lambda: outbox.offer(PONG, "pong")), *also)
    finally:
        await close_quietly(outbox.websocket, TOO_SLOW if outbox.too_slow.is_set() else 1000)


async def close_quietly(websocket: WebSocket, code: int) -> None:
    if websocket.application_state is WebSocketState.DISCONNECTED:
        return
    with contextlib.suppress(Exception):  # the client may be gone already
        async with asyncio.timeout(1.0):
            await websocket.close(code=code)
