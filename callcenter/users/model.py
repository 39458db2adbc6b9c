"""Who may do what: users, their roles and operator seats, and signed-in principals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from callcenter.core.errors import DomainError

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


class AccountLocked(SignInFailed):
    error_id = "account_locked"

    def __init__(self, until: datetime) -> None:
        super().__init__("too many failed sign-ins; try again later")
        self.until = until


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
