"""The session scopes: readers never wait behind the one writer; ping tells the truth."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from callcenter.appeals.tables import AppealCounter
from callcenter.core.database import Database


async def test_a_reader_runs_while_a_write_transaction_is_open(database_url: str) -> None:
    db = Database(database_url)
    writer_open, reader_done = asyncio.Event(), asyncio.Event()

    async def write() -> None:
        async with db.transaction() as session:
            session.add(AppealCounter(year=2026, last=7))
            await session.flush()
            writer_open.set()
            await asyncio.wait_for(reader_done.wait(), 10)

    async def read() -> list[int]:
        await writer_open.wait()
        async with db.reading() as session:
            years = list(await session.scalars(select(AppealCounter.year)))
        reader_done.set()
        return years

    try:
        async with asyncio.timeout(15):
            _, seen = await asyncio.gather(write(), read())
        assert seen == []  # the uncommitted row is not visible, and nobody waited
        assert await db.ping()
    finally:
        await db.close()


async def test_ping_is_false_when_the_database_cannot_be_reached() -> None:
    # A server nobody listens on (asyncpg, no worker threads that could outlive the test).
    db = Database("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")
    try:
        assert not await db.ping(timeout=30.0)
    finally:
        await db.close()
