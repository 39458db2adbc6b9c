"""What one batch of facts does to one call, worked out in memory before any SQL.

`SqlCallStore` groups a batch by call and folds each call's facts, in order, over the call's
row and rings as the batch finds them (`CallRow`: empty for a row the batch creates). The
result (`CallChanges`) is the row as it must end up, its rings (the new ones to insert, results
already set when the batch also closes them, and the stored ones it closes), and what happens
to the automatic appeal. Applying the facts one by one would give the same rows; this only lets
the store write each call once.

The merge keeps the stronger fact: the first queue time and the first answer win, an end
counts once, and an outcome never contradicts the row (an answered call is never `failed` or
`abandoned`, whatever the end says). Every ring ends with a result: its own (answered,
no_answer, or what the tracker saw cancel it), `taken` once another seat answers, and when
the call ends, what the call's outcome says of the rings still open (`RING_AT_END`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from callcenter.appeals.model import statuses as appeals
from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallOutcome,
    CallQueued,
    CallRang,
    CallReconciled,
    CallRingEnded,
    CallRingTimedOut,
    RecordingAnnounced,
    RingResult,
)
from callcenter.calls.store import corrections

CallScopedFact = (
    CallEntered
    | CallQueued
    | CallRang
    | CallRingTimedOut
    | CallRingEnded
    | CallAnswered
    | RecordingAnnounced
    | CallEnded
    | CallReconciled
)
Numbered = tuple[int, CallScopedFact]  # (position in the batch, fact)
RING_FACTS = (CallRang, CallRingTimedOut, CallRingEnded, CallAnswered, CallEnded)
# What a ring still open when the call ends became, by the call's outcome.
RING_AT_END: dict[str, RingResult] = {"answered": "taken", "abandoned": "caller_gone",
                                      "failed": "no_answer", "unknown": "unknown"}
UNANSWERED: frozenset[str] = frozenset({"failed", "abandoned"})


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
class Ring:
    """A ring of a seat: stored before (`pk`), or new in this batch (`order`: the position
    of its CallRang in the batch)."""

    seat: str
    rang_at: datetime
    result: str | None = None
    pk: int | None = None
    order: int = -1
    closed_here: bool = False  # a stored ring this batch closes


@dataclass(slots=True)
class CallChanges:
    row: CallRow
    rings: list[Ring] = field(default_factory=list)  # stored ones in id order, then new ones
    entered: CallEntered | None = None  # the first one: the automatic appeal it opens
    entered_order: int = -1
    ended: CallEnded | None = None  # the one that ended the call (None: not ended here)
    target: appeals.Status | None = None  # what the end does to the automatic appeal
    ended_after_entered: bool = False
    answered_late: CallReconciled | None = None  # Asterisk's record: answered after all

    @property
    def new_rings(self) -> list[Ring]:
        return [ring for ring in self.rings if ring.pk is None]

    @property
    def closed_rings(self) -> list[Ring]:
        """Rings stored before that this batch closes."""
        return [ring for ring in self.rings if ring.pk is not None and ring.closed_here]

    def add(self, order: int, fact: CallScopedFact) -> None:
        match fact:
            case CallEntered():
                self._entered(order, fact)
            case CallQueued():
                self.row.queued_at = self.row.queued_at or fact.at
            case CallRang():
                self._rang(order, fact)
            case CallRingTimedOut():
                self._close_ring(fact.seat, "no_answer", fact.at)
            case CallRingEnded():
                self._close_ring(fact.seat, fact.result, fact.at)
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
        if any(r.seat == fact.seat and r.rang_at == fact.at for r in self.rings):
            return  # the same ring again (a batch applied twice)
        self.rings.append(Ring(fact.seat, fact.at, order=order))

    @staticmethod
    def _close(ring: Ring, result: str) -> None:
        ring.result, ring.closed_here = result, True

    def _close_ring(self, seat: str, result: str, at: datetime) -> None:
        """Close the seat's latest open ring that rang no later than the close."""
        for ring in reversed(self.rings):
            if ring.seat == seat and ring.result is None and ring.rang_at <= at:
                self._close(ring, result)
                return

    def _answered(self, fact: CallAnswered) -> None:
        """The seat's ring is answered; the other seats' rings up to then are taken (and any
        older ring of its own was not answered)."""
        row = self.row
        if row.answered_at is None:
            row.answered_at, row.operator = fact.at, fact.seat
        if row.outcome in UNANSWERED:  # an answer learnt after the end: the row must agree
            row.outcome = "answered"
        self._close_ring(fact.seat, "answered", fact.at)
        for ring in self.rings:
            if ring.result is None and ring.rang_at <= fact.at:
                self._close(ring, "no_answer" if ring.seat == fact.seat else "taken")

    def _ended(self, fact: CallEnded) -> None:
        row = self.row
        if row.ended_at is not None:
            return  # already ended: applying a fact twice changes nothing
        answered = row.answered_at is not None
        outcome = settled(fact.outcome, answered=answered)
        row.ended_at, row.outcome, row.cause = fact.at, outcome, fact.cause
        row.cause_text, row.link_down = fact.cause_text, fact.link_down
        self.ended = fact
        self.target = appeals.status_after_call(outcome, answered=answered)
        self.ended_after_entered = self.entered is not None
        for ring in self.rings:  # the call is over: so is every ring
            if ring.result is None:
                self._close(ring, RING_AT_END.get(outcome, "no_answer"))


def settled(outcome: CallOutcome, *, answered: bool) -> CallOutcome:
    """The end's outcome, unless it contradicts the row: a call an operator answered is never
    unanswered (a call adopted after its operator left the bridge looks unanswered, say)."""
    return "answered" if answered and outcome in UNANSWERED else outcome


def fold(facts: Iterable[Numbered], row: CallRow, stored_rings: Sequence[Ring] = ()
         ) -> CallChanges:
    """A call's facts, in batch order, applied to its row as found (`row` is changed) and to
    its rings stored before (in id order; they are changed too)."""
    changes = CallChanges(row, list(stored_rings))
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
