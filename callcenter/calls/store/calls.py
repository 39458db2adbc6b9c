"""Applies the call tracker's facts to the database, idempotently, a batch per transaction.

A batch is grouped by call and each call's facts are merged in memory first (`call_changes`),
so that a batch costs a handful of statements whatever its size: one multi-row insert for the
calls it creates (already queued, answered, ended... if the batch says so), one select and
one executemany update for calls stored earlier, one select of their rings, one executemany of
the rings it closes and one ring insert, one counter update per year, one insert of appeals
and one of history rows. The result is what applying
the facts one at a time would give; applying a batch twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.model.facts import CallEnded, CallFact, LinkResynced
from callcenter.calls.store.auto_appeals import AutoAppeals
from callcenter.calls.store.changes import (
    RING_FACTS,
    ROW_COLUMNS,
    CallChanges,
    CallRow,
    CallScopedFact,
    Numbered,
    Ring,
    fold,
    from_entered,
)
from callcenter.calls.tables import Call, CallRing
from callcenter.core.database import Database, insert_ignore
from callcenter.core.tables import Base

CALLS = Base.metadata.tables[Call.__tablename__]
RINGS = Base.metadata.tables[CallRing.__tablename__]
Plans = dict[str, tuple[int, CallChanges]]  # linkedid -> (calls.id, changes)

UPDATE_CALL = (update(CALLS).where(CALLS.c.id == bindparam("pk"))
               .values({name: bindparam(f"new_{name}") for name in ROW_COLUMNS}))
CLOSE_RING = (update(RINGS).where(RINGS.c.id == bindparam("ring_pk"))
              .values(result=bindparam("new_result")))


class SqlCallStore:
    """The `CallStore` of services.intake on SQLAlchemy."""

    def __init__(self, db: Database, *, pbx: str, timezone: str) -> None:
        self._db = db
        self._pbx = pbx
        self._timezone = timezone
        self._years: set[int] = set()  # years whose counter row is known to exist

    async def apply(self, facts: Sequence[CallFact]) -> None:
        async with self._db.transaction() as session:
            batch = _Batch(session, pbx=self._pbx, dialect=self._db.dialect,
                           appeals=AutoAppeals(session, dialect=self._db.dialect,
                                               timezone=self._timezone,
                                               known_years=self._years))
            for part in _parts(facts):
                if isinstance(part, LinkResynced):
                    await batch.resynced(part)
                else:
                    await batch.write(part)
        self._years.update(batch.appeals.new_years)  # only committed rows may be remembered


def _parts(facts: Sequence[CallFact]) -> Iterator[list[CallScopedFact] | LinkResynced]:
    """Runs of call facts, and the resyncs between them (a resync sees what came before)."""
    run: list[CallScopedFact] = []
    for fact in facts:
        if not isinstance(fact, LinkResynced):
            run.append(fact)
            continue
        if run:
            yield run
            run = []
        yield fact
    if run:
        yield run


def _by_call(facts: list[CallScopedFact]) -> dict[str, list[Numbered]]:
    calls: dict[str, list[Numbered]] = {}
    for order, fact in enumerate(facts):
        calls.setdefault(fact.call_id, []).append((order, fact))
    return calls


class _Batch:
    """One transaction's writes."""

    def __init__(self, session: AsyncSession, *, pbx: str, dialect: str,
                 appeals: AutoAppeals) -> None:
        self._session = session
        self._pbx = pbx
        self._dialect = dialect
        self.appeals = appeals

    async def write(self, facts: list[CallScopedFact]) -> None:
        calls = _by_call(facts)
        new = await self._insert_new_calls(calls)
        stored = await self._update_stored_calls(
            {call_id: items for call_id, items in calls.items() if call_id not in new})
        await self._write_rings(new, stored)
        await self.appeals.settle(new=list(new.values()), stored=list(stored.values()))

    async def resynced(self, fact: LinkResynced) -> None:
        """Calls still open that Asterisk no longer has (a previous process's too) ended
        while the link was down."""
        lost = await self._session.scalars(
            select(CALLS.c.linkedid).where(CALLS.c.pbx == self._pbx, CALLS.c.ended_at.is_(None),
                                           CALLS.c.linkedid.not_in(fact.live_call_ids))
            .order_by(CALLS.c.id))
        await self.write([CallEnded(call_id, fact.at, "unknown", None, "", link_down=True)
                          for call_id in lost.all()])

    # -- calls ---------------------------------------------------------------------------

    async def _insert_new_calls(self, calls: dict[str, list[Numbered]]) -> Plans:
        """Insert every call with a `CallEntered`, merged with its later facts; a row that
        exists already is left alone here (ON CONFLICT DO NOTHING on pbx, linkedid)."""
        planned = {call_id: changes for call_id, items in calls.items()
                   if (changes := from_entered(items)) is not None}
        if not planned:
            return {}
        rows = [self._new_row(call_id, changes) for call_id, changes in
                sorted(planned.items(), key=lambda item: item[1].entered_order)]
        inserted = await self._session.execute(
            insert_ignore(self._dialect, CALLS).returning(CALLS.c.id, CALLS.c.linkedid), rows)
        return {linkedid: (int(pk), planned[linkedid]) for pk, linkedid in inserted}

    def _new_row(self, call_id: str, changes: CallChanges) -> dict[str, Any]:
        entered = changes.entered
        assert entered is not None
        return {"pbx": self._pbx, "linkedid": call_id, "trunk": entered.trunk,
                "line": entered.line, "channel": entered.channel, "caller": entered.caller,
                "caller_raw": entered.caller_raw, "caller_name": entered.caller_name,
                "carrier": entered.carrier, "entered_at": entered.at,
                "resynced": entered.resynced, **changes.row.values()}

    async def _update_stored_calls(self, calls: dict[str, list[Numbered]]) -> Plans:
        """Calls stored before: their rows as found (locked on PostgreSQL), the batch's
        facts merged over them, one UPDATE statement for all that changed."""
        if not calls:
            return {}
        found = (await self._session.execute(
            select(CALLS.c.id, CALLS.c.linkedid, *(CALLS.c[name] for name in ROW_COLUMNS))
            .where(CALLS.c.pbx == self._pbx, CALLS.c.linkedid.in_(list(calls)))
            .order_by(CALLS.c.id).with_for_update())).all()
        ringing = [row.id for row in found
                   if any(isinstance(fact, RING_FACTS) for _, fact in calls[row.linkedid])]
        rings = await self._stored_rings(ringing)
        plans: Plans = {}
        updates = []
        for row in found:
            before = {name: row._mapping[name] for name in ROW_COLUMNS}
            changes = fold(calls[row.linkedid], CallRow(**before), rings.get(row.id, ()))
            plans[row.linkedid] = (row.id, changes)
            if changes.row != CallRow(**before):
                updates.append({"pk": row.id, **{f"new_{name}": value for name, value
                                                 in changes.row.values().items()}})
        if updates:
            await self._session.execute(UPDATE_CALL, updates)
        return plans

    async def _stored_rings(self, call_pks: list[int]) -> dict[int, list[Ring]]:
        """The rings of these calls, in id order (their rows are locked already)."""
        if not call_pks:
            return {}
        rows = await self._session.execute(
            select(RINGS.c.id, RINGS.c.call_id, RINGS.c.seat, RINGS.c.rang_at, RINGS.c.result)
            .where(RINGS.c.call_id.in_(call_pks)).order_by(RINGS.c.id))
        rings: dict[int, list[Ring]] = {}
        for pk, call_pk, seat, rang_at, result in rows:
            rings.setdefault(call_pk, []).append(Ring(seat, rang_at, result, pk=pk))
        return rings

    # -- rings ---------------------------------------------------------------------------

    async def _write_rings(self, new: Plans, stored: Plans) -> None:
        """The stored rings the batch closed (one executemany), then its new rings, in the
        order they rang (one insert). A new call has no stored ring."""
        closes = [{"ring_pk": ring.pk, "new_result": ring.result}
                  for _, changes in stored.values() for ring in changes.closed_rings]
        if closes:
            await self._session.execute(CLOSE_RING, closes)
        rings = sorted(((ring.order, pk, ring) for pk, changes in [*new.values(),
                                                                   *stored.values()]
                        for ring in changes.new_rings), key=lambda item: item[0])
        if rings:
            await self._session.execute(insert(RINGS), [
                {"call_id": pk, "seat": ring.seat, "rang_at": ring.rang_at,
                 "result": ring.result} for _, pk, ring in rings])
