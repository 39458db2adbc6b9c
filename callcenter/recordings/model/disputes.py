"""Disputes with contractors, pure: their records, the rules of opening and closing them, and
the time-limited links that let a contractor hear the call."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from callcenter.core.errors import DomainError

CLAIM_MAX = 4000
NOTE_MAX = 4000
DECISION_MAX = 4000
LINK_MAX_HOURS = 24 * 30
CONTRACTOR_CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class DisputeState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class LinkState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class DisputeNotFound(DomainError):
    error_id = "dispute_not_found"


class DisputeClosed(DomainError):
    error_id = "dispute_closed"


class InvalidDispute(DomainError):
    error_id = "invalid_dispute"


class DisputeStillOpen(DomainError):
    """A legal hold is released only when no dispute about the appeal is open."""

    error_id = "dispute_still_open"


class LinkNotFound(DomainError):
    error_id = "link_not_found"


class LinkExpired(DomainError):
    error_id = "link_expired"


class LinkRevoked(LinkExpired):
    error_id = "link_revoked"


def check_contractor(code: str | None) -> str:
    """A contractor's code as the contractors table will know it (`water`, `teplo-1`)."""
    cleaned = (code or "").strip().lower()
    if not CONTRACTOR_CODE.match(cleaned):
        raise InvalidDispute("a contractor code is 1-64 latin letters, digits, '.', '_' or '-'")
    return cleaned


def link_expiry(now: datetime, hours: float) -> datetime:
    if not 0 < hours <= LINK_MAX_HOURS:
        raise InvalidDispute(f"a link lasts more than 0 and at most {LINK_MAX_HOURS} hours")
    return now + timedelta(hours=hours)


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    at: datetime
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class Dispute:
    id: int
    appeal_number: str
    contractor: str
    claim: str
    state: DisputeState
    opened_by: str
    opened_at: datetime
    decision: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    notes: tuple[Note, ...] = ()

    def check_open(self) -> None:
        if self.state is not DisputeState.OPEN:
            raise DisputeClosed(f"dispute {self.id} is closed")


@dataclass(frozen=True, slots=True)
class ContractorLink:
    id: int
    appeal_number: str
    recording_id: str | None  # None: every recording of the appeal
    dispute_id: int | None
    contractor: str
    expires_at: datetime
    created_by: str
    created_at: datetime
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    def state(self, now: datetime) -> LinkState:
        if self.revoked_at is not None:
            return LinkState.REVOKED
        return LinkState.ACTIVE if now < self.expires_at else LinkState.EXPIRED

    def check_usable(self, now: datetime) -> None:
        state = self.state(now)
        if state is LinkState.REVOKED:
            raise LinkRevoked("this link was revoked; ask the hotline for a new one")
        if state is LinkState.EXPIRED:
            raise LinkExpired("this link has expired; ask the hotline for a new one")

    def covers(self, recording_id: str) -> bool:
        return self.recording_id is None or self.recording_id == recording_id

    @property
    def who(self) -> str:
        """The name a replay through this link is audited under."""
        return f"contractor link {self.id}"


@dataclass(frozen=True, slots=True)
class NewLink:
    token_hash: str
    appeal_number: str
    recording_id: str | None
    dispute_id: int | None
    contractor: str
    expires_at: datetime
    created_by_id: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Actor:
    """Who does a step: a user id and the name written in the records."""

    user_id: int
    name: str
