"""A whole `callcenter serve` on loopback for screen-pop tests: the simulator (real AMI over
TCP) -> listener -> pop service -> uvicorn -> real WebSocket clients (`websockets`)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from callcenter.core.config import AmiConfig, Config, DatabaseConfig, IntakeConfig, OperatorConfig
from callcenter.main import Listener, build_listener, build_web
from callcenter.simulator import SimulatedPbx
from tests.web_rig import LiveWeb, WebRig, serving

WAIT = 10.0


def stack_config(database_url: str, pbx: SimulatedPbx, tmp_path: Path, *,
                 wrap_up: float = 0.0) -> Config:
    return Config(
        ami=AmiConfig(host="127.0.0.1", port=pbx.port, ping_interval=0.5, ping_timeout=0.5,
                      reconnect_min=0.05, reconnect_max=0.2, connect_timeout=2.0,
                      action_timeout=2.0),
        database=DatabaseConfig(url=database_url),
        intake=IntakeConfig(journal=str(tmp_path / "journal.jsonl"), memory_queue=1000),
        operator=OperatorConfig(wrap_up_seconds=wrap_up, queue="operators"),
    )


@dataclass
class PopStack:
    pbx: SimulatedPbx
    listener: Listener
    live: LiveWeb

    @property
    def rig(self) -> WebRig:
        return self.live.rig

    async def operator(self, name: str, seat: str | None) -> str:
        """A bearer token of a new operator signed in at `seat`."""
        return await self.rig.token(name, "operator", seat=seat)

    async def socket(self, token: str | None, *, origin: str | None = None,
                     path: str = "/ws/operator") -> ClientConnection:
        return await open_socket(self.live, token, origin=origin, path=path)


async def open_socket(live: LiveWeb, token: str | None, *, origin: str | None = None,
                      path: str = "/ws/operator") -> ClientConnection:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await connect(live.ws_url + path, origin=Origin(origin or live.url),
                         additional_headers=headers)


@contextlib.asynccontextmanager
async def pop_stack(database_url: str, tmp_path: Path, *, wrap_up: float = 0.0,
                    eventually: Any = None) -> AsyncIterator[PopStack]:
    async with SimulatedPbx() as pbx:
        config = stack_config(database_url, pbx, tmp_path, wrap_up=wrap_up)
        listener = build_listener(config)
        app = build_web(config, listener.db, listener=listener)
        rig = WebRig(app=app, db=listener.db, auth=app.state.auth, config=config)
        task = asyncio.create_task(listener.run())
        try:
            async with serving(rig) as live:
                if eventually is not None:
                    await eventually(lambda: listener.link.logged_in)
                yield PopStack(pbx, listener, live)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await listener.drain(timeout=2.0)


async def receive(ws: ClientConnection, timeout: float = WAIT) -> dict[str, Any]:
    async with asyncio.timeout(timeout):
        message: dict[str, Any] = json.loads(await ws.recv())
    return message


async def receive_until(ws: ClientConnection, kind: str,
                        timeout: float = WAIT) -> list[dict[str, Any]]:
    """Every message up to and including the first of type `kind`."""
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        while not seen or seen[-1]["type"] != kind:
            seen.append(json.loads(await ws.recv()))
    return seen


async def nothing_pending(ws: ClientConnection) -> bool:
    """Ping and expect the pong first: nothing was queued for this socket before it."""
    await ws.send(json.dumps({"type": "ping"}))
    return (await receive(ws))["type"] == "pong"


def types(messages: list[dict[str, Any]]) -> list[str]:
    return [m["type"] for m in messages]


def without_cards(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages minus "card" updates (whether one comes depends on database timing)."""
    return [m for m in messages if m["type"] != "card"]


def fast(**extra: Any) -> dict[str, Any]:
    return {"ring_seconds": 0.05, "talk_seconds": 0.05, **extra}
