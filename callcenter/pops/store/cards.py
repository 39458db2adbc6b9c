"""The database side of screen-pop cards: the `CardSource` of services.pops."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.model import statuses as appeals
from callcenter.appeals.tables import Appeal
from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.outages.rows import outages_at
from callcenter.pops.model.cards import (
    OPEN_LIMIT,
    OUTAGE_LIMIT,
    PREVIOUS_LIMIT,
    UNFINISHED_LIMIT,
    AppealLine,
    CallHistory,
    distinct_addresses,
    outage_line,
)

RECENT_ROWS = 50  # the caller's most recent appeals read for addresses
# Each of the caller's other appeals is listed once: finished (final, or the contractor has
# done its part: the answer is there to read out), unfinished (an earlier call's form never
# completed: the page folds them away) or open (everything else: still being worked on).
FINISHED = sorted({*appeals.FINAL, appeals.Status.DONE, appeals.Status.ON_CHECK})
UNFINISHED = sorted(appeals.COMPLETABLE)


def _line(appeal: Appeal) -> AppealLine:
    return AppealLine(number=appeal.number, opened_at=appeal.opened_at, status=appeal.status,
                      category=appeal.category, address=appeal.address, answer=appeal.answer)


class SqlCardSource:
    def __init__(self, db: Database, *, pbx: str, timezone: str = "Europe/Kyiv",
                 soon_hours: float = 24.0) -> None:
        self._db = db
        self._pbx = pbx
        self._timezone = timezone
        self._soon = soon_hours * 3600

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

        async def lines(where: ColumnElement[bool], limit: int) -> list[AppealLine]:
            query = select(Appeal).where(others, where).order_by(*newest).limit(limit)
            return [_line(a) for a in await session.scalars(query)]

        recent = await lines(true(), RECENT_ROWS)
        places = (await session.execute(
            select(Appeal.street, Appeal.house).where(others, Appeal.street.is_not(None),
                                                      Appeal.street_unlisted.is_(False))
            .order_by(*newest).limit(RECENT_ROWS))).all()
        hits = await outages_at(session, list(dict.fromkeys(
            (street, house) for street, house in places if street)), datetime.now(UTC),
            self._soon)
        unfinished = Appeal.status.in_(UNFINISHED)
        unfinished_total = await session.scalar(
            select(func.count()).select_from(Appeal).where(others, unfinished))
        return CallHistory(
            number, status,
            previous=tuple(await lines(Appeal.status.in_(FINISHED), PREVIOUS_LIMIT)),
            open=tuple(await lines(Appeal.status.not_in([*FINISHED, *UNFINISHED]),
                                   OPEN_LIMIT)),
            addresses=distinct_addresses(recent),
            unfinished=tuple(await lines(unfinished, UNFINISHED_LIMIT)),
            unfinished_total=unfinished_total or 0,
            outages=tuple(outage_line(h, self._timezone) for h in hits[:OUTAGE_LIMIT]))
