"""Following the pop channel: LISTEN on PostgreSQL (a dedicated asyncpg connection that
reconnects and catches up from the table), polling on SQLite."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import asyncpg
import structlog
from sqlalchemy.engine import make_url

from callcenter.core.errors import StoreUnavailable
from callcenter.pops.store.channel import CHANNEL, PopChannel, Receive

log = structlog.get_logger("callcenter.pops")
HEALTH_EVERY = 5.0
LOST = (OSError, TimeoutError, ConnectionError, asyncpg.PostgresError, asyncpg.InterfaceError,
        StoreUnavailable)


async def subscribe(channel: PopChannel, receive: Receive) -> None:
    """Deliver other processes' messages to `receive` until cancelled."""
    if channel.db.dialect == "postgresql":
        await PgListener(channel).run(receive)
        return
    await _retrying(lambda: channel.replay(receive))
    await channel.poll(receive)


async def _retrying(step: Any) -> None:
    delay = 0.2
    while True:
        try:
            await step()
            return
        except StoreUnavailable as exc:
            log.warning("pops_replay_failed", error=str(exc))
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgListener:
    def __init__(self, channel: PopChannel, *, reconnect_max: float = 10.0) -> None:
        self._channel = channel
        self._dsn = asyncpg_dsn(channel.db.url)
        self._reconnect_max = reconnect_max
        self.connections = 0

    async def run(self, receive: Receive) -> None:
        delay = 0.2
        while True:
            try:
                conn = await asyncpg.connect(self._dsn, timeout=5.0)
            except LOST as exc:
                log.warning("pops_listen_connect_failed", error=str(exc) or type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._reconnect_max)
                continue
            delay = 0.2
            try:
                await self._follow(conn, receive)
            except LOST as exc:
                log.warning("pops_listen_lost", error=str(exc) or type(exc).__name__)
            finally:
                with contextlib.suppress(*LOST):
                    async with asyncio.timeout(2.0):
                        await conn.close()
            await asyncio.sleep(delay)

    async def _follow(self, conn: Any, receive: Receive) -> None:
        inbox: asyncio.Queue[str | None] = asyncio.Queue()
        await conn.add_listener(CHANNEL, lambda *args: inbox.put_nowait(args[-1]))
        conn.add_termination_listener(lambda _conn: inbox.put_nowait(None))
        self.connections += 1
        if self.connections == 1:
            await self._channel.replay(receive)
        else:
            while await self._channel.catch_up(receive) >= 1000:
                pass
        while True:
            # asyncio.timeout, not wait_for: in 3.11 wait_for can swallow a cancellation
            try:
                async with asyncio.timeout(HEALTH_EVERY):
                    payload = await inbox.get()
            except TimeoutError:
                async with asyncio.timeout(HEALTH_EVERY):
                    await conn.execute("SELECT 1")
                continue
            if payload is None:
                raise ConnectionError("the LISTEN connection was closed")
            await self._take(payload, receive)

    async def _take(self, payload: str, receive: Receive) -> None:
        row_id, origin, seat, body = payload.split("\t", 3)
        if origin == self._channel.origin:
            self._channel.last_id = max(self._channel.last_id, int(row_id))
            return
        if not body:  # too big for NOTIFY: read the row
            row = await self._channel.fetch(int(row_id))
            if row is None:
                return
            body = row[1]
        self._channel.take(int(row_id), origin, seat or None, body, receive, deliver=True)
