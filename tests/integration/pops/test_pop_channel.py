"""The pop channel between processes on real databases: NOTIFY on PostgreSQL (also for
messages too big for it, and across a lost LISTEN connection), polling on SQLite, replay at
start, pruning; and forwarded pause commands."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from sqlalchemy import func, select, update

from callcenter.core import migrate
from callcenter.core.database import Database
from callcenter.pops.model import cards as pops
from callcenter.pops.model.pausing import PauseState, PbxUnavailable
from callcenter.pops.service.relay import Envelope, PopRelay, envelope
from callcenter.pops.store.channel import PopChannel
from callcenter.pops.store.commands import CommandDrain, ForwardedPauses
from callcenter.pops.store.listen import asyncpg_dsn, subscribe
from callcenter.pops.tables import PopCommand, PopMessage
from tests.conftest import (
    PG_HOST,
    PG_PORT,
    create_pg_database,
    drop_pg_database,
    require_postgres,
)

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    try:
        yield database
    finally:
        await database.close()


@contextlib.asynccontextmanager
async def following(channel: PopChannel, received: list[tuple[Envelope, bool]]
                    ) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(subscribe(channel, lambda item, deliver:
                                         received.append((item, deliver))))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def published(channel: PopChannel, *items: Envelope) -> None:
    """Publish and wait until the rows are committed (and, on PostgreSQL, notified)."""
    target = channel.published + len(items)
    for item in items:
        channel.publish(item)
    publisher = asyncio.create_task(channel.run_publisher())
    try:
        async with asyncio.timeout(10):
            while channel.published < target:
                await asyncio.sleep(0.01)
    finally:
        publisher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await publisher


def pop_for(seat: str, call_id: str, *, padding: int = 0) -> Envelope:
    card = {"call_id": call_id, "caller": "+380342123456", "note": "ї" * padding}
    return envelope(seat, pops.pop(call_id=call_id, seat=seat, rang_at=T0, card=card))


async def test_messages_reach_other_processes_in_order_and_not_their_own(
        db: Database, eventually: Any) -> None:
    link, web = PopChannel(db, poll_interval=0.02), PopChannel(db, poll_interval=0.02)
    received: list[tuple[Envelope, bool]] = []
    big = pop_for("PJSIP/op1003", "1.3", padding=6000)  # 12 kB: beyond a NOTIFY payload
    async with following(web, received), following(link, own := []):
        await asyncio.wait_for(web.ready.wait(), 10)
        await published(link, pop_for("PJSIP/op1001", "1.1"), pop_for("PJSIP/op1002", "1.2"),
                        big)
        await eventually(lambda: len(received) == 3)
    assert [(item.seat, item.message["call_id"]) for item, _ in received] == [
        ("PJSIP/op1001", "1.1"), ("PJSIP/op1002", "1.2"), ("PJSIP/op1003", "1.3")]
    assert all(deliver for _, deliver in received)
    assert received[2][0].text == big.text
    assert own == []


async def test_a_new_process_replays_the_last_hour_without_delivering(
        db: Database, eventually: Any) -> None:
    link = PopChannel(db)
    await published(link, pop_for("PJSIP/op1001", "1.1"),
                    envelope("PJSIP/op1001", pops.card_update(call_id="1.1", card={"x": 1})),
                    pop_for("PJSIP/op1002", "1.2"),
                    envelope("PJSIP/op1002", pops.ring_timed_out(call_id="1.2", at=T0)))
    relay = PopRelay()
    await PopChannel(db).replay(lambda item, deliver: relay.receive(item, deliver=deliver))
    assert relay.hello("PJSIP/op1001", "olena")["current"]["card"] == {"x": 1}
    assert relay.hello("PJSIP/op1002", "petro")["current"] is None
    relay.receive(envelope(None, pops.reset(at=T0)))
    assert relay.hello("PJSIP/op1001", "olena")["current"] is None


async def test_old_messages_are_pruned(db: Database) -> None:
    channel = PopChannel(db, retention=60)
    await published(channel, pop_for("PJSIP/op1001", "1.1"), pop_for("PJSIP/op1001", "1.2"))
    async with db.transaction() as session:
        await session.execute(update(PopMessage).where(PopMessage.body.contains('"1.1"'))
                              .values(at=datetime.now(UTC) - timedelta(minutes=5)))
    await channel.prune()
    async with db.reading() as session:
        left = (await session.scalars(select(PopMessage.body))).all()
    assert len(left) == 1 and '"1.2"' in left[0]


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    require_postgres()
    name = await create_pg_database()
    url = f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    await asyncio.to_thread(migrate.upgrade, url)
    try:
        yield url
    finally:
        await drop_pg_database(name)


@pytest.mark.postgres
async def test_listen_reconnects_and_catches_up(pg_url: str, eventually: Any) -> None:
    db = Database(pg_url)
    try:
        await _across_a_lost_listen(db, pg_url, eventually)
    finally:
        await db.close()


async def _across_a_lost_listen(db: Database, url: str, eventually: Any) -> None:
    link, web = PopChannel(db), PopChannel(db)
    received: list[tuple[Envelope, bool]] = []
    async with following(web, received):
        await asyncio.wait_for(web.ready.wait(), 10)
        await published(link, pop_for("PJSIP/op1001", "1.1"))
        await eventually(lambda: len(received) == 1)
        await _terminate_listeners(url)
        await published(link, pop_for("PJSIP/op1001", "1.2"))  # while nobody listens
        await eventually(lambda: len(received) == 2, timeout=20)
        await published(link, pop_for("PJSIP/op1001", "1.3"))
        await eventually(lambda: len(received) == 3)
    assert [item.message["call_id"] for item, _ in received] == ["1.1", "1.2", "1.3"]


async def _terminate_listeners(url: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()")
    finally:
        await conn.close()


class FakePausing:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    async def pause(self, seat: str) -> PauseState:
        self.asked.append(("pause", seat))
        return PauseState(True, "manual")

    async def resume(self, seat: str) -> PauseState:
        self.asked.append(("resume", seat))
        return PauseState(False)


async def test_a_command_nobody_takes_expires_and_is_never_carried_out(db: Database) -> None:
    with pytest.raises(PbxUnavailable):
        await ForwardedPauses(db, wait=0.2).pause("PJSIP/op1001")
    pausing = FakePausing()
    await CommandDrain(db, pausing).drain()
    async with db.reading() as session:
        states = (await session.scalars(select(PopCommand.state))).all()
    assert pausing.asked == []
    assert states == ["expired"]


async def test_a_forwarded_command_is_carried_out_once(db: Database) -> None:
    pausing = FakePausing()
    drains = [CommandDrain(db, pausing, interval=0.02) for _ in range(2)]
    tasks = [asyncio.create_task(d.run()) for d in drains]
    try:
        state = await ForwardedPauses(db).resume("PJSIP/op1001")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    async with db.reading() as session:
        count = await session.scalar(select(func.count()).select_from(PopCommand)
                                     .where(PopCommand.state == "done"))
    assert state == PauseState(False)
    assert pausing.asked == [("resume", "PJSIP/op1001")]
    assert count == 1
