"""PostgreSQL goes away mid-burst (a real TCP proxy in front of it is cut): the AMI socket is
still read, facts wait in memory and then in the journal, and land in order when it returns."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from callcenter.appeals.store.queries import list_appeals
from callcenter.core import migrate
from callcenter.core.config import AmiConfig, Config, DatabaseConfig, IntakeConfig
from callcenter.main import build_listener
from callcenter.simulator import SimulatedPbx
from tests.conftest import PG_HOST, PG_PORT, create_pg_database, drop_pg_database, require_postgres

FAST = {"ring_seconds": 0.02, "talk_seconds": 0.02}


class TcpProxy:
    """Forwards a loopback port to PostgreSQL; `cut()` drops every connection and refuses
    new ones until `restore()`."""

    def __init__(self) -> None:
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def restore(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(PG_HOST, PG_PORT)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer),
                             return_exceptions=True)
        self._writers -= {writer, up_writer}

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()


@pytest.fixture
async def proxied_pg_url() -> AsyncIterator[tuple[str, TcpProxy]]:
    require_postgres()
    name = await create_pg_database()
    proxy = TcpProxy()
    await proxy.restore()
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{proxy.port}/{name}"
    await asyncio.to_thread(migrate.upgrade, url)
    try:
        yield url, proxy
    finally:
        with contextlib.suppress(AssertionError):
            await proxy.cut()
        await drop_pg_database(name)


@pytest.mark.postgres
async def test_database_outage_loses_nothing_and_keeps_order(
        proxied_pg_url: tuple[str, TcpProxy], tmp_path: Path, eventually: object) -> None:
    url, proxy = proxied_pg_url
    async with SimulatedPbx() as pbx:
        config = Config(
            ami=AmiConfig(port=pbx.port, ping_interval=0.5, ping_timeout=0.5,
                          reconnect_min=0.05),
            database=DatabaseConfig(url=url),
            intake=IntakeConfig(journal=str(tmp_path / "journal.jsonl"), memory_queue=5,
                                retry_max=0.3),
        )
        listener = build_listener(config)
        task = asyncio.create_task(listener.run())
        try:
            await eventually(lambda: listener.link.logged_in)  # type: ignore[operator]
            first = await pbx.play("pjsip-landline-answered", **FAST)
            await eventually(lambda: listener.intake.facts_written >= 7)  # type: ignore[operator]
            await proxy.cut()
            during = [await pbx.play(scenario, **FAST) for scenario in
                      ("pjsip-kyivstar-operator-hangup", "pjsip-vodafone-abandoned",
                       "landline-answered")]
            await eventually(lambda: listener.intake.backlog.in_journal > 0)  # type: ignore[operator]
            assert listener.link.logged_in and listener.link.reconnects == 0
            assert (tmp_path / "journal.jsonl").exists()
            await proxy.restore()
            await eventually(lambda: len(listener.intake.backlog) == 0, timeout=20)  # type: ignore[operator]
            items = await list_appeals(listener.db)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await listener.drain(timeout=2)
    assert [i.call_id for i in items] == [first, *during]
    assert [i.number[-6:] for i in items] == ["000001", "000002", "000003", "000004"]
    assert [i.call_outcome for i in items] == ["answered", "answered", "abandoned", "answered"]
    assert not (tmp_path / "journal.jsonl").exists()
