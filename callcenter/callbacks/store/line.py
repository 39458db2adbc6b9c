"""The dialer's side (the process holding the AMI link): take asked call-backs, record their
failures, and keep the outbound call's row in `calls` (direction `outbound`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, select, update

from callcenter.callbacks.model import CallFact
from callcenter.callbacks.service import PendingCall
from callcenter.callbacks.tables import CallbackAttempt
from callcenter.calls.tables import Call
from callcenter.core import phones
from callcenter.core.database import Database, insert_ignore
from callcenter.core.tables import Base

CALLS = Base.metadata.tables[Call.__tablename__]


class SqlCallbackLine:
    def __init__(self, db: Database, *, pbx: str) -> None:
        self._db = db
        self._pbx = pbx

    async def take_pending(self, now: datetime, limit: int) -> list[PendingCall]:
        query = (select(CallbackAttempt.id, CallbackAttempt.seat, CallbackAttempt.phone)
                 .where(CallbackAttempt.state == "pending").order_by(CallbackAttempt.id)
                 .limit(limit))
        async with self._db.reading() as session:
            pending = (await session.execute(query)).all()
        taken = []
        for attempt_id, seat, phone in pending:
            async with self._db.transaction() as session:
                result = await session.execute(update(CallbackAttempt).where(
                    CallbackAttempt.id == attempt_id, CallbackAttempt.state == "pending")
                    .values(state="originating", updated_at=now))
            if result.rowcount:  # type: ignore[attr-defined]
                taken.append(PendingCall(attempt_id, seat, phone))
        return taken

    async def failed(self, attempt_id: int, error: str, now: datetime) -> None:
        async with self._db.transaction() as session:
            await session.execute(update(CallbackAttempt).where(
                CallbackAttempt.id == attempt_id,
                CallbackAttempt.state.in_(("pending", "originating")))
                .values(state="failed", error=error, updated_at=now))

    async def write(self, fact: CallFact) -> None:
        if fact.kind == "started":
            await self._started(fact)
            return
        values: dict[str, object]
        if fact.kind == "answered":
            values = {"answered_at": fact.at, "outcome": "answered"}
        elif fact.kind == "recording":
            values = {"recording_path": fact.path}
        else:
            values = {"ended_at": fact.at, "cause": fact.cause, "cause_text": fact.cause_text,
                      "outcome": case((CALLS.c.answered_at.is_(None), "failed"),
                                      else_="answered")}
        async with self._db.transaction() as session:
            await session.execute(update(CALLS).where(
                CALLS.c.pbx == self._pbx, CALLS.c.linkedid == fact.linkedid,
                CALLS.c.direction == "outbound").values(**values))

    async def _started(self, fact: CallFact) -> None:
        async with self._db.transaction() as session:
            attempt = await session.get(CallbackAttempt, fact.attempt_id)
            if attempt is None:
                return
            row = {"pbx": self._pbx, "linkedid": fact.linkedid, "trunk": "", "line": "",
                   "channel": fact.channel, "caller": attempt.phone,
                   "caller_raw": attempt.phone, "caller_name": None,
                   "carrier": phones.carrier_of(attempt.phone), "entered_at": fact.at,
                   "operator": attempt.seat, "outcome": "in_progress", "cause_text": "",
                   "resynced": False, "link_down": False, "direction": "outbound"}
            await session.execute(insert_ignore(self._db.dialect, CALLS).values(**row))
            call_id = await session.scalar(select(CALLS.c.id).where(
                CALLS.c.pbx == self._pbx, CALLS.c.linkedid == fact.linkedid))
            attempt.state, attempt.error, attempt.call_id = "connected", None, call_id
            attempt.updated_at = fact.at

    async def lost(self, linkedids: list[str], at: datetime) -> None:
        """The link went down during these calls: their ends were not seen."""
        async with self._db.transaction() as session:
            await session.execute(update(CALLS).where(
                CALLS.c.pbx == self._pbx, CALLS.c.linkedid.in_(linkedids),
                CALLS.c.ended_at.is_(None)).values(ended_at=at, link_down=True, outcome=case(
                    (CALLS.c.answered_at.is_(None), "unknown"), else_="answered")))
