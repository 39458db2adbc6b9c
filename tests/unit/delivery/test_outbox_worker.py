"""The outbox worker's decisions with hand-written fakes: retry, give up, survive a crash."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from callcenter.delivery.model.outbox import DeliveryResult, OutboxMessage, OutboxRow, Outcome
from callcenter.delivery.service.worker import OutboxWorker, WorkerSettings

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


@dataclass
class FakeStore:
    pending: list[OutboxMessage] = field(default_factory=list)
    recorded: list[Outcome] = field(default_factory=list)
    transactions: int = 0
    released: list[datetime] = field(default_factory=list)

    async def claim(self, *, worker: str, now: datetime, limit: int) -> list[OutboxMessage]:
        batch, self.pending = self.pending[:limit], self.pending[limit:]
        return [replace(m, attempts=m.attempts + 1) for m in batch]

    async def record(self, outcomes: list[Outcome], *, worker: str, now: datetime) -> None:
        self.recorded.extend(outcomes)
        self.transactions += 1

    async def release_stale(self, *, claimed_before: datetime, now: datetime,
                            max_attempts: int) -> int:
        self.released.append(claimed_before)
        return 0

    async def messages(self, *, state: str | None, limit: int) -> list[OutboxRow]:
        return []

    async def resend(self, message_id: int, *, actor: str, now: datetime) -> OutboxRow:
        raise NotImplementedError


class ScriptedTransport:
    def __init__(self, *results: DeliveryResult | Exception) -> None:
        self.results = list(results)
        self.sent: list[str] = []

    async def send(self, message: OutboxMessage) -> DeliveryResult:
        self.sent.append(message.key)
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


def message(n: int, attempts: int = 0) -> OutboxMessage:
    return OutboxMessage(n, f"key-{n}", "appeal.assigned", "webhook", "http://x", {}, attempts)


def worker(store: FakeStore, transport: ScriptedTransport, **settings: float) -> OutboxWorker:
    return OutboxWorker(store=store, transport=transport, name="w1",
                        settings=WorkerSettings(max_attempts=3, backoff_base=10,
                                                backoff_max=100, **settings),
                        clock=lambda: T0, jitter=lambda: 1.0)


async def test_success_is_recorded_without_retry() -> None:
    store = FakeStore([message(1)])
    w = worker(store, ScriptedTransport(DeliveryResult(ok=True, code=200)))
    assert await w.run_once() == 1
    [rec] = store.recorded
    assert rec.result.ok and rec.retry_at is None and w.sent == 1


async def test_failures_are_retried_with_growing_backoff_then_given_up() -> None:
    store = FakeStore([message(1, attempts=0), message(2, attempts=1), message(3, attempts=2)])
    failure = DeliveryResult(ok=False, code=500, error="HTTP 500")
    w = worker(store, ScriptedTransport(failure, failure, failure))
    await w.run_once()
    retry = {r.message.id: r.retry_at for r in store.recorded}
    assert retry == {1: T0 + timedelta(seconds=10), 2: T0 + timedelta(seconds=20), 3: None}
    assert w.failed == 3
    assert store.transactions == 1  # a batch is recorded in one transaction


async def test_a_crashing_sender_is_a_failed_attempt_not_a_dead_worker() -> None:
    store = FakeStore([message(1), message(2)])
    w = worker(store, ScriptedTransport(RuntimeError("boom"), DeliveryResult(ok=True)))
    assert await w.run_once() == 2
    results = {r.message.id: r.result for r in store.recorded}
    assert not results[1].ok and "sender crashed: RuntimeError('boom')" in results[1].error
    assert results[2].ok


async def test_batches_are_limited_and_the_queue_drains() -> None:
    store = FakeStore([message(n) for n in range(1, 6)])
    transport = ScriptedTransport(*[DeliveryResult(ok=True)] * 5)
    w = worker(store, transport, batch=2)
    assert [await w.run_once() for _ in range(4)] == [2, 2, 1, 0]
    assert sorted(transport.sent) == [f"key-{n}" for n in range(1, 6)]


async def test_stale_claims_are_released_after_the_lease() -> None:
    store = FakeStore()
    w = worker(store, ScriptedTransport(), lease=300)
    await w.release_stale()
    assert store.released == [T0 - timedelta(seconds=300)]
