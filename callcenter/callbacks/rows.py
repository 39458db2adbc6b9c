"""Call-back figures other features' stores read (the contractors' page)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.tables import Appeal, AppealHistory

CONFIRMED, NOT_CONFIRMED = "callback_confirmed", "callback_not_confirmed"


async def confirmed_share(session: AsyncSession, contractor_id: int) -> tuple[int, int]:
    """(appeals the residents confirmed done, appeals checked with the residents) of a
    contractor's current appeals: the control calls' verdicts in the appeals' history."""
    query = (select(AppealHistory.action, func.count(func.distinct(AppealHistory.appeal_id)))
             .join(Appeal, Appeal.id == AppealHistory.appeal_id)
             .where(Appeal.contractor_id == contractor_id,
                    AppealHistory.action.in_((CONFIRMED, NOT_CONFIRMED)))
             .group_by(AppealHistory.action))
    counts = {action: int(count) for action, count in await session.execute(query)}
    confirmed = counts.get(CONFIRMED, 0)
    return confirmed, confirmed + counts.get(NOT_CONFIRMED, 0)
