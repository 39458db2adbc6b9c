"""Tables of the pop channel between processes: pop messages and pop commands."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.core.tables import Base, Id, UtcDateTime


class PopMessage(Base):
    """A screen-pop message on its way to the other web processes (pruned after an hour)."""

    __tablename__ = "pop_messages"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    # The publishing process (a random token): a process skips its own messages.
    origin: Mapped[str] = mapped_column(String(32))
    seat: Mapped[str | None] = mapped_column(String(128))  # None: for the board only
    body: Mapped[str] = mapped_column(Text)  # the JSON message as sent to the socket


class PopCommand(Base):
    """Pause / resume asked in a web-only process, for the process holding the AMI link."""

    __tablename__ = "pop_commands"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    seat: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))  # pause | resume
    # pending -> taken -> done | failed; pending -> expired when nobody took it in time
    state: Mapped[str] = mapped_column(String(16), index=True)
    error_id: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(Text)  # the "paused" message, JSON
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
