"""Users, sign-in and revocable sessions (cookie for pages, bearer token for API clients)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

import structlog
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from callcenter.core.throttle import MemoryStrikes, Strikes, StrikeStore, failed
from callcenter.users.model import (
    InvalidUser,
    NotSignedIn,
    Principal,
    Role,
    SessionRecord,
    SignInFailed,
    SignInLimits,
    SignInThrottled,
    UserRecord,
    check_password,
    check_role,
    check_seat,
    check_username,
    principal_of,
    sign_in_keys,
    sign_in_wait,
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
    limits: SignInLimits = field(default_factory=SignInLimits)


class SignInThrottle:
    """Growing delays per client address and per user name (callcenter/core/throttle.py)."""

    def __init__(self, limits: SignInLimits, store: StrikeStore | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.store = store or MemoryStrikes()
        self.clock = clock

    async def attempt(self, keys: list[str]) -> dict[str, Strikes]:
        """Refuse (SignInThrottled) while the address must wait; else count the attempt as a
        failure at once, so that guesses sent in parallel cannot all pass before the first is
        counted. Returns the strikes as they were, for `succeeded`."""
        before = await self.store.strikes(keys)
        address, name = keys
        now = self.clock()
        wait = sign_in_wait(self.limits, before.get(address), before.get(name), now)
        if wait > 0:
            raise SignInThrottled(wait)
        await self.store.save({address: failed(before.get(address), self.limits.address, now),
                               name: failed(before.get(name), self.limits.name, now)})
        return before

    async def succeeded(self, keys: list[str], before: dict[str, Strikes]) -> None:
        """The right password: the name starts clean, the address is as it was before."""
        address, name = keys
        await self.store.clear([name] if address in before else keys)
        if address in before:
            await self.store.save({address: before[address]})


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC)


class Auth:
    def __init__(self, store: UserStore, *, policy: SignInPolicy | None = None,
                 clock: Callable[[], datetime] = utc_now,
                 throttle: SignInThrottle | None = None) -> None:
        self.store = store
        self.policy = policy or SignInPolicy()
        self.throttle = throttle or SignInThrottle(self.policy.limits)
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

    async def users(self) -> list[UserRecord]:
        return await self.store.list_users()

    async def display_names(self) -> dict[str, str]:
        """User name -> display name, and the same for each usual seat (for pages, which
        name people instead of showing user names and seats)."""
        names: dict[str, str] = {}
        for user in await self.store.list_users():
            names[user.username] = user.display_name
            if user.default_seat:
                names[user.default_seat] = user.display_name
        return names

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
        """Known and unknown names alike: the same throttle, the same argon2 verification, the
        same refusal, so no answer tells whether a name exists."""
        name = username.strip().lower()
        keys = sign_in_keys(client, name)
        before = await self.throttle.attempt(keys)
        user = await self.store.find_user(name)
        hashed = user.password_hash if user is not None else self._dummy
        valid = await asyncio.to_thread(self._hasher.verify, password, hashed)
        if user is None or not valid or not user.active:
            log.warning("sign_in_failed", user=name[:64], client=client)
            raise SignInFailed("wrong user name or password")
        await self.throttle.succeeded(keys, before)
        return await self._open_session(user, seat=seat, kind=kind, client=client,
                                         now=self._clock())

    async def _open_session(self, user: UserRecord, *, seat: str | None, kind: str,
                            client: str, now: datetime) -> SignedIn:
        chosen = check_seat(seat) or user.default_seat
        if user.role is not Role.OPERATOR:
            chosen = check_seat(seat)
        token = secrets.token_urlsafe(32)
        expires = now + timedelta(hours=self.policy.session_hours)
        csrf = secrets.token_urlsafe(24)
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
