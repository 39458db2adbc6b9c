"""What one batch of facts does to one call, worked out in memory before any SQL.

`SqlCallStore` groups a batch by call and folds each call's facts, in order, over the call's
row as the batch finds it (`CallRow`: empty for a row the batch creates). The result
(`CallChanges`) is the row as it must end up, the rings to insert (results already set when
the batch also closes them), the closes left for rings stored earlier, and what happens to the
automatic appeal. Applying the facts one by one would give the same rows; this only lets the
store write each call once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, NamedTuple

from callcenter.appeals.model import statuses as appeals
from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallQueued,
    CallRang,
    CallReconciled,
    CallRingTimedOut,
    RecordingAnnounced,
)
from callcenter.calls.store import corrections

CallScopedFact = (
    CallEntered
    | CallQueued
    | CallRang
    | CallRingTimedOut
    | CallAnswered
    | RecordingAnnounced
    | CallEnded
    | CallReconciled
)
Numbered = tuple[int, CallScopedFact]  # (position in the batch, fact)
RingKey = tuple[str, datetime]  # (seat, rang_at): a ring seen twice is stored once


@dataclass(slots=True)
class CallRow:
    """The columns of `calls` that facts after `CallEntered` change."""

    queued_at: datetime | None = None
    answered_at: datetime | None = None
    operator: str | None = None
    recording_path: str | None = None
    ended_at: datetime | None = None
    outcome: str = "in_progress"
    cause: int | None = None
    cause_text: str = ""
    link_down: bool = False

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ROW_COLUMNS}


ROW_COLUMNS = tuple(f.name for f in fields(CallRow))


@dataclass(slots=True)
class NewRing:
    seat: str
    rang_at: datetime
    result: str | None
    order: int


class RingClose(NamedTuple):
    seat: str
    result: str
    at: datetime


@dataclass(slots=True)
class CallChanges:
    row: CallRow
    stored_rings: set[RingKey]
    rings: list[NewRing] = field(default_factory=list)
    closes: list[RingClose] = field(default_factory=list)  # of rings stored before
    entered: CallEntered | None = None  # the first one: the automatic appeal it opens
    entered_order: int = -1
    ended: CallEnded | None = None  # the one that ended the call (None: not ended here)
    target: appeals.Status | None = None  # what the end does to the automatic appeal
    ended_after_entered: bool = False
    answered_late: CallReconciled | None = None  # Asterisk's record: answered after all

    def add(self, order: int, fact: CallScopedFact) -> None:
        match fact:
            case CallEntered():
                self._entered(order, fact)
            case CallQueued():
                self.row.queued_at = self.row.queued_at or fact.at
            case CallRang():
                self._rang(order, fact)
            case CallRingTimedOut():
                self._close_ring(RingClose(fact.seat, "no_answer", fact.at))
            case CallAnswered():
                self._answered(fact)
            case RecordingAnnounced():
                self.row.recording_path = fact.path
            case CallEnded():
                self._ended(fact)
            case CallReconciled():
                corrections.apply_record(self, fact)

    def _entered(self, order: int, fact: CallEntered) -> None:
        if self.entered is None:
            self.entered, self.entered_order = fact, order

    def _rang(self, order: int, fact: CallRang) -> None:
        key = (fact.seat, fact.at)
        if key in self.stored_rings:
            return  # the same ring again (a batch applied twice)
        self.stored_rings.add(key)
        self.rings.append(NewRing(fact.seat, fact.at, None, order))

    def _close_ring(self, close: RingClose) -> None:
        """Close the seat's latest open ring that rang no later than the close: one of this
        batch's if any (they are newer than every stored ring), else a stored one."""
        for ring in reversed(self.rings):
            if ring.seat == close.seat and ring.result is None and ring.rang_at <= close.at:
                ring.result = close.result
                return
        self.closes.append(close)

    def _answered(self, fact: CallAnswered) -> None:
        if self.row.answered_at is None:
            self.row.answered_at, self.row.operator = fact.at, fact.seat
        self._close_ring(RingClose(fact.seat, "answered", fact.at))

    def _ended(self, fact: CallEnded) -> None:
        row = self.row
        if row.ended_at is not None:
            return  # already ended: applying a fact twice changes nothing
        row.ended_at, row.outcome, row.cause = fact.at, fact.outcome, fact.cause
        row.cause_text, row.link_down = fact.cause_text, fact.link_down
        self.ended = fact
        self.target = appeals.status_after_call(fact.outcome,
                                                answered=row.answered_at is not None)
        self.ended_after_entered = self.entered is not None


def fold(facts: Iterable[Numbered], row: CallRow,
         stored_rings: set[RingKey] | None = None) -> CallChanges:
    """A call's facts, in batch order, applied to its row as found (`row` is changed)."""
    changes = CallChanges(row, stored_rings if stored_rings is not None else set())
    for order, fact in facts:
        changes.add(order, fact)
    return changes


def from_entered(facts: list[Numbered]) -> CallChanges | None:
    """The changes if the call's row is new: its first `CallEntered` creates the row, so
    what came before it changed nothing. None when the batch has no `CallEntered`."""
    for index, (_, fact) in enumerate(facts):
        if isinstance(fact, CallEntered):
            return fold(facts[index:], CallRow())
    return None
