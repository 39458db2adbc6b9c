"""Users and sessions on SQLAlchemy: the `UserStore` of services.auth."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from callcenter.core.database import Database
from callcenter.users.model import Role, SessionRecord, UserRecord
from callcenter.users.tables import User, UserSession


def _record(user: User) -> UserRecord:
    return UserRecord(id=user.id, username=user.username, display_name=user.display_name,
                      role=Role(user.role), password_hash=user.password_hash,
                      default_seat=user.default_seat, contractor=user.contractor,
                      active=user.active, failed_sign_ins=user.failed_sign_ins,
                      locked_until=user.locked_until)


class SqlUserStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_user(self, *, username: str, display_name: str, role: Role,
                       password_hash: str, default_seat: str | None, contractor: str | None,
                       at: datetime) -> int:
        async with self._db.transaction() as session:
            user = User(username=username, display_name=display_name, role=role.value,
                        password_hash=password_hash, default_seat=default_seat,
                        contractor=contractor, active=True, failed_sign_ins=0, created_at=at)
            session.add(user)
            await session.flush()
            return user.id

    async def find_user(self, username: str) -> UserRecord | None:
        async with self._db.reading() as session:
            user = await session.scalar(select(User).where(User.username == username))
            return None if user is None else _record(user)

    async def list_users(self) -> list[UserRecord]:
        async with self._db.reading() as session:
            users = await session.scalars(select(User).order_by(User.username))
            return [_record(u) for u in users]

    async def update_user(self, user_id: int, **values: object) -> None:
        async with self._db.transaction() as session:
            await session.execute(update(User).where(User.id == user_id).values(**values))

    async def create_session(self, *, user_id: int, token_hash: str, kind: str,
                             seat: str | None, csrf_token: str, client: str, at: datetime,
                             expires_at: datetime) -> int:
        async with self._db.transaction() as session:
            new_id: int | None = await session.scalar(insert(UserSession).values(
                token_hash=token_hash, user_id=user_id, kind=kind, seat=seat,
                csrf_token=csrf_token, client=client, created_at=at,
                expires_at=expires_at).returning(UserSession.id))
            return int(new_id or 0)

    async def find_session(self, token_hash: str, now: datetime) -> SessionRecord | None:
        query = (select(UserSession, User).join(User, User.id == UserSession.user_id)
                 .where(UserSession.token_hash == token_hash,
                        UserSession.revoked_at.is_(None), UserSession.expires_at > now))
        async with self._db.reading() as session:
            row = (await session.execute(query)).first()
            if row is None:
                return None
            found, user = row
            return SessionRecord(found.id, _record(user), found.seat, found.csrf_token,
                                 found.expires_at)

    async def revoke_session(self, token_hash: str, at: datetime) -> None:
        async with self._db.transaction() as session:
            await session.execute(update(UserSession).where(
                UserSession.token_hash == token_hash, UserSession.revoked_at.is_(None))
                .values(revoked_at=at))

    async def revoke_user_sessions(self, user_id: int, at: datetime) -> int:
        async with self._db.transaction() as session:
            result = await session.execute(update(UserSession).where(
                UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
                .values(revoked_at=at))
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def signed_in_seats(self, now: datetime) -> dict[str, str]:
        """Seat -> user name of every live operator session (for the supervisors' board)."""
        query = (select(UserSession.seat, User.username)
                 .join(User, User.id == UserSession.user_id)
                 .where(UserSession.seat.is_not(None), UserSession.revoked_at.is_(None),
                        UserSession.expires_at > now)
                 .order_by(UserSession.created_at))
        async with self._db.reading() as session:
            return {seat: name for seat, name in (await session.execute(query)).all() if seat}
