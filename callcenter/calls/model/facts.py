"""What the call tracker concluded: facts about calls, named in the past tense."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

CallOutcome = Literal["in_progress", "answered", "abandoned", "failed", "unknown"]
# How a seat's ring ended: the seat answered; it did not (its ring timed out, it was busy or
# unreachable, or the queue gave up); another seat answered first; the caller hung up while
# it rang; the call ended while the AMI link was down.
RingResult = Literal["answered", "no_answer", "taken", "caller_gone", "unknown"]


@dataclass(frozen=True, slots=True)
class CallEntered:
    call_id: str
    at: datetime
    trunk: str
    line: str
    channel: str
    caller: str | None
    caller_raw: str
    caller_name: str | None
    carrier: str | None
    resynced: bool = False


@dataclass(frozen=True, slots=True)
class CallQueued:
    call_id: str
    at: datetime
    queue: str
    position: int


@dataclass(frozen=True, slots=True)
class CallRang:
    call_id: str
    at: datetime
    seat: str


@dataclass(frozen=True, slots=True)
class CallRingTimedOut:
    call_id: str
    at: datetime
    seat: str


@dataclass(frozen=True, slots=True)
class CallRingEnded:
    """A seat's ring ended without an answer for another reason than its own time-out."""

    call_id: str
    at: datetime
    seat: str
    result: RingResult


@dataclass(frozen=True, slots=True)
class CallAnswered:
    call_id: str
    at: datetime
    seat: str


@dataclass(frozen=True, slots=True)
class RecordingAnnounced:
    call_id: str
    at: datetime
    path: str


@dataclass(frozen=True, slots=True)
class CallEnded:
    call_id: str
    at: datetime
    outcome: CallOutcome
    cause: int | None
    cause_text: str
    link_down: bool = False


@dataclass(frozen=True, slots=True)
class CallReconciled:
    """Asterisk's own record of a call (its queue_log), read after a resync for a call that
    ended, or was answered, while we were away: the times are Asterisk's, to the second.
    None where the record does not say (`outcome` None: not how it ended)."""

    call_id: str
    at: datetime  # when the record was read
    queued_at: datetime | None
    answered_at: datetime | None
    seat: str | None
    ended_at: datetime | None
    outcome: CallOutcome | None


@dataclass(frozen=True, slots=True)
class LinkResynced:
    """After a (re)connect: these calls are live; any other call still open was lost."""

    at: datetime
    live_call_ids: frozenset[str]


CallFact = (
    CallEntered
    | CallQueued
    | CallRang
    | CallRingTimedOut
    | CallRingEnded
    | CallAnswered
    | RecordingAnnounced
    | CallEnded
    | LinkResynced
    | CallReconciled
)
