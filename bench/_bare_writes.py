"""The baseline of "route and enqueue": the same rows written with the bare driver.

Per appeal, in one transaction: read the appeal (FOR UPDATE on PostgreSQL), update it, insert
the history row, the routing decision and one outbox row per channel of the contractor. The
decisions are computed beforehand (not timed), so this is what the database and its driver
cost without routing, SQLAlchemy, our services and payload building.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite
import asyncpg
from _routing_runs import Figure, _in_parallel
from _routing_seed import facts, rules, seed
from sqlalchemy.engine import make_url

from callcenter.db.contractor_store import SqlContractorStore
from callcenter.domain.routing import route

PAYLOAD = json.dumps({"event": "appeal.assigned", "appeal": {
    "number": "2026-000001", "category": "water_leak", "address": "вул. Незалежності, 5",
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
    if url.startswith("sqlite"):
        return await _sqlite(str(make_url(url).database), writes)
    return await _postgres(url, writes, concurrency)


def _naive(value: datetime) -> str:
    """As SQLAlchemy stores timestamps on SQLite: naive UTC text."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


async def _sqlite(path: str, writes: list[Write]) -> Figure:
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
            await conn.execute(f"PRAGMA {pragma}")
        start = time.perf_counter()
        for w in writes:
            await _sqlite_one(conn, w)
        seconds = time.perf_counter() - start
    return Figure(len(writes), seconds, "aiosqlite, 1 writer")


async def _sqlite_one(conn: aiosqlite.Connection, w: Write) -> None:
    at, deadline = _naive(w.at), _naive(w.deadline)
    await conn.execute("BEGIN IMMEDIATE")
    await (await conn.execute("SELECT status FROM appeals WHERE id = ?", (w.appeal_id,))
           ).fetchone()
    await conn.execute(
        "UPDATE appeals SET status = 'assigned', contractor_id = ?, priority = ?, deadline = ?,"
        " delivery = 'pending', assigned_at = ?, updated_at = ? WHERE id = ?",
        (w.contractor_id, w.priority, deadline, at, at, w.appeal_id))
    await conn.execute(
        "INSERT INTO appeal_history (appeal_id, at, actor, action, from_status, to_status,"
        " comment) VALUES (?, ?, 'system', 'assigned', 'registered', 'assigned', ?)",
        (w.appeal_id, at, w.reason))
    cursor = await conn.execute(
        "INSERT INTO routing_decisions (appeal_id, contractor_id, rule_id, reason, priority,"
        " deadline, callback, fallback, duty, emergency_contacts, actor, at)"
        " VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, '[]', 'system', ?)",
        (w.appeal_id, w.contractor_id, w.rule_id, w.reason, w.priority, deadline, at))
    for channel in w.channels:
        await conn.execute(
            "INSERT INTO outbox (idempotency_key, event, channel, recipient, payload, appeal_id,"
            " decision_id, contractor_id, required, state, attempts, next_attempt_at,"
            " last_error, created_at) VALUES (?, 'appeal.assigned', ?, 'x', ?, ?, ?, ?, 1,"
            " 'pending', 0, ?, '', ?) ON CONFLICT DO NOTHING",
            (f"bare:{w.appeal_id}:{channel}", channel, PAYLOAD, w.appeal_id,
             cursor.lastrowid, w.contractor_id, at, at))
    await conn.execute("COMMIT")


async def _postgres(url: str, writes: list[Write], concurrency: int) -> Figure:
    dsn = url.replace("postgresql+asyncpg", "postgresql")
    pool = await asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency)
    try:
        start = time.perf_counter()
        await _in_parallel(writes, concurrency, lambda w: _postgres_one(pool, w))
        seconds = time.perf_counter() - start
    finally:
        await pool.close()
    return Figure(len(writes), seconds, f"asyncpg, {concurrency} connections")


async def _postgres_one(pool: asyncpg.Pool, w: Write) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.fetchval("SELECT status FROM appeals WHERE id = $1 FOR UPDATE", w.appeal_id)
        await conn.execute(
            "UPDATE appeals SET status = 'assigned', contractor_id = $1, priority = $2,"
            " deadline = $3, delivery = 'pending', assigned_at = $4, updated_at = $4"
            " WHERE id = $5", w.contractor_id, w.priority, w.deadline, w.at, w.appeal_id)
        await conn.execute(
            "INSERT INTO appeal_history (appeal_id, at, actor, action, from_status, to_status,"
            " comment) VALUES ($1, $2, 'system', 'assigned', 'registered', 'assigned', $3)",
            w.appeal_id, w.at, w.reason)
        decision = await conn.fetchval(
            "INSERT INTO routing_decisions (appeal_id, contractor_id, rule_id, reason, priority,"
            " deadline, callback, fallback, duty, emergency_contacts, actor, at)"
            " VALUES ($1, $2, $3, $4, $5, $6, false, false, false, '[]', 'system', $7)"
            " RETURNING id", w.appeal_id, w.contractor_id, w.rule_id, w.reason, w.priority,
            w.deadline, w.at)
        for channel in w.channels:
            await conn.execute(
                "INSERT INTO outbox (idempotency_key, event, channel, recipient, payload,"
                " appeal_id, decision_id, contractor_id, required, state, attempts,"
                " next_attempt_at, last_error, created_at) VALUES ($1, 'appeal.assigned', $2,"
                " 'x', $3, $4, $5, $6, true, 'pending', 0, $7, '', $7)"
                " ON CONFLICT DO NOTHING", f"bare:{w.appeal_id}:{channel}", channel, PAYLOAD,
                w.appeal_id, decision, w.contractor_id, w.at)

