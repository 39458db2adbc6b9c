"""Tables of calls: one row per inbound call, and the rings of operators' seats."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.core.tables import Base, Id, UtcDateTime


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (UniqueConstraint("pbx", "linkedid"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    pbx: Mapped[str] = mapped_column(String(64))
    linkedid: Mapped[str] = mapped_column(String(64))
    trunk: Mapped[str] = mapped_column(String(64))
    line: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(128))
    caller: Mapped[str | None] = mapped_column(String(32), index=True)
    caller_raw: Mapped[str] = mapped_column(String(128))
    caller_name: Mapped[str | None] = mapped_column(String(256))
    carrier: Mapped[str | None] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    operator: Mapped[str | None] = mapped_column(String(128))
    outcome: Mapped[str] = mapped_column(String(16), default="in_progress")
    cause: Mapped[int | None] = mapped_column(Integer)
    cause_text: Mapped[str] = mapped_column(String(64), default="")
    recording_path: Mapped[str | None] = mapped_column(String(512))
    resynced: Mapped[bool] = mapped_column(Boolean, default=False)
    link_down: Mapped[bool] = mapped_column(Boolean, default=False)
    # inbound (a resident called the hotline) | outbound (a call-back we originated: `caller`
    # is then the resident called, `operator` the seat that called, and it opens no appeal)
    direction: Mapped[str] = mapped_column(String(16), server_default="inbound")


class CallRing(Base):
    """One ring of one operator seat for a call (ring-all rings several)."""

    __tablename__ = "call_rings"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    seat: Mapped[str] = mapped_column(String(128))
    rang_at: Mapped[datetime] = mapped_column(UtcDateTime())
    result: Mapped[str | None] = mapped_column(String(16))
