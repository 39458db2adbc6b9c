"""What Asterisk's queue_log says of one call: queued, answered by whom, ended when and how.

The rule (app_queue's `ast_queue_log` calls, apps/app_queue.c):

- `ENTERQUEUE`: the caller joined a queue (the first one is `queued_at`).
- `CONNECT` (hold time | the member leg's Uniqueid | ring time): a member answered; the first
  is `answered_at`, its agent field the member (`agent`, a member name or an interface).
- The end is the last of: `COMPLETECALLER` / `COMPLETEAGENT` (the talk ended), `ABANDON` (the
  caller hung up while waiting), `EXITWITHKEY` (the caller left with a key), `EXITWITHTIMEOUT`,
  `EXITEMPTY`, `WITHDRAW` (the queue let the caller go), and `FULL`, `JOINEMPTY`,
  `JOINUNAVAIL`, which app_queue never writes (a refused join logs nothing) but a dialplan may,
  with `QueueLog()` after `Queue()`.
- A transfer (`TRANSFER`, `ATTENDEDTRANSFER`, `BLINDTRANSFER`) ends the queue's part of an
  answered call, not the call: the record then knows it was answered, not when it ended.
- Anything else (`RINGNOANSWER`, `RINGCANCELED`, `AGENTDUMP`, member and queue events) says
  nothing about the call's outcome.

The outcome: `answered` once a member answered, whatever came after; else the last end's:
`abandoned` when the caller left (ABANDON, EXITWITHKEY), `failed` when the hotline did not
answer (timeout, empty, withdrawn, full); None when the record does not say how it ended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from callcenter.calls.model.facts import CallOutcome, CallReconciled
from callcenter.calls.model.queue_log import NONE, QueueLogEntry

ANSWERED_ENDS = frozenset({"COMPLETECALLER", "COMPLETEAGENT"})
ABANDONED_ENDS = frozenset({"ABANDON", "EXITWITHKEY"})
FAILED_ENDS = frozenset({"EXITWITHTIMEOUT", "EXITEMPTY", "WITHDRAW", "FULL", "JOINEMPTY",
                         "JOINUNAVAIL"})
TRANSFERS = frozenset({"TRANSFER", "ATTENDEDTRANSFER", "BLINDTRANSFER"})
ENDS = ANSWERED_ENDS | ABANDONED_ENDS | FAILED_ENDS


@dataclass(frozen=True, slots=True)
class QueueRecord:
    call_id: str
    queued_at: datetime | None
    answered_at: datetime | None
    agent: str | None  # as queue_log names the member who answered
    ended_at: datetime | None  # None: the record does not say when the call ended
    outcome: CallOutcome | None  # None: the record does not say how the call ended


@dataclass(slots=True)
class _Fold:
    queued_at: datetime | None = None
    answered_at: datetime | None = None
    agent: str | None = None
    last_end: QueueLogEntry | None = None
    seen: bool = False

    def add(self, entry: QueueLogEntry) -> None:
        if entry.event == "ENTERQUEUE":
            self.queued_at = self.queued_at or entry.at
        elif entry.event == "CONNECT":
            self._connected(entry)
        elif entry.event in ENDS:
            self.last_end = entry
        elif entry.event not in TRANSFERS:
            return
        self.seen = True

    def _connected(self, entry: QueueLogEntry) -> None:
        if self.answered_at is None:
            self.answered_at = entry.at
            self.agent = entry.agent if entry.agent and entry.agent != NONE else None

    def outcome(self) -> CallOutcome | None:
        if self.answered_at is not None:
            return "answered"
        if self.last_end is None:
            return None
        return "abandoned" if self.last_end.event in ABANDONED_ENDS else "failed"


def record_of(call_id: str, entries: Iterable[QueueLogEntry]) -> QueueRecord | None:
    """The record of one call from its entries in file order; None when none says anything
    about it (no record)."""
    fold = _Fold()
    for entry in entries:
        if entry.call_id == call_id:
            fold.add(entry)
    if not fold.seen:
        return None
    ended_at = fold.last_end.at if fold.last_end is not None else None
    return QueueRecord(call_id, fold.queued_at, fold.answered_at, fold.agent, ended_at,
                       fold.outcome())


def records_of(entries: Iterable[QueueLogEntry],
               call_ids: Iterable[str]) -> dict[str, QueueRecord]:
    """The records of these calls that the entries have (calls without one are left out)."""
    by_call: dict[str, list[QueueLogEntry]] = {call_id: [] for call_id in call_ids}
    for entry in entries:
        if entry.call_id in by_call:
            by_call[entry.call_id].append(entry)
    found = {call_id: record_of(call_id, items) for call_id, items in by_call.items()}
    return {call_id: record for call_id, record in found.items() if record is not None}


def seat_of(agent: str | None, members: Mapping[str, str]) -> str | None:
    """The seat (member interface, `PJSIP/op1001`) of a queue_log agent field: a member name
    (`Operator 1001`) through `members` (name -> interface, from QueueStatus), or the field
    itself when it already is an interface (a member without a name is logged by it). None
    when it cannot be told: a seat is an interface, never a display name."""
    if agent is None:
        return None
    if agent in members:
        return members[agent]
    return agent if "/" in agent else None


def needs_member_names(records: Iterable[QueueRecord]) -> bool:
    """Whether any record names its member by something other than an interface."""
    return any(r.agent is not None and "/" not in r.agent for r in records)


def reconciled(record: QueueRecord, members: Mapping[str, str], at: datetime) -> CallReconciled:
    """The fact a record gives, read at `at`."""
    return CallReconciled(call_id=record.call_id, at=at, queued_at=record.queued_at,
                          answered_at=record.answered_at, seat=seat_of(record.agent, members),
                          ended_at=record.ended_at, outcome=record.outcome)
