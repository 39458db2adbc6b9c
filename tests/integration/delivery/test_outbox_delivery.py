"""Delivery for real: a real SMTP server (aiosmtpd) and a real HTTP receiver on loopback that
fail in the ways real ones do; both databases; several workers racing on PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import (
    PG_HOST,
    PG_PORT,
    Eventually,
    create_pg_database,
    drop_pg_database,
    require_postgres,
)
from sqlalchemy import select

from callcenter.appeals.rows import appeal_history
from callcenter.appeals.tables import Appeal
from callcenter.core import migrate
from callcenter.core.database import Database
from callcenter.delivery.senders.email import SmtpSettings, message_id
from callcenter.delivery.senders.transport import ChannelTransport
from callcenter.delivery.service.worker import OutboxWorker, WorkerSettings
from callcenter.delivery.store import SqlOutboxStore
from callcenter.delivery.tables import DeliveryAttemptRow, OutboxMessageRow
from callcenter.routing.model.records import MessageNotFound
from tests.integration.loopback_servers import Drop, Hang, HttpReceiver, Reply, SmtpSink
from tests.integration.routing_seed import SECRET, SECRET_ENV, City, build_city

FROM = "Гаряча лінія 1580 <noreply@1580.example.org>"


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[HttpReceiver]:
    server = HttpReceiver()
    await server.start()
    yield server
    await server.stop()


@dataclass
class Rig:
    city: City
    smtp: SmtpSink
    receiver: HttpReceiver
    transport: ChannelTransport
    worker: OutboxWorker

    async def appeal(self, category: str = "water_pipe_burst") -> int:
        appeal_id = await self.city.registered(category, "вул. Незалежності, 5")
        await self.city.appeal_router.appeal_registered(appeal_id)
        return appeal_id

    async def messages(self) -> dict[str, OutboxMessageRow]:
        async with self.city.db.transaction() as session:
            rows = (await session.scalars(select(OutboxMessageRow))).all()
        return {r.channel: r for r in rows if r.event == "appeal.assigned"}

    async def attempts(self, channel: str) -> list[DeliveryAttemptRow]:
        async with self.city.db.transaction() as session:
            return list((await session.scalars(select(DeliveryAttemptRow).where(
                DeliveryAttemptRow.channel == channel).order_by(DeliveryAttemptRow.id))).all())

    async def delivery(self, appeal_id: int) -> str:
        async with self.city.db.transaction() as session:
            return str(await session.scalar(select(Appeal.delivery)
                                            .where(Appeal.id == appeal_id)))


def settings(smtp: SmtpSink) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=smtp.port, from_address=FROM, timeout=5)


@contextlib.asynccontextmanager
async def make_rig(url: str, tmp_path: Path, smtp: SmtpSink,
                   receiver: HttpReceiver) -> AsyncIterator[Rig]:
    city = await build_city(url, tmp_path, webhook_url=receiver.url())
    transport = ChannelTransport(settings(smtp), webhook_timeout=1.0)
    worker = OutboxWorker(store=city.outbox, transport=transport, name="w1",
                          settings=WorkerSettings(max_attempts=3, backoff_base=2,
                                                  backoff_max=60),
                          clock=city.clock, jitter=lambda: 0.0)
    try:
        yield Rig(city, smtp, receiver, transport, worker)
    finally:
        await transport.close()
        await city.db.close()


@pytest.fixture
async def rig(database_url: str, tmp_path: Path, smtp: SmtpSink, receiver: HttpReceiver,
              monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Rig]:
    monkeypatch.setenv(SECRET_ENV, SECRET.decode())
    async with make_rig(database_url, tmp_path, smtp, receiver) as built:
        yield built


@pytest.fixture
async def pg_rig(tmp_path: Path, smtp: SmtpSink, receiver: HttpReceiver,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Rig]:
    """Several workers share the queue on PostgreSQL only (SQLite runs one worker)."""
    require_postgres()
    monkeypatch.setenv(SECRET_ENV, SECRET.decode())
    name = await create_pg_database()
    url = f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        async with make_rig(url, tmp_path, smtp, receiver) as built:
            yield built
    finally:
        await drop_pg_database(name)


async def test_delivered_when_every_channel_succeeded(rig: Rig) -> None:
    appeal_id = await rig.appeal()
    assert await rig.worker.run_once() == 2
    messages = await rig.messages()
    assert {c: m.state for c, m in messages.items()} == {"email": "sent", "webhook": "sent"}

    [mail] = rig.smtp.messages
    assert mail["To"] == "dispatch@vodokanal.example.org"
    assert mail["Subject"].startswith("[АВАРІЙНЕ] Нове звернення 2026-")
    assert mail["Message-ID"] == message_id(messages["email"].idempotency_key, FROM)
    assert "https://1580.example.org/contractor/appeals/2026-" in mail.get_content()
    assert "Адреса: вул. Незалежності, 5" in mail.get_content()

    [hook] = rig.receiver.received
    assert hook.signed_with(SECRET)
    assert hook.key == messages["webhook"].idempotency_key
    assert hook.headers["x-callcenter-event"] == "appeal.assigned"
    assert hook.json()["appeal"]["resident_phone"] == "+38067***4567"

    assert [(a.ok, a.response_code) for a in await rig.attempts("email")] == [(True, 250)]
    assert [(a.ok, a.response_code) for a in await rig.attempts("webhook")] == [(True, 200)]
    assert await rig.delivery(appeal_id) == "delivered"


async def test_never_delivered_after_a_partial_failure(rig: Rig) -> None:
    appeal_id = await rig.appeal()
    rig.receiver.plan = [Reply(500, b"oops")]
    await rig.worker.run_once()
    messages = await rig.messages()
    assert (messages["email"].state, messages["webhook"].state) == ("sent", "pending")
    assert messages["webhook"].last_error == "HTTP 500"
    assert await rig.delivery(appeal_id) == "pending"
    assert await rig.worker.run_once() == 0  # not due yet: backoff
    rig.city.clock.advance(seconds=2)
    assert await rig.worker.run_once() == 1
    assert await rig.delivery(appeal_id) == "delivered"
    assert rig.receiver.keys() == [messages["webhook"].idempotency_key] * 2  # the same key
    assert [(a.ok, a.response_code, a.response_text) for a in await rig.attempts("webhook")] == [
        (False, 500, "oops"), (True, 200, '{"ok": true}')]


async def test_the_delivery_log_per_contractor(rig: Rig) -> None:
    await rig.appeal()  # vodokanal: e-mail and webhook
    await rig.appeal("roof_leak")  # uk: e-mail
    rig.receiver.plan = [Reply(503, b"busy")]
    await rig.worker.run_once()
    log = await rig.city.admin.delivery_log(contractor="vodokanal")
    assert sorted((a.channel, a.ok, a.code) for a in log) == [("email", True, 250),
                                                              ("webhook", False, 503)]
    assert {a.contractor for a in log} == {"vodokanal"}
    assert [a.error for a in log if not a.ok] == ["HTTP 503"]
    assert all(a.appeal_number and a.appeal_number.startswith("2026-") for a in log)
    assert len(await rig.city.admin.delivery_log()) == 3


async def test_down_receiver_gives_a_dead_letter_that_can_be_resent(rig: Rig) -> None:
    appeal_id = await rig.appeal()
    await rig.receiver.stop()
    for _ in range(3):
        await rig.worker.run_once()
        rig.city.clock.advance(minutes=5)
    webhook = (await rig.messages())["webhook"]
    assert (webhook.state, webhook.attempts) == ("dead", 3)
    assert "ConnectError" in webhook.last_error
    assert await rig.delivery(appeal_id) == "failed"
    [dead] = await rig.city.admin.dead_letters()
    assert (dead.id, dead.contractor, dead.channel) == (webhook.id, "vodokanal", "webhook")

    await rig.receiver.start()
    row = await rig.city.admin.resend(webhook.id, actor="sup")
    assert (row.state, row.attempts) == ("pending", 0)
    assert await rig.delivery(appeal_id) == "pending"
    assert await rig.worker.run_once() == 1
    assert await rig.delivery(appeal_id) == "delivered"
    with pytest.raises(MessageNotFound):
        await rig.city.admin.resend(webhook.id, actor="sup")
    async with rig.city.db.transaction() as session:
        number = str(await session.scalar(select(Appeal.number).where(Appeal.id == appeal_id)))
    actions = [h.action for h in await appeal_history(rig.city.db, number)]
    assert actions[-4:] == ["delivery", "resend", "delivery", "delivery"]  # failed, pending, ok


async def test_a_hanging_receiver_times_out_and_is_retried(rig: Rig) -> None:
    await rig.appeal()
    rig.receiver.plan = [Hang(5.0)]
    await rig.worker.run_once()
    webhook = (await rig.messages())["webhook"]
    assert (webhook.state, webhook.last_error) == ("pending", "no answer within 1 s")
    rig.city.clock.advance(seconds=2)
    await rig.worker.run_once()
    assert (await rig.messages())["webhook"].state == "sent"


async def test_a_dropped_connection_is_retried(rig: Rig) -> None:
    await rig.appeal()
    rig.receiver.plan = [Drop()]
    await rig.worker.run_once()
    assert (await rig.messages())["webhook"].state == "pending"
    rig.city.clock.advance(seconds=2)
    await rig.worker.run_once()
    assert (await rig.messages())["webhook"].state == "sent"


async def test_smtp_refusing_then_down_then_back(rig: Rig) -> None:
    appeal_id = await rig.appeal("roof_leak")  # e-mail only
    rig.smtp.refuse = "554 5.7.1 Message rejected"
    await rig.worker.run_once()
    rig.smtp.refuse = None
    rig.smtp.stop()
    rig.city.clock.advance(seconds=2)
    await rig.worker.run_once()
    rig.smtp.start()
    rig.city.clock.advance(seconds=4)
    await rig.worker.run_once()
    attempts = await rig.attempts("email")
    assert [(a.ok, a.response_code) for a in attempts] == [(False, 554), (False, None),
                                                           (True, 250)]
    assert "Message rejected" in attempts[0].error
    assert "SMTP 127.0.0.1" in attempts[1].error
    assert await rig.delivery(appeal_id) == "delivered"
    assert len(rig.smtp.messages) == 1


async def test_a_missing_secret_sends_nothing_unsigned(rig: Rig,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    await rig.appeal()
    monkeypatch.delenv(SECRET_ENV)
    await rig.worker.run_once()
    webhook = (await rig.messages())["webhook"]
    assert webhook.state == "pending"
    assert webhook.last_error == f"secret env:{SECRET_ENV}: environment variable {SECRET_ENV} " \
                                 "is not set"
    assert rig.receiver.received == []


async def test_four_workers_on_postgresql_send_everything_exactly_once(
        pg_rig: Rig, eventually: Eventually) -> None:
    rig = pg_rig
    appeals = 60
    for n in range(appeals):
        appeal_id = await rig.city.registered("water_pipe_burst", f"Галицька {n + 1}")
        await rig.city.appeal_router.appeal_registered(appeal_id)
    databases = [Database(rig.city.db.url) for _ in range(4)]
    workers = [OutboxWorker(store=SqlOutboxStore(db), transport=rig.transport, name=f"w{i}",
                            settings=WorkerSettings(batch=5, poll_interval=0.05),
                            clock=rig.city.clock)
               for i, db in enumerate(databases)]
    stop = asyncio.Event()
    try:
        async with asyncio.TaskGroup() as group:
            for worker in workers:
                group.create_task(worker.run(stop))
            await eventually(lambda: len(rig.receiver.received) >= appeals
                             and len(rig.smtp.messages) >= appeals, timeout=60)
            await eventually(_all_sent(rig), timeout=30)
            stop.set()
    finally:
        for db in databases:
            await db.close()
    assert sorted(rig.receiver.keys()) == sorted(set(rig.receiver.keys()))
    assert len(rig.receiver.keys()) == appeals
    assert len(set(rig.smtp.message_ids())) == len(rig.smtp.messages) == appeals
    assert sum(w.sent for w in workers) == 2 * appeals
    assert sum(w.sent > 0 for w in workers) >= 2  # the work was shared
    async with rig.city.db.transaction() as session:
        delivered = (await session.scalars(select(Appeal.delivery))).all()
    assert set(delivered) == {"delivered"}


def _all_sent(rig: Rig) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        async with rig.city.db.transaction() as session:
            states = (await session.scalars(select(OutboxMessageRow.state))).all()
        return set(states) == {"sent"}
    return check


async def test_payload_is_the_same_json_the_receiver_verifies(rig: Rig) -> None:
    await rig.appeal()
    await rig.worker.run_once()
    [hook] = rig.receiver.received
    assert json.loads(hook.body)["idempotency_key"] == hook.key
    assert not hook.signed_with(b"another secret")
