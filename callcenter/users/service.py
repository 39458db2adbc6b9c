"""Users, sign-in and revocable sessions (cookie for pages, bearer token for API clients)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import structlog
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from callcenter.users.model import (
    AccountLocked,
    InvalidUser,
    NotSignedIn,
    Principal,
    Role,
    SessionRecord,
    SignInFailed,
    UserRecord,
    check_password,
    check_role,
    check_seat,
    check_username,
    principal_of,
)

log = structlog.get_logger("callcenter.auth")


class UserStore(Protocol):
    async def add_user(self, *, username: str, display_name: str, role: Role,
                       password_hash: str, default_seat: str | None, contractor: str | None,
                       at: datetime) -> int: ...

    async def find_user(self, username: str) -> UserRecord | None: ...

    async def list_users(self) -> list[UserRecord]: ...

    async def update_user(self, user_id: int, **values: object) -> None: ...

    async def create_session(self, *, user_id: int, token_hash: str, kind: str,
                             seat: str | None, csrf_token: str, client: str, at: datetime,
                             expires_at: datetime) -> int: ...

    async def find_session(self, token_hash: str, now: datetime) -> SessionRecord | None: ...

    async def revoke_session(self, token_hash: str, at: datetime) -> None: ...

    async def revoke_user_sessions(self, user_id: int, at: datetime) -> int: ...


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str
    principal: Principal
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SignInPolicy:
    session_hours: float = 12.0
    attempts: int = 5
    lockout_seconds: float = 300.0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC)


class Auth:
    def __init__(self, store: UserStore, *, policy: SignInPolicy | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.policy = policy or SignInPolicy()
        self._clock = clock
        self._hasher = PasswordHash((Argon2Hasher(),))
        self._dummy = self._hasher.hash(secrets.token_hex(16))

    # -- users --------------------------------------------------------------------------

    async def add_user(self, *, username: str, password: str, role: str,
                       display_name: str = "", seat: str | None = None,
                       contractor: str | None = None) -> int:
        name = check_username(username)
        kind = check_role(role)
        if kind is Role.CONTRACTOR and not contractor:
            raise InvalidUser("a contractor user needs --contractor (the contractor's code)")
        if await self.store.find_user(name) is not None:
            raise InvalidUser(f"user {name!r} already exists")
        hashed = await asyncio.to_thread(self._hasher.hash, check_password(password))
        return await self.store.add_user(
            username=name, display_name=display_name.strip() or name, role=kind,
            password_hash=hashed, default_seat=check_seat(seat), contractor=contractor,
            at=self._clock())

    async def set_password(self, username: str, password: str) -> None:
        user = await self._existing(username)
        hashed = await asyncio.to_thread(self._hasher.hash, check_password(password))
        await self.store.update_user(user.id, password_hash=hashed, failed_sign_ins=0,
                                     locked_until=None)
        await self.store.revoke_user_sessions(user.id, self._clock())

    async def set_active(self, username: str, active: bool) -> None:
        user = await self._existing(username)
        await self.store.update_user(user.id, active=active)
        if not active:
            await self.store.revoke_user_sessions(user.id, self._clock())

    async def set_seat(self, username: str, seat: str | None) -> None:
        user = await self._existing(username)
        await self.store.update_user(user.id, default_seat=check_seat(seat))

    async def revoke_all(self, username: str) -> int:
        user = await self._existing(username)
        return await self.store.revoke_user_sessions(user.id, self._clock())

    async def _existing(self, username: str) -> UserRecord:
        user = await self.store.find_user(check_username(username))
        if user is None:
            raise InvalidUser(f"no user {username!r}")
        return user

    # -- sign-in ------------------------------------------------------------------------

    async def sign_in(self, *, username: str, password: str, seat: str | None = None,
                      kind: str = "cookie", client: str = "") -> SignedIn:
        user = await self.store.find_user(username.strip().lower())
        now = self._clock()
        if user is None:
            await asyncio.to_thread(self._hasher.verify, password, self._dummy)
            raise SignInFailed("wrong user name or password")
        if user.locked_until is not None and user.locked_until > now:
            raise AccountLocked(user.locked_until)
        valid = await asyncio.to_thread(self._hasher.verify, password, user.password_hash)
        if not valid or not user.active:
            await self._failed(user, now, client)
            raise SignInFailed("wrong user name or password")
        return await self._open_session(user, seat=seat, kind=kind, client=client, now=now)

    async def _failed(self, user: UserRecord, now: datetime, client: str) -> None:
        failures = user.failed_sign_ins + 1
        locked = None
        if failures >= self.policy.attempts:
            locked = now + timedelta(seconds=self.policy.lockout_seconds)
            failures = 0
        await self.store.update_user(user.id, failed_sign_ins=failures, locked_until=locked)
        log.warning("sign_in_failed", user=user.username, client=client,
                    locked=locked is not None)

    async def _open_session(self, user: UserRecord, *, seat: str | None, kind: str,
                            client: str, now: datetime) -> SignedIn:
        chosen = check_seat(seat) or user.default_seat
        if user.role is not Role.OPERATOR:
            chosen = check_seat(seat)
        token = secrets.token_urlsafe(32)
        expires = now + timedelta(hours=self.policy.session_hours)
        csrf = secrets.token_urlsafe(24)
        if user.failed_sign_ins or user.locked_until:
            await self.store.update_user(user.id, failed_sign_ins=0, locked_until=None)
        session_id = await self.store.create_session(
            user_id=user.id, token_hash=token_hash(token), kind=kind, seat=chosen,
            csrf_token=csrf, client=client[:128], at=now, expires_at=expires)
        record = SessionRecord(session_id, user, chosen, csrf, expires)
        log.info("signed_in", user=user.username, seat=chosen, kind=kind)
        return SignedIn(token, principal_of(record), expires)

    async def principal(self, token: str | None) -> Principal:
        if not token:
            raise NotSignedIn("sign in first")
        session = await self.store.find_session(token_hash(token), self._clock())
        if session is None or not session.user.active:
            raise NotSignedIn("the session has expired or was ended; sign in again")
        return principal_of(session)

    async def sign_out(self, token: str) -> None:
        await self.store.revoke_session(token_hash(token), self._clock())
