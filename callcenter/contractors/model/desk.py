"""What a contractor sees of its appeals: the card, the resident's number masked unless the
routing rule allowed a call-back, and the part of the history that concerns it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from callcenter.appeals.model.listing import HistoryItem
from callcenter.appeals.model.photos import Photo
from callcenter.appeals.model.statuses import Status
from callcenter.core.errors import DomainError
from callcenter.core.phones import mask

# The contractor's own answers: shown with their comments (it wrote them).
ANSWERS = frozenset({"in_work", "planned", "done", "not_ours", "clarification"})
HOTLINE = "1580"
# Newest and most urgent first.
PRIORITIES = ("emergency", "urgent", "normal")


class NotAContractor(DomainError):
    """A signed-in user with no contractor (or an unknown one) asked for contractor data."""

    error_id = "not_a_contractor"


class ContractorAppealNotFound(DomainError):
    """No such appeal among this contractor's: the same answer whether it exists or not."""

    error_id = "appeal_not_found"

    def __init__(self, number: str) -> None:
        super().__init__(f"no appeal {number!r} for this contractor")
        self.number = number


class TextTooLong(DomainError):
    error_id = "text_too_long"


@dataclass(frozen=True, slots=True)
class ContractorAppeal:
    id: int
    number: str
    status: str
    category: str | None
    address: str | None
    description: str | None
    opened_at: datetime
    deadline: datetime | None
    priority: str | None
    planned_date: date | None
    resident_name: str | None
    resident_phone: str | None  # masked unless `callback`
    callback: bool
    answer: str | None


@dataclass(frozen=True, slots=True)
class ContractorAppealDetails:
    appeal: ContractorAppeal
    history: list[HistoryItem]
    photos: list[Photo]


def resident_phone(caller: str | None, *, callback: bool) -> str | None:
    return caller if callback else mask(caller)


def visible_history(items: list[HistoryItem]) -> list[HistoryItem]:
    """The contractor's own answers in full; other status changes without the hotline's
    comments and names; notes of the hotline (disputes, delivery, links) not at all."""
    shown = []
    for item in items:
        if item.action in ANSWERS:
            shown.append(item)
        elif item.to_status is not None:
            shown.append(replace(item, actor=HOTLINE, comment=""))
    return shown


def parse_statuses(text: str) -> list[Status]:
    """`in_work,assigned` -> statuses; an unknown name is a ValueError."""
    return [Status(part.strip()) for part in text.split(",") if part.strip()]
