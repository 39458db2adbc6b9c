"""Read side of appeals: the rows behind `callcenter appeals list`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from callcenter.db.engine import Database
from callcenter.db.models import Appeal, AppealHistory, Call
from callcenter.domain.listing import AppealListItem, HistoryItem


async def list_appeals(db: Database, *, since: datetime | None = None,
                       limit: int | None = None) -> list[AppealListItem]:
    query = (select(Appeal, Call).outerjoin(Call, Appeal.call_id == Call.id)
             .order_by(Appeal.opened_at, Appeal.id))
    if since is not None:
        query = query.where(Appeal.opened_at >= since)
    if limit is not None:
        query = query.limit(limit)
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    return [_item(appeal, call) for appeal, call in rows]


def _item(appeal: Appeal, call: Call | None) -> AppealListItem:
    return AppealListItem(
        number=appeal.number,
        status=appeal.status,
        channel=appeal.channel,
        caller=appeal.caller,
        caller_name=appeal.caller_name,
        opened_at=appeal.opened_at,
        line=call.line if call else None,
        trunk=call.trunk if call else None,
        carrier=call.carrier if call else None,
        call_id=call.linkedid if call else None,
        pbx=call.pbx if call else None,
        call_outcome=call.outcome if call else None,
        operator=call.operator if call else None,
        answered_at=call.answered_at if call else None,
        ended_at=call.ended_at if call else None,
        recording_path=call.recording_path if call else None,
        recording_problem=appeal.recording_problem,
    )


async def appeal_history(db: Database, number: str) -> list[HistoryItem]:
    query = (select(AppealHistory).join(Appeal, Appeal.id == AppealHistory.appeal_id)
             .where(Appeal.number == number).order_by(AppealHistory.id))
    async with db.reading() as session:
        rows = (await session.scalars(query)).all()
    return [HistoryItem(at=r.at, actor=r.actor, action=r.action, from_status=r.from_status,
                        to_status=r.to_status, comment=r.comment) for r in rows]
