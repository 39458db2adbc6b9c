"""The transactional outbox: messages, their states, delivery results and the retry policy.

A message is written in the same transaction as the change it announces, under a unique
idempotency key; workers claim due messages (`pending` -> `sending`), send them, and record
the result (`sent`, back to `pending` with a later `next_attempt_at`, or `dead` after the last
attempt). A message left in `sending` by a worker that died is claimed again after the lease
and resent with the same key, so delivery is at-least-once and receivers drop repeats by key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

EMAIL, WEBHOOK, SMS = "email", "webhook", "sms"
CHANNELS = (EMAIL, WEBHOOK)  # a contractor's channels; SMS goes to residents only


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"
    CANCELLED = "cancelled"  # never sent: its assignment was replaced before delivery


class Delivery(StrEnum):
    """An appeal's delivery flag, separate from its status (DESIGN.md)."""

    NONE = "none"  # nothing to deliver (not assigned yet)
    PENDING = "pending"  # some required channel has not succeeded yet
    DELIVERED = "delivered"  # every required channel of the current assignment succeeded
    FAILED = "failed"  # a required message went dead: supervisors see it and may resend


@dataclass(frozen=True, slots=True)
class NewMessage:
    key: str
    event: str
    channel: str
    recipient: str
    payload: Mapping[str, Any]
    required: bool = False  # counts for the appeal's delivery flag
    secret_ref: str | None = None  # webhooks: where the signing secret lives


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    key: str
    event: str
    channel: str
    recipient: str
    payload: Mapping[str, Any]
    attempts: int
    secret_ref: str | None = None
    appeal_id: int | None = None
    decision_id: int | None = None
    contractor_id: int | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    ok: bool
    code: int | None = None  # HTTP status or SMTP reply code
    text: str = ""  # the response, shortened
    error: str = ""  # what went wrong, for people
    duration_ms: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one attempt: sent, retry at `retry_at`, or dead (failed, no retry)."""

    message: OutboxMessage
    result: DeliveryResult
    retry_at: datetime | None = None

    @property
    def counts_for_delivery(self) -> bool:
        m = self.message
        return m.required and m.appeal_id is not None and m.decision_id is not None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One message as `callcenter outbox list` and the dead-letter page show it."""

    id: int
    key: str
    event: str
    channel: str
    recipient: str
    state: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    last_error: str = ""
    appeal_number: str | None = None
    contractor: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One row of the delivery log (per contractor: attempts, responses, errors)."""

    at: datetime
    message_id: int
    attempt: int
    channel: str
    recipient: str
    ok: bool
    code: int | None
    text: str
    error: str
    duration_ms: int
    worker: str
    contractor: str | None = None
    appeal_number: str | None = None


def backoff(attempts: int, *, base: float, cap: float, jitter: float) -> float:
    """Seconds before the next attempt after `attempts` failures: exponential, capped, with
    "equal jitter" (`jitter` in [0, 1) picks a point in the upper half of the step)."""
    step = min(cap, base * 2.0 ** max(0, attempts - 1))
    return step / 2 + step / 2 * jitter
