"""The interfaces the routing services need from the database and the senders.

`RoutingStore.transaction()` is a unit of work: everything done through one `RoutingTx`
commits together or not at all (the transactional outbox rests on this).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Protocol

from callcenter.appeals.model.statuses import Status
from callcenter.contractors.model.contractors import Contractor
from callcenter.delivery.model.outbox import (
    DeliveryAttempt,
    DeliveryResult,
    NewMessage,
    OutboxMessage,
    OutboxRow,
    Outcome,
)
from callcenter.routing.model.policy import RoutingDecision
from callcenter.routing.model.records import (
    AppealCard,
    Assignment,
    CurrentRouting,
    OverdueAppeal,
    Unacknowledged,
)


class RoutingTx(Protocol):
    async def appeal(self, appeal_id: int) -> AppealCard | None:
        """The appeal, locked for this transaction (FOR UPDATE on PostgreSQL)."""

    async def contractor(self, code: str) -> Contractor | None: ...

    async def contractor_by_id(self, contractor_id: int) -> Contractor | None: ...

    async def current_assignment(self, appeal_id: int) -> Assignment | None: ...

    async def add_assignment(self, appeal_id: int, decision: RoutingDecision,
                             contractor: Contractor, *, at: datetime,
                             actor: str) -> Assignment:
        """Store the decision; the appeal takes its contractor, deadline and priority, and
        its delivery flag becomes pending (the status is changed with `move`)."""

    async def move(self, appeal_id: int, target: Status, *, at: datetime, actor: str,
                   action: str, comment: str) -> None:
        """Change the status (domain.appeals.check_transition) and write the history row."""

    async def note(self, appeal_id: int, *, at: datetime, actor: str, action: str,
                   comment: str) -> None:
        """A history row without a status change."""

    async def acknowledge(self, appeal_id: int, at: datetime) -> None: ...

    async def set_planned_date(self, appeal_id: int, day: date) -> None: ...

    async def set_answer(self, appeal_id: int, answer: str) -> None: ...

    async def attach(self, appeal_id: int, refs: Sequence[str], *, at: datetime,
                     actor: str) -> None: ...

    async def set_address_key(self, appeal_id: int, key: str | None) -> None: ...

    async def link_duplicate(self, appeal_id: int, original_id: int) -> None: ...

    async def cancel_pending(self, decision_id: int) -> bool:
        """Cancel the assignment's messages not yet sent; True if any was sent (or is being
        sent): the contractor may know of the appeal."""

    async def enqueue(self, messages: Sequence[NewMessage], *, appeal_id: int | None,
                      decision_id: int | None, contractor_id: int | None,
                      at: datetime) -> list[NewMessage]:
        """Insert the messages whose key is new; return those inserted."""


class RoutingStore(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[RoutingTx]: ...

    async def duplicates(self, category: str, address_key: str, *,
                         exclude: int | None = None) -> list[AppealCard]: ...

    async def unacknowledged(self) -> list[Unacknowledged]: ...

    async def overdue(self, now: datetime, *, limit: int = 500) -> list[OverdueAppeal]: ...

    async def routing_of(self, number: str) -> CurrentRouting | None:
        """The appeal by number with its current assignment and contractor (if routed)."""

    async def registered(self, *, limit: int) -> list[int]:
        """Ids of appeals still `registered`, oldest first."""


class OutboxStore(Protocol):
    async def claim(self, *, worker: str, now: datetime, limit: int) -> list[OutboxMessage]:
        """Due pending messages, now `sending` and ours; each claim counts as an attempt."""

    async def record(self, outcomes: Sequence[Outcome], *, worker: str,
                     now: datetime) -> None:
        """In one transaction: log each attempt; sent, retried at `retry_at`, or dead when it
        is None; update the delivery flag of the appeals concerned."""

    async def release_stale(self, *, claimed_before: datetime, now: datetime,
                            max_attempts: int) -> int:
        """Messages left `sending` by a worker that died: pending again (or dead)."""

    async def messages(self, *, state: str | None, limit: int) -> list[OutboxRow]: ...

    async def resend(self, message_id: int, *, actor: str, now: datetime) -> OutboxRow:
        """A dead letter back to pending with fresh attempts (MessageNotFound otherwise)."""

    async def attempts(self, *, contractor: str | None, limit: int) -> list[DeliveryAttempt]:
        """The delivery log, newest first, of one contractor (by code) or of all."""


class Transport(Protocol):
    async def send(self, message: OutboxMessage) -> DeliveryResult:
        """Deliver one message; failures come back as a result, never as an exception."""
