"""Several processes on one database all deliver pops: `callcenter web` is started as a real
separate OS process beside the process holding the AMI link (PostgreSQL: LISTEN/NOTIFY;
SQLite: polling). And a database outage never stops the pops of the link process itself."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.core.test_cli import free_port
from tests.integration.core.test_database_outage import TcpProxy, proxied_pg_url
from tests.integration.pop_stack import (
    fast,
    open_socket,
    pop_stack,
    receive,
    receive_until,
    types,
    without_cards,
)
from tests.web_rig import LiveWeb

__all__ = ["proxied_pg_url"]  # a fixture, used below
ROOT = Path(__file__).resolve().parents[3]


@contextlib.asynccontextmanager
async def web_process(database_url: str, tmp_path: Path, stack_live: LiveWeb,
                      eventually: Any) -> AsyncIterator[LiveWeb]:
    """`python -m callcenter web` on its own port, sharing the stack's users (same database)."""
    port = free_port()
    env = {**os.environ, "CALLCENTER_DATABASE_URL": database_url,
           "CALLCENTER_HTTP_HOST": "127.0.0.1", "CALLCENTER_HTTP_PORT": str(port),
           "CALLCENTER_LOG__LEVEL": "warning",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "callcenter", "web", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        async with httpx.AsyncClient() as client:
            async def up() -> bool:
                if process.returncode is not None:
                    raise AssertionError(await _stderr(process))
                with contextlib.suppress(httpx.HTTPError):
                    return (await client.get(f"http://127.0.0.1:{port}/readyz")).is_success
                return False

            await eventually(up, timeout=30)
        yield LiveWeb(stack_live.rig, port)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            await process.wait()


async def _stderr(process: asyncio.subprocess.Process) -> str:
    assert process.stderr is not None
    return (await process.stderr.read()).decode(errors="replace")


async def test_a_second_web_process_delivers_pops_too(database_url: str, tmp_path: Path,
                                                      eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack, \
            web_process(database_url, tmp_path, stack.live, eventually) as other:
        here = await open_socket(stack.live, await stack.operator("petro", "PJSIP/op1002"))
        token = await stack.operator("olena", "PJSIP/op1001")
        there = await open_socket(other, token)
        assert (await receive(here))["type"] == (await receive(there))["type"] == "hello"
        call_id = stack.pbx.start_call("pjsip-landline-answered", ring_seconds=60,
                                       talk_seconds=0.05)
        pop = (await receive_until(there, "pop"))[-1]
        await there.close()
        reloaded = await receive(there := await open_socket(other, token))
        supervisor = await stack.rig.token("sofia", "supervisor")
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {supervisor}"}) as c:
            board = (await c.get(f"{other.url}/api/board")).json()
        await stack.pbx.finish_call(call_id)
        far = without_cards(await receive_until(there, "ended"))
        near = without_cards(await receive_until(here, "taken"))
    assert (pop["call_id"], pop["seat"]) == (call_id, "PJSIP/op1001")
    assert pop["card"]["caller"] == "+380342123456"
    assert reloaded["current"]["call_id"] == call_id  # a reload on the other process
    states = {s["seat"]: s["state"] for s in board["seats"]}
    assert states["PJSIP/op1001"] == states["PJSIP/op1002"] == "ringing"
    assert [w["call_id"] for w in board["waiting"]] == [call_id]
    assert types(far) == ["answered", "ended"]
    assert types(near) == ["pop", "taken"]


@pytest.mark.postgres
async def test_the_database_away_never_stops_local_pops(
        proxied_pg_url: tuple[str, TcpProxy], tmp_path: Path, eventually: Any) -> None:
    url, proxy = proxied_pg_url
    async with pop_stack(url, tmp_path, eventually=eventually) as stack:
        ws = await open_socket(stack.live, await stack.operator("olena", "PJSIP/op1001"))
        await receive(ws)
        channel = stack.listener.pops.channel  # type: ignore[union-attr]
        await eventually(lambda: channel.published >= 1)  # the start-up reset
        await proxy.cut()
        call_id = await stack.pbx.play("pjsip-landline-answered", **fast())
        seen = await receive_until(ws, "ended")
        waiting = len(channel._queue)
        await proxy.restore()
        await eventually(lambda: not channel._queue, timeout=30)
    assert types(seen) == ["pop", "answered", "ended"]
    assert seen[0]["call_id"] == call_id
    assert seen[0]["card"]["complete"] is False  # the card could not be read: still a pop
    assert waiting >= 3  # held for the other processes, published once it was back
