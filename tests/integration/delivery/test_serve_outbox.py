"""Nothing stays `registered`, and one process is a whole hotline: the worker's sweep routes
appeals whose routing never happened (the process died after the operator's save), and
`callcenter serve` with `[outbox] in_serve` runs the outbox workers and sweeps itself —
delivery checked on a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Eventually
from sqlalchemy import select

from callcenter import main
from callcenter.appeals.tables import Appeal
from callcenter.core.config import (
    AmiConfig,
    Config,
    DatabaseConfig,
    HttpConfig,
    IntakeConfig,
    OutboxConfig,
    RecordingsConfig,
    RoutingConfig,
    SmtpConfig,
)
from callcenter.core.database import Database
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.routing.wiring import build_worker
from callcenter.simulator import SimulatedPbx
from tests.integration.loopback_servers import Hold, HttpReceiver, SmtpSink
from tests.integration.routing_seed import RULES, SECRET, SECRET_ENV, build_city


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


def config_for(url: str, tmp_path: Path, smtp: SmtpSink, **outbox: object) -> Config:
    rules = tmp_path / "routing.toml"
    rules.write_text(RULES, encoding="utf-8")
    return Config(
        database=DatabaseConfig(url=url), routing=RoutingConfig(rules=str(rules)),
        smtp=SmtpConfig(host="127.0.0.1", port=smtp.port, timeout=5),
        outbox=dataclasses.replace(OutboxConfig(poll_interval=0.05, sweep_interval=0.1),
                                   **outbox),
        intake=IntakeConfig(journal=str(tmp_path / "journal.jsonl")),
        recordings=RecordingsConfig(spool_dir=str(tmp_path / "spool"),
                                    dir=str(tmp_path / "recordings")),
        http=HttpConfig(host="127.0.0.1", port=0))


async def stranded(url: str, tmp_path: Path, webhook_url: str = "http://127.0.0.1:9/h") -> int:
    """Contractors in place and an appeal left `registered` (never routed)."""
    city = await build_city(url, tmp_path, webhook_url=webhook_url)
    try:
        return await city.registered("water_pipe_burst", "вул. Незалежності, 5")
    finally:
        await city.db.close()


async def status_of(url: str, appeal_id: int) -> str:
    db = Database(url)
    try:
        async with db.transaction() as session:
            return str(await session.scalar(select(Appeal.status).where(Appeal.id == appeal_id)))
    finally:
        await db.close()


def emails_to(smtp: SmtpSink, address: str) -> list[str]:
    return [str(m["Subject"]) for m in smtp.messages if str(m["To"]) == address]


async def test_the_worker_routes_appeals_left_registered(
        database_url: str, tmp_path: Path, smtp: SmtpSink, eventually: Eventually) -> None:
    appeal_id = await stranded(database_url, tmp_path)
    worker = build_worker(config_for(database_url, tmp_path, smtp), name="sweeper")
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        await eventually(lambda: emails_to(smtp, "dispatch@vodokanal.example.org"))
        assert await status_of(database_url, appeal_id) == "assigned"
    finally:
        stop.set()
        await task
        await worker.close()


async def test_serve_delivers_by_itself_when_in_serve(
        database_url: str, tmp_path: Path, smtp: SmtpSink, eventually: Eventually) -> None:
    appeal_id = await stranded(database_url, tmp_path)
    async with SimulatedPbx() as pbx:
        config = config_for(database_url, tmp_path, smtp).replace(
            ami=AmiConfig(host="127.0.0.1", port=pbx.port, reconnect_min=0.05,
                          reconnect_max=0.2))
        server = main.build_server(config)
        assert server.worker is not None
        assert server.app.state.routing_services is server.worker.routing_services
        task = asyncio.create_task(server.run())
        try:
            await eventually(lambda: emails_to(smtp, "dispatch@vodokanal.example.org"))
            await eventually(lambda: server.listener.link.logged_in)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await server.stop()
    assert await status_of(database_url, appeal_id) == "assigned"


async def test_serve_leaves_delivery_to_workers_when_told(
        database_url: str, tmp_path: Path, smtp: SmtpSink) -> None:
    config = config_for(database_url, tmp_path, smtp, in_serve=False)
    server = main.build_server(config)
    try:
        assert server.worker is None
        assert server.app.state.routing_services.db is server.listener.db
    finally:
        await server.stop()


async def test_sigterm_lets_serve_finish_the_delivery_in_hand(
        database_url: str, tmp_path: Path, smtp: SmtpSink, eventually: Eventually,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """What `serve` does first on SIGTERM (`Server.finish_work`): the outbox workers finish
    the batch in hand, here a webhook whose answer has not come yet, and record it."""
    monkeypatch.setenv(SECRET_ENV, SECRET.decode())
    receiver = HttpReceiver()
    await receiver.start()
    hold = Hold()
    receiver.plan = [hold]
    await stranded(database_url, tmp_path, webhook_url=receiver.url())
    server = main.build_server(config_for(database_url, tmp_path, smtp))
    task = asyncio.create_task(server.run())
    try:
        await eventually(lambda: len(receiver.received) == 1)
        finishing = asyncio.create_task(server.finish_work())
        await asyncio.sleep(0.3)
        still_waiting = not finishing.done()
        hold.release.set()
        await asyncio.wait_for(finishing, 20)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await server.stop()
        await receiver.stop()
    assert still_waiting  # the answer had not come: stopping waited for it
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            webhook = await session.scalar(select(OutboxMessageRow.state).where(
                OutboxMessageRow.channel == "webhook"))
    finally:
        await db.close()
    assert webhook == "sent"
