"""The operators: one WebSocket per seat, all in this process. Prints `connected` once every
socket is open (and, on our server, has its hello), then one JSON line: when each seat's first
pop arrived (time.monotonic(), the system-wide CLOCK_MONOTONIC) and its text."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

CONNECT_AT_ONCE = 50


async def run_clients(url: str, seats: list[tuple[str, str]], *, hello: bool,
                      timeout: float) -> None:
    sockets: list[ClientConnection] = []
    for start in range(0, len(seats), CONNECT_AT_ONCE):
        chunk = seats[start:start + CONNECT_AT_ONCE]
        sockets += await asyncio.gather(*(_open(url, seat, token, hello) for seat, token in chunk))
    print("connected", flush=True)
    arrivals: dict[str, float] = {}
    texts: dict[str, str] = {}
    readers = [_first_pop(ws, seat, arrivals, texts)
               for ws, (seat, _) in zip(sockets, seats, strict=True)]
    with contextlib.suppress(TimeoutError):  # report what arrived
        await asyncio.wait_for(asyncio.gather(*readers), timeout)
    print(json.dumps({"arrivals": arrivals, "texts": texts}), flush=True)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


async def _open(url: str, seat: str, token: str, hello: bool) -> ClientConnection:
    target = url if hello else f"{url}/{seat}"
    bearer = {"Authorization": f"Bearer {token}"}
    ws = await connect(target, max_queue=None, additional_headers=bearer)
    if hello:
        message: dict[str, Any] = json.loads(await ws.recv())
        assert message["type"] == "hello", message
    return ws


async def _first_pop(ws: ClientConnection, seat: str, arrivals: dict[str, float],
                     texts: dict[str, str]) -> None:
    async for raw in ws:
        now = time.monotonic()
        text = raw if isinstance(raw, str) else raw.decode()
        if text.startswith('{"type":"pop"'):
            arrivals[seat], texts[seat] = now, text
            return
