"""What supervisors do with the outbox: look at it, and resend dead letters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import structlog

from callcenter.delivery.model.outbox import DeliveryAttempt, OutboxRow, OutboxState
from callcenter.routing.service.ports import OutboxStore

log = structlog.get_logger("callcenter.outbox")


def utc_now() -> datetime:
    return datetime.now(UTC)


class OutboxAdmin:
    def __init__(self, *, store: OutboxStore, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.clock = clock

    async def messages(self, *, state: str | None = None, limit: int = 100) -> list[OutboxRow]:
        if state is not None and state not in set(OutboxState):
            raise ValueError(f"unknown outbox state {state!r}")
        return await self.store.messages(state=state, limit=limit)

    async def dead_letters(self, *, limit: int = 100) -> list[OutboxRow]:
        return await self.store.messages(state=OutboxState.DEAD.value, limit=limit)

    async def delivery_log(self, *, contractor: str | None = None,
                           limit: int = 100) -> list[DeliveryAttempt]:
        return await self.store.attempts(contractor=contractor, limit=limit)

    async def resend(self, message_id: int, *, actor: str) -> OutboxRow:
        """Back to the queue with fresh attempts and the same idempotency key."""
        row = await self.store.resend(message_id, actor=actor, now=self.clock())
        log.info("outbox_resend", message_id=message_id, key=row.key, actor=actor)
        return row
