"""The JSON shapes of the outbox: dead letters and the delivery log (times in the configured
zone's offset)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from callcenter.delivery.model.outbox import DeliveryAttempt, OutboxRow


class MessageView(BaseModel):
    id: int
    key: str
    event: str
    channel: str
    recipient: str
    state: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    last_error: str
    appeal_number: str | None
    contractor: str | None


class AttemptView(BaseModel):
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
    contractor: str | None
    appeal_number: str | None


class DeliveryViews:
    """Builds the views in one timezone."""

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)

    def time(self, value: datetime) -> datetime:
        return value.astimezone(self.zone)

    def message(self, row: OutboxRow) -> MessageView:
        return MessageView(id=row.id, key=row.key, event=row.event, channel=row.channel,
                           recipient=row.recipient, state=row.state, attempts=row.attempts,
                           next_attempt_at=self.time(row.next_attempt_at),
                           created_at=self.time(row.created_at), last_error=row.last_error,
                           appeal_number=row.appeal_number, contractor=row.contractor)

    def attempt(self, item: DeliveryAttempt) -> AttemptView:
        return AttemptView(at=self.time(item.at), message_id=item.message_id,
                           attempt=item.attempt, channel=item.channel, recipient=item.recipient,
                           ok=item.ok, code=item.code, text=item.text, error=item.error,
                           duration_ms=item.duration_ms, worker=item.worker,
                           contractor=item.contractor, appeal_number=item.appeal_number)
