"""Who may do what: users, their roles and operator seats, and signed-in principals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from callcenter.core.errors import DomainError
from callcenter.core.throttle import DelayPolicy, Strikes, retry_after, wait_of

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# A queue member interface as Asterisk names it: technology/resource (PJSIP/op1001, SIP/op7).
SEAT = re.compile(r"^[A-Za-z][A-Za-z0-9]*/[^\s/]+$")
MIN_PASSWORD = 10


class Role(StrEnum):
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    CONTRACTOR = "contractor"
    ADMIN = "admin"


class InvalidUser(DomainError):
    error_id = "invalid_user"


class SignInFailed(DomainError):
    """Wrong name or password, a disabled account, or a lock-out; the message never says which."""

    error_id = "sign_in_failed"


class SignInThrottled(SignInFailed):
    """Too many failed sign-ins: the client waits `retry_after` seconds (what it is told)."""

    error_id = "sign_in_throttled"

    def __init__(self, wait: float) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after(wait)} s")
        self.retry_after = retry_after(wait)


@dataclass(frozen=True, slots=True)
class SignInLimits:
    """The growing delays of sign-in, per user name (known or not) and per client address."""

    name: DelayPolicy = field(default_factory=lambda: DelayPolicy(free=3))
    address: DelayPolicy = field(default_factory=lambda: DelayPolicy(free=10))


def sign_in_keys(address: str, username: str) -> list[str]:
    """The throttle's keys of an attempt: its client address and the name it tried."""
    return [f"address:{address}", f"name:{username}"]


def sign_in_wait(limits: SignInLimits, address: Strikes | None, name: Strikes | None,
                 now: float) -> float:
    """Seconds before this address may try this name (the rule of DESIGN-NOTES.md,
    "Throttling guessers"): an address waits out its own delay; the name's delay binds it only
    once it failed itself `limits.name.free` times lately, so a guesser elsewhere never keeps
    the operator at her own desk out, and a guesser here is slowed by both."""
    own = wait_of(address, limits.address, now)
    recent = address.current(limits.address, now) if address else None
    if recent is None or recent.failures < limits.name.free:
        return own
    return max(own, wait_of(name, limits.name, now))


class NotSignedIn(DomainError):
    error_id = "not_signed_in"


class Forbidden(DomainError):
    error_id = "forbidden"


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in user as the web layer sees it: who, which role, at which seat."""

    user_id: int
    username: str
    display_name: str
    role: Role
    seat: str | None
    session_id: int
    csrf_token: str
    contractor: str | None = None


def check_username(name: str) -> str:
    name = name.strip().lower()
    if not USERNAME.match(name):
        raise InvalidUser(
            "a user name is 2-64 characters: latin letters, digits, '.', '_' or '-'")
    return name


def check_seat(seat: str | None) -> str | None:
    if seat is None or not seat.strip():
        return None
    seat = seat.strip()
    if not SEAT.match(seat):
        raise InvalidUser(f"a seat is a queue member interface such as PJSIP/op1001, not {seat!r}")
    return seat


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidUser(f"a password has at least {MIN_PASSWORD} characters")
    return password


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InvalidUser(f"unknown role {role!r}; one of: {names}") from None


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user as stored: what signing in needs to decide."""

    id: int
    username: str
    display_name: str
    role: Role
    password_hash: str
    default_seat: str | None
    contractor: str | None
    active: bool
    failed_sign_ins: int
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    user: UserRecord
    seat: str | None
    csrf_token: str
    expires_at: datetime


def principal_of(session: SessionRecord) -> Principal:
    user = session.user
    return Principal(user_id=user.id, username=user.username, display_name=user.display_name,
                     role=user.role, seat=session.seat, session_id=session.id,
                     csrf_token=session.csrf_token, contractor=user.contractor)
