"""The routing decisions table: which rule sent an appeal where, and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.appeals import tables as _appeals  # noqa: F401  (a foreign key's target)
from callcenter.contractors import tables as _contractors  # noqa: F401  (a foreign key's target)
from callcenter.core.tables import Base, Id, UtcDateTime


class RoutingDecisionRow(Base):
    """Every assignment of an appeal (by a rule, or a supervisor's reassignment), with why."""

    __tablename__ = "routing_decisions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    rule_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(16))
    deadline: Mapped[datetime] = mapped_column(UtcDateTime())
    callback: Mapped[bool] = mapped_column(Boolean, default=False)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    duty: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_contacts: Mapped[str] = mapped_column(Text, default="")  # JSON array
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
