"""The baseline: a bare `websockets` server. Each seat's client connects to `/<seat>`; a TCP
trigger connection carries `seat TAB text` lines, and for each the server sends that text to
that seat's socket. The same messages, the same clients, none of our code."""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

from websockets.asyncio.server import ServerConnection, serve


async def run_baseline() -> None:
    sockets: dict[str, ServerConnection] = {}

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        sockets[unquote(ws.request.path[1:])] = ws
        await ws.wait_closed()

    async def trigger(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            seat, _, text = line.decode().rstrip("\n").partition("\t")
            await sockets[seat].send(text)
        writer.close()

    async with serve(handler, "127.0.0.1", 0) as server:
        triggers = await asyncio.start_server(trigger, "127.0.0.1", 0)
        ws_port = server.sockets[0].getsockname()[1]
        trigger_port = triggers.sockets[0].getsockname()[1]
        print(f"ports {ws_port} {trigger_port}", flush=True)
        await asyncio.Event().wait()
