"""The baseline of "route and enqueue": the same rows written with bare SQLAlchemy Core.

Per appeal, in one transaction of our `Database` (the engine, PRAGMAs and writer lock the
design mandates): read the appeal (FOR UPDATE on PostgreSQL), update it, insert the history
row, the routing decision and one outbox row per channel of the contractor. The decisions are
computed beforehand (not timed), so the ratio to this is the cost of routing, the ORM unit of
work, our services and payload building: what we control.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from _routing_runs import Figure, _in_parallel
from _routing_seed import facts, rules, seed
from sqlalchemy import insert, select, update

from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.contractors.store.contractors import SqlContractorStore
from callcenter.core.database import Database
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.routing.model.policy import route
from callcenter.routing.tables import RoutingDecisionRow

PAYLOAD = json.dumps({"event": "appeal.assigned", "appeal": {
    "number": "2026-000001", "category": "water_pipe_burst", "address": "вул. Незалежності, 5",
    "description": "Тече вода з-під асфальту", "resident_phone": "+38067***4567"}},
    ensure_ascii=False)


@dataclass(frozen=True)
class Write:
    appeal_id: int
    contractor_id: int
    channels: tuple[str, ...]
    rule_id: str | None
    reason: str
    priority: str
    deadline: datetime
    at: datetime


async def plan(url: str, rows: list[dict[str, Any]]) -> list[Write]:
    """Seed a fresh database like the measured run and decide every appeal (not timed)."""
    db = await seed(url, rows)
    contractors = {c.code: c for c in await SqlContractorStore(db).all()}
    await db.close()
    sample = rules()
    writes = []
    for appeal_id, (fact, at) in enumerate(facts(rows), start=1):
        decision = route(fact, sample, at)
        chosen = contractors.get(decision.contractor) or contractors[sample.coordinator]
        assert chosen.id is not None
        writes.append(Write(appeal_id, chosen.id, chosen.channels, decision.rule_id,
                            decision.reason, decision.priority, decision.deadline, at))
    return writes


async def write_all(url: str, writes: list[Write], concurrency: int) -> Figure:
    db = Database(url)
    start = time.perf_counter()
    await _in_parallel(writes, concurrency, lambda w: _write(db, w))
    seconds = time.perf_counter() - start
    await db.close()
    return Figure(len(writes), seconds, f"SQLAlchemy Core, {concurrency} at once")


async def _write(db: Database, w: Write) -> None:
    async with db.transaction() as session:
        await session.scalar(select(Appeal.status).where(Appeal.id == w.appeal_id)
                             .with_for_update())
        await session.execute(update(Appeal).where(Appeal.id == w.appeal_id).values(
            status="assigned", contractor_id=w.contractor_id, priority=w.priority,
            deadline=w.deadline, delivery="pending", assigned_at=w.at, updated_at=w.at))
        await session.execute(insert(AppealHistory).values(
            appeal_id=w.appeal_id, at=w.at, actor="system", action="assigned",
            from_status="registered", to_status="assigned", comment=w.reason))
        decision = await session.scalar(insert(RoutingDecisionRow).values(
            appeal_id=w.appeal_id, contractor_id=w.contractor_id, rule_id=w.rule_id,
            reason=w.reason, priority=w.priority, deadline=w.deadline, callback=False,
            fallback=False, duty=False, emergency_contacts="[]", actor="system", at=w.at,
        ).returning(RoutingDecisionRow.id))
        for channel in w.channels:
            await session.execute(insert(OutboxMessageRow).values(
                idempotency_key=f"bare:{w.appeal_id}:{channel}", event="appeal.assigned",
                channel=channel, recipient="x", payload=PAYLOAD, appeal_id=w.appeal_id,
                decision_id=decision, contractor_id=w.contractor_id, required=True,
                state="pending", attempts=0, next_attempt_at=w.at, last_error="",
                created_at=w.at))
