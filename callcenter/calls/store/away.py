"""The calls a resync closed as `unknown` or adopted: what the queue_log reconciler asks."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from callcenter.calls.model.facts import LinkResynced
from callcenter.calls.service.reconciler import AwayCall
from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.core.tables import Base

CALLS = Base.metadata.tables[Call.__tablename__]


class SqlAwayCalls:
    """The `AwayCalls` of services.reconciler on SQLAlchemy."""

    def __init__(self, db: Database, *, pbx: str) -> None:
        self._db = db
        self._pbx = pbx

    async def away_calls(self, resync: LinkResynced) -> list[AwayCall]:
        """Closed by this resync (its time, `unknown`, `link_down`: the tracker's closes and
        the store's of calls a previous process left open), or adopted and live at it."""
        closed = and_(CALLS.c.ended_at == resync.at, CALLS.c.outcome == "unknown",
                      CALLS.c.link_down.is_(True))
        adopted = and_(CALLS.c.resynced.is_(True),
                       CALLS.c.linkedid.in_(sorted(resync.live_call_ids)))
        async with self._db.reading() as session:
            rows = await session.execute(
                select(CALLS.c.linkedid, CALLS.c.entered_at)
                .where(CALLS.c.pbx == self._pbx, or_(closed, adopted)).order_by(CALLS.c.id))
            return [AwayCall(linkedid, entered_at) for linkedid, entered_at in rows]
