"""The duty desk's JSON shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from callcenter.core.web.bounds import MAX_ID, BodyDay
from callcenter.duty.model import (
    MAX_TEXT,
    Assignment,
    AssignmentStatus,
    Check,
    CheckResult,
    Entry,
    EntryKind,
    Handover,
)

Text = Annotated[str, Field(max_length=MAX_TEXT)]


class NewEntry(BaseModel):
    kind: EntryKind
    text: Text
    corrects: int | None = Field(default=None, ge=1, le=MAX_ID,
                                 description="The entry this one corrects (it stays as it was)")


class EntryView(BaseModel):
    id: int
    kind: EntryKind
    text: str
    author: str
    at: datetime
    corrects: int | None

    @classmethod
    def of(cls, e: Entry) -> EntryView:
        return cls(id=e.id, kind=e.kind, text=e.text, author=e.author, at=e.at,
                   corrects=e.corrects_id)


class NewCheck(BaseModel):
    result: CheckResult
    remarks: Text = ""


class CheckView(BaseModel):
    id: int
    day: date | None
    slot: str | None
    result: CheckResult
    remarks: str
    checked_by: str
    at: datetime

    @classmethod
    def of(cls, c: Check) -> CheckView:
        return cls(id=c.id, day=c.day, slot=c.slot, result=c.result, remarks=c.remarks,
                   checked_by=c.checked_by, at=c.at)


class SlotView(BaseModel):
    """A scheduled check of the day: its window, the check that answered it, or missed."""

    at: str
    opens: datetime
    closes: datetime
    check: CheckView | None
    missed: bool
    alarmed: bool


class NewHandover(BaseModel):
    summary: Text


class HandoverView(BaseModel):
    id: int
    summary: str
    handed_by: str
    handed_at: datetime
    accepted_by: str | None
    accepted_at: datetime | None

    @classmethod
    def of(cls, h: Handover) -> HandoverView:
        return cls(id=h.id, summary=h.summary, handed_by=h.handed_by, handed_at=h.handed_at,
                   accepted_by=h.accepted_by, accepted_at=h.accepted_at)


class NewAssignment(BaseModel):
    text: Text
    meeting_date: BodyDay
    owner: Annotated[str, Field(max_length=200)]
    owner_email: Annotated[str, Field(max_length=254)] = ""
    deadline: BodyDay


class NewNote(BaseModel):
    text: Text = ""
    status: AssignmentStatus | None = None


class AssignmentView(BaseModel):
    id: int
    text: str
    meeting_date: date
    owner: str
    deadline: date
    status: AssignmentStatus
    overdue: bool
    notes: list[str]

    @classmethod
    def of(cls, a: Assignment, today: date) -> AssignmentView:
        return cls(id=a.id, text=a.text, meeting_date=a.meeting_date, owner=a.owner,
                   deadline=a.deadline, status=a.status, overdue=a.overdue(today),
                   notes=[f"{at.isoformat()} {who}: {text}" for at, who, text in a.notes])
