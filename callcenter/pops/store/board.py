"""Read side of the supervisors' board: who is signed in at which seat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from callcenter.core.database import Database
from callcenter.pops.model.board import Operator
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
