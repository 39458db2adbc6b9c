"""An outage: utility, kind, status, the places it covers, its times and notes.

Statuses: planned -> active -> resolved, or cancelled from planned or active. Time moves a
planned outage to active at its start (`due_status`); people move it by hand. Every change is
a history row (`OutageEvent`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from callcenter.core.errors import DomainError


class Utility(StrEnum):
    """The codes are the category groups of config/categories.toml whose appeals an outage
    explains (`power` is the electricity group)."""

    WATER = "water"
    HOT_WATER = "hot_water"
    HEATING = "heating"
    POWER = "power"
    GAS = "gas"
    SEWERAGE = "sewerage"


UTILITY_NAMES = {  # as residents say it: "відключення ..."
    Utility.WATER: "водопостачання", Utility.HOT_WATER: "гарячого водопостачання",
    Utility.HEATING: "теплопостачання", Utility.POWER: "електропостачання",
    Utility.GAS: "газопостачання", Utility.SEWERAGE: "водовідведення",
}
UTILITY_TITLES = {
    Utility.WATER: "Вода", Utility.HOT_WATER: "Гаряча вода", Utility.HEATING: "Опалення",
    Utility.POWER: "Електроенергія", Utility.GAS: "Газ", Utility.SEWERAGE: "Каналізація",
}


class Kind(StrEnum):
    PLANNED = "planned"
    EMERGENCY = "emergency"


KIND_NAMES = {Kind.PLANNED: "планове", Kind.EMERGENCY: "аварійне"}


class Status(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"


STATUS_NAMES = {Status.PLANNED: "заплановано", Status.ACTIVE: "триває",
                Status.RESOLVED: "відновлено", Status.CANCELLED: "скасовано"}
FINAL = frozenset({Status.RESOLVED, Status.CANCELLED})
_MOVES = {Status.PLANNED: frozenset({Status.ACTIVE, Status.CANCELLED}),
          Status.ACTIVE: frozenset({Status.RESOLVED, Status.CANCELLED})}


class OutageNotFound(DomainError):
    error_id = "outage_not_found"

    def __init__(self, outage_id: int) -> None:
        super().__init__(f"no outage {outage_id}")


class InvalidOutage(DomainError):
    """What was entered is not a valid outage; `problems` maps a field to what is wrong."""

    error_id = "invalid_outage"

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


class OutageMoveRefused(DomainError):
    error_id = "invalid_transition"

    def __init__(self, outage_id: int, current: str, target: str) -> None:
        super().__init__(f"outage {outage_id} in status {current!r} cannot move to {target!r}")


class NotYourOutage(DomainError):
    """Another contractor's outage: answered as if there were none (its existence is not
    theirs to learn)."""

    error_id = "outage_not_found"

    def __init__(self, outage_id: int) -> None:
        super().__init__(f"outage {outage_id} was reported by another contractor")


@dataclass(frozen=True, slots=True)
class Place:
    """One street's affected houses: `houses` as written (`1-15 непарні, 20`), empty for the
    whole street; `district` when the place came from a whole district."""

    street_key: str  # the reference street's key (`вулиця незалежності`)
    street: str  # as shown: `вул. Незалежності`
    houses: str = ""
    district: str | None = None


@dataclass(frozen=True, slots=True)
class OutageDraft:
    """What a person or a sheet enters; the service checks it and resolves the places."""

    utility: Utility
    kind: Kind
    places: tuple[Place, ...]
    starts_at: datetime
    expected_end: datetime | None
    note: str = ""
    internal_note: str = ""
    contractor: str | None = None


@dataclass(frozen=True, slots=True)
class Outage:
    id: int
    utility: Utility
    kind: Kind
    status: Status
    places: tuple[Place, ...]
    starts_at: datetime
    expected_end: datetime | None
    actual_end: datetime | None
    note: str
    internal_note: str
    contractor: str | None
    created_at: datetime
    updated_at: datetime
    calls: int = 0

    def status_at(self, now: datetime) -> Status:
        """The status time gives it: a planned outage whose start has come is active."""
        return due_status(self.status, self.starts_at, now) or self.status

    def is_current(self, now: datetime) -> bool:
        return self.status_at(now) == Status.ACTIVE

    def starts_within(self, now: datetime, seconds: float) -> bool:
        return (self.status_at(now) == Status.PLANNED
                and (self.starts_at - now).total_seconds() <= seconds)


@dataclass(frozen=True, slots=True)
class OutageEvent:
    at: datetime
    actor: str
    action: str  # created | edited | status | appeal
    status: Status
    comment: str = ""


@dataclass(frozen=True, slots=True)
class OutagePage:
    outage: Outage
    history: tuple[OutageEvent, ...] = field(default=())


def due_status(status: Status, starts_at: datetime, now: datetime) -> Status | None:
    """The status time moves an outage to, or None when time moves nothing."""
    if status == Status.PLANNED and starts_at <= now:
        return Status.ACTIVE
    return None


def check_move(outage_id: int, current: Status, wanted: Status) -> None:
    if wanted not in _MOVES.get(current, frozenset()):
        raise OutageMoveRefused(outage_id, current, wanted)


def check_draft(draft: OutageDraft) -> None:
    problems: dict[str, str] = {}
    if not draft.places:
        problems["places"] = "at least one street or district"
    if draft.starts_at.tzinfo is None:
        problems["starts_at"] = "a time with its zone"
    if draft.expected_end is not None and draft.expected_end <= draft.starts_at:
        problems["expected_end"] = "after the start"
    if len(draft.note) > 2000 or len(draft.internal_note) > 2000:
        problems["note"] = "at most 2000 characters"
    if problems:
        raise InvalidOutage(problems)


def first_status(draft: OutageDraft, now: datetime) -> Status:
    return Status.ACTIVE if draft.starts_at <= now else Status.PLANNED
