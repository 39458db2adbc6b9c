"""What the call tracker concluded: facts about calls, named in the past tense."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

CallOutcome = Literal["in_progress", "answered", "abandoned", "failed", "unknown"]


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
    | CallAnswered
    | RecordingAnnounced
    | CallEnded
    | LinkResynced
    | CallReconciled
)
