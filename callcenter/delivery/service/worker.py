"""Outbox workers: claim due messages, send them, record every attempt, retry or give up.

Several workers (tasks or processes) may run against PostgreSQL: claiming is
`FOR UPDATE SKIP LOCKED`, so no two take the same message. On SQLite one worker runs.
A worker that dies between sending and recording leaves its messages `sending`; after
`lease` seconds any worker takes them back and sends them again with the same idempotency
key (at-least-once: the receiver drops the repeat).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog

from callcenter.core.errors import StoreUnavailable
from callcenter.core.pacing import DatabaseOutage, wait_for_event
from callcenter.delivery.model.outbox import DeliveryResult, OutboxMessage, Outcome, backoff
from callcenter.routing.service.ports import OutboxStore, Transport

log = structlog.get_logger("callcenter.outbox")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WorkerSettings:
    max_attempts: int = 8
    backoff_base: float = 30.0
    backoff_max: float = 3600.0
    batch: int = 20
    poll_interval: float = 1.0
    lease: float = 300.0


class OutboxWorker:
    def __init__(self, *, store: OutboxStore, transport: Transport, name: str,
                 settings: WorkerSettings = WorkerSettings(),
                 clock: Callable[[], datetime] = utc_now,
                 jitter: Callable[[], float] = random.random) -> None:
        self.store = store
        self.transport = transport
        self.name = name
        self.settings = settings
        self.clock = clock
        self.jitter = jitter
        self.sent = 0
        self.failed = 0

    async def run_once(self) -> int:
        """One batch: claim, send all at once, record the results in one transaction; how
        many were claimed."""
        batch = await self.store.claim(worker=self.name, now=self.clock(),
                                       limit=self.settings.batch)
        if not batch:
            return 0
        async with asyncio.TaskGroup() as group:
            sending = [group.create_task(self._send(message)) for message in batch]
        now = self.clock()
        outcomes = [self._outcome(m, t.result(), now) for m, t in zip(batch, sending,
                                                                       strict=True)]
        await self.store.record(outcomes, worker=self.name, now=now)
        for outcome in outcomes:
            self._count(outcome)
        return len(batch)

    def _outcome(self, message: OutboxMessage, result: DeliveryResult,
                 now: datetime) -> Outcome:
        if result.ok or message.attempts >= self.settings.max_attempts:
            return Outcome(message, result)
        delay = backoff(message.attempts, base=self.settings.backoff_base,
                        cap=self.settings.backoff_max, jitter=self.jitter())
        return Outcome(message, result, now + timedelta(seconds=delay))

    async def _send(self, message: OutboxMessage) -> DeliveryResult:
        started = time.perf_counter()
        try:
            return await self.transport.send(message)
        except Exception as exc:  # a sender bug must not stop the queue: it is a failed attempt
            log.exception("outbox_sender_crashed", message_id=message.id)
            took = int((time.perf_counter() - started) * 1000)
            return DeliveryResult(ok=False, error=f"sender crashed: {exc!r}", duration_ms=took)

    def _count(self, outcome: Outcome) -> None:
        message, result, retry_at = outcome.message, outcome.result, outcome.retry_at
        if result.ok:
            self.sent += 1
            return
        self.failed += 1
        event = "outbox_retry" if retry_at else "outbox_dead_letter"
        log.warning(event, message_id=message.id, key=message.key, attempt=message.attempts,
                    error=result.error, retry_at=retry_at.isoformat() if retry_at else None)

    async def release_stale(self) -> int:
        now = self.clock()
        released = await self.store.release_stale(
            claimed_before=now - timedelta(seconds=self.settings.lease), now=now,
            max_attempts=self.settings.max_attempts)
        if released:
            log.warning("outbox_lease_expired", messages=released)
        return released

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Work until cancelled or `stop` is set; a lost database is waited out (said once
        per outage)."""
        stop = stop or asyncio.Event()
        next_release = 0.0
        outage = DatabaseOutage("outbox_database_unavailable")
        while not stop.is_set():
            try:
                if time.monotonic() >= next_release:
                    await self.release_stale()
                    next_release = time.monotonic() + self.settings.lease / 4
                claimed = await self.run_once()
                outage.over()
                if claimed:
                    continue
            except StoreUnavailable as exc:
                outage.lost(exc, worker=self.name)
            await wait_for_event(stop, self.settings.poll_interval)
