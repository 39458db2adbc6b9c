"""Tables of the outbox and its delivery log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.appeals import tables as _appeals  # noqa: F401  (a foreign key's target)
from callcenter.contractors import tables as _contractors  # noqa: F401  (a foreign key's target)
from callcenter.core.tables import Base, Id, UtcDateTime
from callcenter.routing import tables as _routing  # noqa: F401  (a foreign key's target)


class OutboxMessageRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    event: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(512))
    secret_ref: Mapped[str | None] = mapped_column(String(256))
    payload: Mapped[str] = mapped_column(Text)  # JSON
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("routing_decisions.id"),
                                                    index=True)
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractors.id"))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DeliveryAttemptRow(Base):
    """The delivery log: one row per attempt, per contractor."""

    __tablename__ = "delivery_log"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractors.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(512))
    ok: Mapped[bool] = mapped_column(Boolean)
    response_code: Mapped[int | None] = mapped_column(Integer)
    response_text: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(64), default="")
