"""The outbox on SQLAlchemy: enqueue (insert-if-absent), claim, record, release, resend.

Claiming is one `UPDATE .. WHERE id IN (SELECT .. FOR UPDATE SKIP LOCKED) RETURNING` on
PostgreSQL, so concurrent workers never take the same message; SQLite drops `FOR UPDATE` and
serializes writers instead (one worker). Recording a result locks the appeal first (the same
order as routing: appeal, then outbox), so two workers finishing the two channels of one
appeal at once cannot both miss that it is now delivered.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.contractors.tables import ContractorRow
from callcenter.core.database import Database
from callcenter.core.tables import Base
from callcenter.delivery.model.outbox import (
    Delivery,
    DeliveryAttempt,
    DeliveryResult,
    OutboxMessage,
    OutboxRow,
    OutboxState,
    Outcome,
)
from callcenter.delivery.rows import lock_appeal
from callcenter.delivery.tables import DeliveryAttemptRow, OutboxMessageRow
from callcenter.routing.model.records import MessageNotFound
from callcenter.routing.tables import RoutingDecisionRow

TEXT_LIMIT = 2000  # characters of a response or an error kept in the log
OUTBOX_ACTOR = "outbox"
M = OutboxMessageRow
A = DeliveryAttemptRow
ATTEMPTS = Base.metadata.tables[DeliveryAttemptRow.__tablename__]


async def refresh_delivery(session: AsyncSession, appeal: Appeal, decision_id: int, *,
                           now: datetime, actor: str) -> None:
    """The appeal's delivery flag from the required messages of its current assignment."""
    current = (select(func.max(RoutingDecisionRow.id))
               .where(RoutingDecisionRow.appeal_id == appeal.id).scalar_subquery())
    states = set((await session.scalars(select(M.state).where(
        M.decision_id == decision_id, M.required.is_(True), current == decision_id))).all())
    if not states:
        return  # an older assignment's message: the flag follows the current one
    flag = (Delivery.FAILED if OutboxState.DEAD in states else
            Delivery.DELIVERED if states <= {OutboxState.SENT} else Delivery.PENDING)
    if appeal.delivery == flag.value:
        return
    session.add(AppealHistory(appeal_id=appeal.id, at=now, actor=actor, action="delivery",
                              from_status=None, to_status=None,
                              comment=f"доставка: {appeal.delivery} -> {flag.value}"))
    appeal.delivery = flag.value


def message_of(row: Any) -> OutboxMessage:
    return OutboxMessage(id=row.id, key=row.idempotency_key, event=row.event,
                         channel=row.channel, recipient=row.recipient,
                         payload=json.loads(row.payload), attempts=row.attempts,
                         secret_ref=row.secret_ref, appeal_id=row.appeal_id,
                         decision_id=row.decision_id, contractor_id=row.contractor_id,
                         required=row.required)


