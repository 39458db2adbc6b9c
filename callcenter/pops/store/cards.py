"""The database side of screen-pop cards: the `CardSource` of services.pops."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.model import statuses as appeals
from callcenter.appeals.tables import Appeal
from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.pops.model.cards import (
    OPEN_LIMIT,
    PREVIOUS_LIMIT,
    AppealLine,
    CallHistory,
    distinct_addresses,
)

RECENT_ROWS = 50  # the caller's most recent appeals read for "previous" and addresses
FINAL = [status.value for status in appeals.FINAL]


def _line(appeal: Appeal) -> AppealLine:
    return AppealLine(number=appeal.number, opened_at=appeal.opened_at, status=appeal.status,
                      category=appeal.category, address=appeal.address)


class SqlCardSource:
    def __init__(self, db: Database, *, pbx: str) -> None:
        self._db = db
        self._pbx = pbx

    async def histories(self, call_ids: Sequence[str]) -> Mapping[str, CallHistory]:
        """The history of each call of this PBX found in the database."""
        query = (select(Call.id, Call.linkedid, Call.caller)
                 .where(Call.pbx == self._pbx, Call.linkedid.in_(list(call_ids))))
        async with self._db.reading() as session:
            calls = (await session.execute(query)).all()
            return {linkedid: await self._history(session, pk, caller)
                    for pk, linkedid, caller in calls}

    async def _history(self, session: AsyncSession, call_pk: int,
                       caller: str | None) -> CallHistory:
        own = await session.scalar(select(Appeal).where(Appeal.auto_call_id == call_pk))
        number = own.number if own is not None else None
        status = own.status if own is not None else None
        if caller is None:
            return CallHistory(number, status)
        others = (Appeal.caller == caller) & ((Appeal.call_id != call_pk)
                                              | Appeal.call_id.is_(None))
        newest = (Appeal.opened_at.desc(), Appeal.id.desc())
        recent = [_line(a) for a in await session.scalars(
            select(Appeal).where(others).order_by(*newest).limit(RECENT_ROWS))]
        still_open = [_line(a) for a in await session.scalars(
            select(Appeal).where(others, Appeal.status.not_in(FINAL))
            .order_by(*newest).limit(OPEN_LIMIT))]
        return CallHistory(number, status, previous=tuple(recent[:PREVIOUS_LIMIT]),
                           open=tuple(still_open), addresses=distinct_addresses(recent))
