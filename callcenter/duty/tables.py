"""Tables of the duty desk. The journal, the checks, the handovers and their acknowledgements
and the assignments' notes are append-only: triggers refuse UPDATE and DELETE (migration
0101), and the working role is granted only SELECT and INSERT on them (`core.migrate`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.core.tables import Base, Id, UtcDateTime

APPEND_ONLY = ("duty_entries", "duty_checks", "duty_handovers", "duty_handover_acks",
               "duty_assignment_notes")


class DutyEntry(Base):
    __tablename__ = "duty_entries"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(Id)
    author: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    corrects_id: Mapped[int | None] = mapped_column(Id, ForeignKey("duty_entries.id"))


class DutyCheck(Base):
    __tablename__ = "duty_checks"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    day: Mapped[date | None] = mapped_column(Date, index=True)  # the slot answered (local)
    slot: Mapped[str | None] = mapped_column(String(5))
    result: Mapped[str] = mapped_column(String(8))
    remarks: Mapped[str] = mapped_column(Text)
    checked_by_id: Mapped[int] = mapped_column(Id)
    checked_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class DutyAlarm(Base):
    """A check not logged within its window; one per (day, slot): raised once."""

    __tablename__ = "duty_alarms"
    __table_args__ = (UniqueConstraint("day", "slot"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    slot: Mapped[str] = mapped_column(String(5))
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DutyHandover(Base):
    """The outgoing officer's summary; `follows` (the previous handover, 0 for the first) is
    unique: a shift is handed over once."""

    __tablename__ = "duty_handovers"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    follows: Mapped[int] = mapped_column(Id, unique=True)
    summary: Mapped[str] = mapped_column(Text)
    handed_by_id: Mapped[int] = mapped_column(Id)
    handed_by: Mapped[str] = mapped_column(String(200))
    handed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DutyHandoverAck(Base):
    __tablename__ = "duty_handover_acks"

    handover_id: Mapped[int] = mapped_column(Id, ForeignKey("duty_handovers.id"),
                                             primary_key=True)
    accepted_by_id: Mapped[int] = mapped_column(Id)
    accepted_by: Mapped[str] = mapped_column(String(200))
    accepted_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DutyAssignment(Base):
    __tablename__ = "duty_assignments"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    meeting_date: Mapped[date] = mapped_column(Date)
    owner: Mapped[str] = mapped_column(String(200))
    owner_email: Mapped[str] = mapped_column(String(254))
    deadline: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DutyAssignmentNote(Base):
    """Progress notes, append-only; a note may move the status (`status`, else empty)."""

    __tablename__ = "duty_assignment_notes"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(Id, ForeignKey("duty_assignments.id"),
                                               index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
