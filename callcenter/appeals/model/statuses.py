"""Appeals: statuses, the state machine, and numbers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from callcenter.calls.model.facts import CallOutcome
from callcenter.core.errors import InvalidTransition


class Status(StrEnum):
    NEW = "new"
    MISSED = "missed"
    CONSULTATION = "consultation"
    REJECTED = "rejected"
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    IN_WORK = "in_work"
    CLARIFICATION = "clarification"
    REDIRECTED = "redirected"
    DONE = "done"
    ON_CHECK = "on_check"
    RETURNED = "returned"
    CLOSED = "closed"
    DUPLICATE = "duplicate"


class Channel(StrEnum):
    PHONE = "phone"
    WEB = "web"
    EMAIL = "email"
    OPEN311 = "open311"


S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.NEW: frozenset({S.MISSED, S.CONSULTATION, S.REJECTED, S.REGISTERED, S.DUPLICATE}),
    S.MISSED: frozenset({S.NEW, S.CONSULTATION, S.REJECTED, S.REGISTERED, S.DUPLICATE}),
    S.REGISTERED: frozenset({S.ASSIGNED, S.REJECTED, S.DUPLICATE}),
    S.ASSIGNED: frozenset({S.IN_WORK, S.CLARIFICATION, S.REDIRECTED, S.DONE, S.ASSIGNED}),
    # -> ASSIGNED from in_work / returned: a supervisor reassigns the appeal (with a reason).
    S.IN_WORK: frozenset({S.CLARIFICATION, S.REDIRECTED, S.DONE, S.ASSIGNED}),
    S.CLARIFICATION: frozenset({S.ASSIGNED, S.IN_WORK, S.REJECTED}),
    S.REDIRECTED: frozenset({S.ASSIGNED, S.REJECTED}),
    S.DONE: frozenset({S.ON_CHECK, S.CLOSED, S.RETURNED}),
    S.ON_CHECK: frozenset({S.CLOSED, S.RETURNED}),
    S.RETURNED: frozenset({S.IN_WORK, S.DONE, S.CLARIFICATION, S.ASSIGNED}),
    S.CONSULTATION: frozenset(),
    S.REJECTED: frozenset(),
    S.CLOSED: frozenset(),
    S.DUPLICATE: frozenset(),
}
FINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
# The operator's form can still be completed: the call's appeal, or a missed one called back.
COMPLETABLE = frozenset({S.NEW, S.MISSED})


def check_transition(current: Status, target: Status) -> None:
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(current.value, target.value)


def status_after_call(outcome: CallOutcome, *, answered: bool) -> Status | None:
    """What a finished call does to its automatic appeal (None: leave it as it is).

    Nobody spoke to the resident (abandoned, failed, or lost while the AMI link was down before
    an operator answered): the appeal waits for a call-back as `missed`.
    """
    if outcome == "answered" or answered:
        return None
    return Status.MISSED


def year_of(opened_at: datetime, timezone: str) -> int:
    return opened_at.astimezone(ZoneInfo(timezone)).year


def format_number(year: int, sequence: int) -> str:
    """`2026-000042`; the sequence widens past six digits when a year needs it."""
    return f"{year}-{sequence:06d}"
