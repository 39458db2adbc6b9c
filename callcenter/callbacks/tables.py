"""Tables of call-backs: the claims that keep two operators off one resident, every attempt
(with its outbound call) and the appeals a supervisor put on control."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.appeals import tables as _appeals  # noqa: F401  (a foreign key's target)
from callcenter.calls import tables as _calls  # noqa: F401  (a foreign key's target)
from callcenter.core.tables import Base, Id, UtcDateTime


class CallbackClaim(Base):
    """One operator is calling this resident (phone) until `expires_at`: unique on the phone."""

    __tablename__ = "callback_claims"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # missed | check | control
    username: Mapped[str] = mapped_column(String(128))
    seat: Mapped[str] = mapped_column(String(128))
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class CallbackAttempt(Base):
    """One call-back: asked on the web (`pending`), placed by the process holding the AMI link
    (`originating` -> `connected` | `failed`), its outcome recorded by the operator."""

    __tablename__ = "callback_attempts"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    phone: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    username: Mapped[str] = mapped_column(String(128))
    seat: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16), index=True)
    error: Mapped[str | None] = mapped_column(String(64))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    words: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AppealControl(Base):
    """A supervisor put the appeal on control: an operator calls the resident to check."""

    __tablename__ = "appeal_controls"

    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), primary_key=True,
                                           autoincrement=False)
    set_by: Mapped[str] = mapped_column(String(128))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
