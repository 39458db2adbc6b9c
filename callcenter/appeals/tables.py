"""Tables of appeals: the per-year counter, appeals, their history and attachments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.calls import tables as _calls  # noqa: F401  (a foreign key's target)
from callcenter.contractors import tables as _contractors  # noqa: F401  (a foreign key's target)
from callcenter.core.tables import Base, Id, UtcDateTime, trigram_index
from callcenter.users import tables as _users  # noqa: F401  (a foreign key's target)


class AppealCounter(Base):
    __tablename__ = "appeal_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


SEARCH_KEYS = ("search_address", "search_name", "search_text", "search_phone")


class Appeal(Base):
    __tablename__ = "appeals"
    __table_args__ = (UniqueConstraint("year", "sequence"),
                      Index("ix_appeals_category_address_key", "category", "address_key"),
                      *(trigram_index("appeals", key) for key in SEARCH_KEYS))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    # Any appeal born from a call links to it; only the automatic one also sets auto_call_id,
    # whose uniqueness guarantees exactly one automatic appeal per call.
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    auto_call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), unique=True)
    caller: Mapped[str | None] = mapped_column(String(32), index=True)
    caller_name: Mapped[str | None] = mapped_column(String(256))
    category: Mapped[str | None] = mapped_column(String(64), index=True)
    # The official street name (`вулиця Незалежності`), or as typed when not in the list.
    street: Mapped[str | None] = mapped_column(String(128))
    street_unlisted: Mapped[bool] = mapped_column(Boolean, server_default=false())
    house: Mapped[str | None] = mapped_column(String(32))
    flat: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(256))  # formatted, for display
    description: Mapped[str | None] = mapped_column(Text)
    # Why the call's recording is missing, corrupt or incomplete; null while all is well.
    recording_problem: Mapped[str | None] = mapped_column(Text)

    contact_name: Mapped[str | None] = mapped_column(String(128))
    contact_phone: Mapped[str | None] = mapped_column(String(32), index=True)
    # Portal and e-mail appeals: the address the resident gave (lower-cased), for the public
    # status pair and the confirmation mail.
    contact_email: Mapped[str | None] = mapped_column(String(254), index=True)
    # The resident said no to SMS about this appeal.
    sms_refused: Mapped[bool] = mapped_column(Boolean, server_default=false())
    emergency: Mapped[bool] = mapped_column(Boolean, server_default=false())
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Optimistic concurrency: every change increments it; a form carries the one it saw.
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    # Search keys (domain/appeal_search.py), written by the code with every change.
    search_address: Mapped[str] = mapped_column(String(256), server_default="")
    search_name: Mapped[str] = mapped_column(String(256), server_default="")
    search_text: Mapped[str] = mapped_column(Text, server_default="")
    search_phone: Mapped[str] = mapped_column(String(64), server_default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    # Routing and delivery (tables in routing/ and delivery/). `delivery` is a flag apart from the
    # status: none | pending | delivered | failed (domain.outbox.Delivery).
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractors.id"), index=True)
    priority: Mapped[str | None] = mapped_column(String(16))
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    delivery: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    planned_date: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)  # for the resident; notes go to history
    address_key: Mapped[str | None] = mapped_column(String(256))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))


class AppealHistory(Base):
    """Append-only: every change of an appeal, with who, when, from, to and why."""

    __tablename__ = "appeal_history"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")


class AppealAttachmentRow(Base):
    """Files a contractor attached to an answer (photos), by reference to stored files."""

    __tablename__ = "appeal_attachments"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    ref: Mapped[str] = mapped_column(String(512))
    kind: Mapped[str] = mapped_column(String(16), default="photo")
    actor: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())