class SqlOutboxStore:
    """The `OutboxStore` of services.outbox_worker and services.outbox_admin."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, *, worker: str, now: datetime, limit: int) -> list[OutboxMessage]:
        due = (select(M.id).where(M.state == OutboxState.PENDING.value,
                                  M.next_attempt_at <= now)
               .order_by(M.next_attempt_at, M.id).limit(limit)
               .with_for_update(skip_locked=True))
        statement = (update(M).where(M.id.in_(due.scalar_subquery()))
                     .values(state=OutboxState.SENDING.value, attempts=M.attempts + 1,
                             claimed_at=now, claimed_by=worker)
                     .returning(*M.__table__.columns))
        async with self._db.transaction() as session:
            rows = (await session.execute(statement)).all()
        return sorted((message_of(row) for row in rows), key=lambda m: m.id)

    async def record(self, outcomes: Sequence[Outcome], *, worker: str,
                     now: datetime) -> None:
        flags = sorted({(o.message.appeal_id or 0, o.message.decision_id or 0)
                        for o in outcomes if o.counts_for_delivery})
        async with self._db.transaction() as session:
            appeals = {}  # locked in id order: concurrent recorders never deadlock
            for appeal_id in sorted({appeal_id for appeal_id, _ in flags}):
                appeals[appeal_id] = await lock_appeal(session, appeal_id)
            # Core statements, not the ORM's unit of work: a batch is a few statements
            await session.execute(insert(ATTEMPTS), [
                _attempt_values(o.message, o.result, worker, now) for o in outcomes])
            sent = [o.message.id for o in outcomes if o.result.ok]
            if sent:
                await session.execute(update(M).where(M.id.in_(sent)).values(
                    state=OutboxState.SENT.value, sent_at=now, last_error="", claimed_at=None,
                    claimed_by=None))
            for o in outcomes:
                if not o.result.ok:
                    await session.execute(_result(o.message, o.result, worker, now,
                                                  o.retry_at))
            for appeal_id, decision_id in flags:
                if (appeal := appeals[appeal_id]) is not None:
                    await refresh_delivery(session, appeal, decision_id, now=now,
                                           actor=OUTBOX_ACTOR)

    async def release_stale(self, *, claimed_before: datetime, now: datetime,
                            max_attempts: int) -> int:
        async with self._db.transaction() as session:
            stale = (await session.execute(select(M.id, M.appeal_id).where(
                M.state == OutboxState.SENDING.value, M.claimed_at < claimed_before))).all()
        for message_id, appeal_id in stale:
            await self._release(message_id, appeal_id, claimed_before, now, max_attempts)
        return len(stale)

    async def _release(self, message_id: int, appeal_id: int | None, claimed_before: datetime,
                       now: datetime, max_attempts: int) -> None:
        async with self._db.transaction() as session:
            appeal = await lock_appeal(session, appeal_id) if appeal_id is not None else None
            row = await session.get(M, message_id, with_for_update=True)
            if row is None or row.state != OutboxState.SENDING or row.claimed_at is None \
                    or row.claimed_at >= claimed_before:
                return  # its worker finished after all
            lost = DeliveryResult(ok=False, error=f"worker {row.claimed_by} did not record a "
                                  "result within the lease: sending again with the same key")
            session.add(_attempt(message_of(row), lost, "lease", now))
            row.state = (OutboxState.DEAD if row.attempts >= max_attempts
                         else OutboxState.PENDING).value
            row.next_attempt_at, row.last_error = now, lost.error
            row.claimed_at = row.claimed_by = None
            if appeal is not None and row.required and row.decision_id is not None:
                await session.flush()
                await refresh_delivery(session, appeal, row.decision_id, now=now,
                                       actor=OUTBOX_ACTOR)

    async def messages(self, *, state: str | None, limit: int) -> list[OutboxRow]:
        query = (select(M, Appeal.number, ContractorRow.code)
                 .outerjoin(Appeal, Appeal.id == M.appeal_id)
                 .outerjoin(ContractorRow, ContractorRow.id == M.contractor_id)
                 .order_by(M.id.desc()).limit(limit))
        if state is not None:
            query = query.where(M.state == state)
        async with self._db.transaction() as session:
            return [_row(m, number, code) for m, number, code in
                    (await session.execute(query)).all()]

    async def attempts(self, *, contractor: str | None, limit: int) -> list[DeliveryAttempt]:
        query = (select(A, ContractorRow.code, Appeal.number)
                 .join(M, M.id == A.outbox_id)
                 .outerjoin(ContractorRow, ContractorRow.id == A.contractor_id)
                 .outerjoin(Appeal, Appeal.id == M.appeal_id)
                 .order_by(A.id.desc()).limit(limit))
        if contractor is not None:
            query = query.where(ContractorRow.code == contractor)
        async with self._db.transaction() as session:
            rows = (await session.execute(query)).all()
        return [DeliveryAttempt(
            at=a.at, message_id=a.outbox_id, attempt=a.attempt, channel=a.channel,
            recipient=a.recipient, ok=a.ok, code=a.response_code, text=a.response_text,
            error=a.error, duration_ms=a.duration_ms, worker=a.worker, contractor=code,
            appeal_number=number) for a, code, number in rows]

    async def resend(self, message_id: int, *, actor: str, now: datetime) -> OutboxRow:
        async with self._db.transaction() as session:
            found = await session.scalar(select(M.appeal_id).where(M.id == message_id))
            appeal = await lock_appeal(session, found) if found is not None else None
            row = await session.get(M, message_id, with_for_update=True)
            if row is None or row.state != OutboxState.DEAD:
                raise MessageNotFound(message_id)
            row.state, row.attempts, row.next_attempt_at = OutboxState.PENDING.value, 0, now
            if appeal is not None:
                session.add(AppealHistory(
                    appeal_id=appeal.id, at=now, actor=actor, action="resend", from_status=None,
                    to_status=None, comment=f"{row.channel} {row.recipient}: {row.last_error}"))
                if row.required and row.decision_id is not None:
                    await session.flush()
                    await refresh_delivery(session, appeal, row.decision_id, now=now,
                                           actor=actor)
            row.last_error = ""
            return _row(row, appeal.number if appeal else None, None)


def _result(message: OutboxMessage, result: DeliveryResult, worker: str, now: datetime,
            retry_at: datetime | None) -> Any:
    """Sent whoever holds it now; a failure only while it is still ours (if the lease expired
    and another worker took it, only the log keeps this attempt)."""
    released = {"claimed_at": None, "claimed_by": None}
    if result.ok:
        return update(M).where(M.id == message.id).values(
            state=OutboxState.SENT.value, sent_at=now, last_error="", **released)
    state = OutboxState.PENDING if retry_at else OutboxState.DEAD
    return (update(M).where(M.id == message.id, M.state == OutboxState.SENDING.value,
                            M.claimed_by == worker)
            .values(state=state.value, next_attempt_at=retry_at or now,
                    last_error=result.error[:TEXT_LIMIT], **released))


def _attempt_values(message: OutboxMessage, result: DeliveryResult, worker: str,
                    now: datetime) -> dict[str, Any]:
    return {"outbox_id": message.id, "contractor_id": message.contractor_id,
            "attempt": message.attempts, "at": now, "channel": message.channel,
            "recipient": message.recipient, "ok": result.ok, "response_code": result.code,
            "response_text": result.text[:TEXT_LIMIT], "error": result.error[:TEXT_LIMIT],
            "duration_ms": result.duration_ms, "worker": worker}


def _attempt(message: OutboxMessage, result: DeliveryResult, worker: str,
             now: datetime) -> DeliveryAttemptRow:
    return DeliveryAttemptRow(**_attempt_values(message, result, worker, now))


def _row(m: OutboxMessageRow, number: str | None, code: str | None) -> OutboxRow:
    return OutboxRow(id=m.id, key=m.idempotency_key, event=m.event, channel=m.channel,
                     recipient=m.recipient, state=m.state, attempts=m.attempts,
                     next_attempt_at=m.next_attempt_at, created_at=m.created_at,
                     last_error=m.last_error, appeal_number=number, contractor=code)

