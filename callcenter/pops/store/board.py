"""Read side of the supervisors' board: who is signed in at which seat, today's figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.pops.model.board import DailyFigures, Operator, daily_figures
from callcenter.users.tables import User, UserSession


async def signed_in_operators(db: Database, now: datetime) -> dict[str, Operator]:
    """Seat -> the user of the newest live session at that seat."""
    query = (select(UserSession.seat, User.username, User.display_name)
             .join(User, User.id == UserSession.user_id)
             .where(UserSession.seat.is_not(None), UserSession.revoked_at.is_(None),
                    UserSession.expires_at > now, User.active.is_(True))
             .order_by(UserSession.created_at))
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    return {seat: Operator(username, display) for seat, username, display in rows if seat}


async def figures_since(db: Database, since: datetime) -> DailyFigures:
    """The board's daily figures over the calls that entered the queue since `since`."""
    query = (select(Call.queued_at, Call.answered_at, Call.outcome)
             .where(Call.queued_at.is_not(None), Call.queued_at >= since))
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    return daily_figures([(q, a, o) for q, a, o in rows])
