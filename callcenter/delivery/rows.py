"""Outbox rows that other features' stores write inside their own transaction: routing
enqueues an assignment's messages in the transaction that records it (the transactional
outbox), after locking the appeal in the same order as the outbox workers do.

Like `tables.py`, open to every feature's store (DESIGN-NOTES.md, "The house").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.tables import Appeal
from callcenter.delivery.model.outbox import NewMessage, OutboxState
from callcenter.delivery.tables import OutboxMessageRow


async def insert_messages(session: AsyncSession, dialect: str, messages: Sequence[NewMessage],
                          *, appeal_id: int | None, decision_id: int | None,
                          contractor_id: int | None, at: datetime) -> list[NewMessage]:
    """Insert the messages whose idempotency key is new; return those inserted."""
    inserter = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = []
    for m in messages:
        statement = inserter(OutboxMessageRow).values(
            idempotency_key=m.key, event=m.event, channel=m.channel, recipient=m.recipient,
            secret_ref=m.secret_ref, payload=json.dumps(m.payload, ensure_ascii=False),
            appeal_id=appeal_id, decision_id=decision_id, contractor_id=contractor_id,
            required=m.required, state=OutboxState.PENDING.value, attempts=0,
            next_attempt_at=at, last_error="", created_at=at,
        ).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(OutboxMessageRow.id)
        if await session.scalar(statement) is not None:
            inserted.append(m)
    return inserted


async def lock_appeal(session: AsyncSession, appeal_id: int) -> Appeal | None:
    return await session.scalar(select(Appeal).where(Appeal.id == appeal_id)
                                .with_for_update().execution_options(populate_existing=True))
