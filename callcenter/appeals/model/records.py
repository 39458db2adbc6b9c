"""Appeals as the operator's page and the API read them, and what can go wrong finding one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from callcenter.appeals.model.listing import CallRecording, HistoryItem
from callcenter.appeals.model.photos import Photo
from callcenter.core.errors import DomainError


class AppealNotFound(DomainError):
    error_id = "appeal_not_found"

    def __init__(self, number: str) -> None:
        super().__init__(f"no appeal {number!r}")
        self.number = number


class CallNotFound(DomainError):
    error_id = "call_not_found"

    def __init__(self, call_id: str) -> None:
        super().__init__(f"no call {call_id!r}")
        self.call_id = call_id


class StaleAppeal(DomainError):
    """Someone (or the call intake) changed the appeal after the form was opened."""

    error_id = "appeal_changed"

    def __init__(self, number: str, *, expected: int, current: int) -> None:
        super().__init__(f"appeal {number} is at version {current}, the form had {expected}")
        self.number = number
        self.expected = expected
        self.current = current


@dataclass(frozen=True, slots=True)
class AppealSummary:
    """One row of a search."""

    number: str
    status: str
    channel: str
    opened_at: datetime
    caller: str | None
    caller_name: str | None
    category: str | None
    address: str | None
    description: str | None
    emergency: bool


@dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[AppealSummary]
    total: int
    capped: bool = False  # there are more than `total`


@dataclass(frozen=True, slots=True)
class CallInfo:
    call_id: str  # the Linkedid
    line: str
    trunk: str
    carrier: str | None
    outcome: str
    operator: str | None
    entered_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    recording_path: str | None = None  # as Asterisk announced it (the spool)
    recordings: tuple[CallRecording, ...] = ()


@dataclass(frozen=True, slots=True)
class SiblingAppeal:
    """Another appeal from the same call."""

    number: str
    status: str


@dataclass(frozen=True, slots=True)
class AppealDetails:
    summary: AppealSummary
    version: int
    updated_at: datetime
    street: str | None
    street_unlisted: bool
    house: str | None
    flat: str | None
    contact_name: str | None
    contact_phone: str | None
    completed_by: str | None  # user name
    completed_at: datetime | None
    call: CallInfo | None
    siblings: list[SiblingAppeal]
    history: list[HistoryItem]
    photos: list[Photo] = field(default_factory=list)  # the contractors' photos, oldest first
    answer: str | None = None  # the contractor's answer meant for the resident

    @property
    def number(self) -> str:
        return self.summary.number

    @property
    def status(self) -> str:
        return self.summary.status
