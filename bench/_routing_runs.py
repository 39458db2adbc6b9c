"""The measurements of bench/routing.py, each with the baseline it is compared with."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiosmtplib
import httpx
from _routing_seed import RULES, T0, facts, rules, seed
from sqlalchemy import func, select

from callcenter.appeals.tables import Appeal
from callcenter.core.database import Database
from callcenter.delivery.model.notices import Notifier
from callcenter.delivery.model.outbox import NewMessage, OutboxMessage
from callcenter.delivery.senders.email import SmtpSettings, build_email
from callcenter.delivery.senders.transport import ChannelTransport
from callcenter.delivery.senders.webhook import encode, signature
from callcenter.delivery.service.worker import OutboxWorker, WorkerSettings
from callcenter.delivery.store import SqlOutboxStore
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.routing.model.policy import route
from callcenter.routing.service.routing import AppealRouter
from callcenter.routing.service.rules import RuleHolder
from callcenter.routing.store import SqlRoutingStore

LATER = T0 + timedelta(days=1)  # every seeded message is due


@dataclass(frozen=True)
class Figure:
    count: int
    seconds: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def timed(count: int, work: Callable[[], Any], note: str = "") -> Figure:
    start = time.perf_counter()
    work()
    return Figure(count, time.perf_counter() - start, note)


# -- routing, pure ---------------------------------------------------------------------------

def route_all(rows: list[dict[str, Any]]) -> tuple[Figure, Figure]:
    """route() over every appeal, against a dict lookup category -> contractor."""
    sample = rules()
    pairs = facts(rows)
    table = {c: r.contractor for r in reversed(sample.rules) for c in r.categories}
    decided = timed(len(pairs), lambda: [route(f, sample, at) for f, at in pairs])
    looked_up = timed(len(pairs), lambda: [table.get(f.category or "", sample.coordinator)
                                           for f, _ in pairs])
    return decided, looked_up


# -- route and enqueue into a database -------------------------------------------------------

async def route_and_enqueue_all(url: str, rows: list[dict[str, Any]], concurrency: int) -> Figure:
    """AppealRouter.appeal_registered for every appeal: route, decision, assignment, history
    and outbox rows in one transaction per appeal."""
    db = await seed(url, rows)
    holder = RuleHolder(RULES, timezone="Europe/Kyiv")
    holder.load()
    appeal_router = AppealRouter(store=SqlRoutingStore(db), rules=holder,
                            notifier=Notifier(public_base_url="https://1580.example.org",
                                              timezone="Europe/Kyiv"))
    ids = list(range(1, len(rows) + 1))
    start = time.perf_counter()
    await _in_parallel(ids, concurrency, appeal_router.appeal_registered)
    seconds = time.perf_counter() - start
    async with db.transaction() as session:
        assigned = await session.scalar(select(func.count()).where(Appeal.status == "assigned"))
        messages = await session.scalar(select(func.count()).select_from(OutboxMessageRow))
    await db.close()
    return Figure(int(assigned or 0), seconds, f"{messages:,} outbox rows")


async def _in_parallel(items: Sequence[Any], concurrency: int,
                       work: Callable[[Any], Awaitable[Any]]) -> None:
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)

    async def drain() -> None:
        while not queue.empty():
            await work(queue.get_nowait())

    async with asyncio.TaskGroup() as group:
        for _ in range(concurrency):
            group.create_task(drain())


# -- delivery ---------------------------------------------------------------------------------

async def deliver_all(url: str, channel: str, count: int, workers: int, batch: int,
                      smtp_port: int) -> Figure:
    """Outbox workers sending `count` seeded messages of one channel until none is left."""
    db = Database(url)
    transport = ChannelTransport(SmtpSettings(host="127.0.0.1", port=smtp_port, timeout=30),
                                 webhook_timeout=30)
    store = SqlOutboxStore(db)
    team = [OutboxWorker(store=store, transport=transport, name=f"bench-{i}",
                         settings=WorkerSettings(batch=batch), clock=lambda: LATER)
            for i in range(workers)]

    async def work(worker: OutboxWorker) -> None:
        while await worker.run_once():
            pass

    start = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for worker in team:
            group.create_task(work(worker))
    seconds = time.perf_counter() - start
    await transport.close()
    async with db.transaction() as session:
        sent = await session.scalar(select(func.count()).where(
            OutboxMessageRow.state == "sent", OutboxMessageRow.channel == channel))
    await db.close()
    return Figure(int(sent or 0), seconds, f"{workers} worker(s) x batch {batch}")


async def bare_posts(payloads: list[dict[str, Any]], port: int, concurrency: int) -> Figure:
    """The baseline: bare httpx, same signed bodies, same number in flight."""
    secret = b"bench"
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient() as client:
        async def post(payload: dict[str, Any]) -> None:
            body = encode(payload)
            async with gate:
                response = await client.post(
                    f"http://127.0.0.1:{port}/hook", content=body, timeout=30,
                    headers={"Content-Type": "application/json",
                             "X-Callcenter-Signature": signature(secret, body,
                                                                       int(time.time())),
                             "Idempotency-Key": payload["idempotency_key"] + ":bare"})
                response.raise_for_status()

        start = time.perf_counter()
        async with asyncio.TaskGroup() as group:
            for payload in payloads:
                group.create_task(post(payload))
    return Figure(len(payloads), time.perf_counter() - start, f"{concurrency} in flight")


async def bare_mails(messages: list[NewMessage], port: int, concurrency: int) -> Figure:
    """The baseline: bare aiosmtplib.send, same messages, same number in flight."""
    gate = asyncio.Semaphore(concurrency)

    async def send(message: NewMessage) -> None:
        outgoing = OutboxMessage(0, message.key + ":bare", message.event, message.channel,
                                 message.recipient, message.payload, 1)
        mail = build_email(outgoing, "bench <noreply@1580.example.org>")
        async with gate:
            await aiosmtplib.send(mail, hostname="127.0.0.1", port=port, start_tls=False,
                                  timeout=30)

    start = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for message in messages:
            group.create_task(send(message))
    return Figure(len(messages), time.perf_counter() - start, f"{concurrency} in flight")


async def stats(port: int, *, reset: bool = False) -> dict[str, int]:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{port}/{'reset' if reset else 'stats'}")
    return dict(json.loads(response.text))

