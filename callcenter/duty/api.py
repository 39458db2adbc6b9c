"""The duty desk's JSON API: the journal (append only: there is no way to change or remove
an entry, a correction is a new entry), the checks, the handover, the assignments."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from callcenter.core.web.bounds import Day, RowId
from callcenter.core.web.errors import raises
from callcenter.duty.model import DutyError, HandoverRefused
from callcenter.duty.schemas import (
    AssignmentView,
    CheckView,
    EntryView,
    HandoverView,
    NewAssignment,
    NewCheck,
    NewEntry,
    NewHandover,
    NewNote,
    SlotView,
)
from callcenter.duty.service import DutyDesk, Writer
from callcenter.users.access import allow
from callcenter.users.model import Principal, Role

router = APIRouter(tags=["duty"])
# Operators and supervisors on shift write the journal; supervisors hand it over.
OnShift = Annotated[Principal, Depends(allow(Role.OPERATOR, Role.SUPERVISOR))]
Supervisor = Annotated[Principal, Depends(allow(Role.SUPERVISOR))]


def desk_of(request: Request) -> DutyDesk:
    desk: DutyDesk = request.app.state.duty
    return desk


def writer(user: Principal) -> Writer:
    return Writer(user.user_id, user.display_name or user.username)


def bounds(desk: DutyDesk, since: Day, until: Day) -> tuple[datetime, datetime]:
    """A period of local days (both included); today when not given."""
    first = since or desk.today()
    last = until or first
    start = datetime.combine(first, time(0), tzinfo=desk.zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=desk.zone)
    return start, end.astimezone(UTC)


@router.post("/api/duty/entries", status_code=201, responses=raises(DutyError))
async def write_entry(body: NewEntry, request: Request, user: OnShift) -> EntryView:
    """A journal entry; a signal entry is e-mailed to `[duty] signal_emails`."""
    entry = await desk_of(request).write(writer(user), body.kind.value, body.text,
                                         body.corrects)
    return EntryView.of(entry)


@router.get("/api/duty/entries", responses=raises(DutyError))
async def entries(request: Request, _user: OnShift, since: Day = None,
                  until: Day = None) -> list[EntryView]:
    """The journal of a period of local days (default: today)."""
    desk = desk_of(request)
    period = await desk.period(*bounds(desk, since, until))
    return [EntryView.of(e) for e in period.entries]


@router.post("/api/duty/checks", status_code=201, responses=raises(DutyError))
async def log_check(body: NewCheck, request: Request, user: OnShift) -> CheckView:
    """An alerting-system check: the result and remarks; it answers the scheduled check whose
    window holds the moment it is logged."""
    return CheckView.of(await desk_of(request).log_check(writer(user), body.result.value,
                                                         body.remarks))


@router.get("/api/duty/checks")
async def checks_of_day(request: Request, _user: OnShift, day: Day = None) -> list[SlotView]:
    """The scheduled checks of a local day (default: today): answered, missed (and alarmed)."""
    desk = desk_of(request)
    states = await desk.day(day)
    alarmed = {(a.day, a.slot) for a in await desk.alarms_of(day or desk.today())}
    return [SlotView(at=s.slot.at, opens=s.slot.opens, closes=s.slot.closes,
                     check=CheckView.of(s.check) if s.check else None, missed=s.missed,
                     alarmed=(s.slot.day, s.slot.at) in alarmed) for s in states]


@router.post("/api/duty/handovers", status_code=201,
             responses=raises(DutyError, HandoverRefused))
async def hand_over(body: NewHandover, request: Request, user: Supervisor) -> HandoverView:
    """The outgoing officer's summary; refused while the last one is not yet accepted."""
    return HandoverView.of(await desk_of(request).hand_over(writer(user), body.summary))


@router.post("/api/duty/handovers/{handover_id}/accept",
             responses=raises(DutyError, HandoverRefused))
async def accept(handover_id: RowId, request: Request, user: Supervisor) -> HandoverView:
    """The incoming officer acknowledges the handover, once."""
    return HandoverView.of(await desk_of(request).accept(writer(user), handover_id))


@router.post("/api/duty/assignments", status_code=201, responses=raises(DutyError))
async def add_assignment(body: NewAssignment, request: Request,
                         user: OnShift) -> AssignmentView:
    desk = desk_of(request)
    made = await desk.add_assignment(writer(user), body.text, body.meeting_date, body.owner,
                                     body.deadline, body.owner_email)
    return AssignmentView.of(made, desk.today())


@router.post("/api/duty/assignments/{assignment_id}/notes", status_code=201,
             responses=raises(DutyError))
async def add_note(assignment_id: RowId, body: NewNote, request: Request,
                   user: OnShift) -> None:
    """A progress note; with `status`, the assignment moves to it."""
    await desk_of(request).add_note(writer(user), assignment_id, body.text,
                                    body.status.value if body.status else "")


@router.get("/api/duty/assignments")
async def assignments(request: Request, _user: OnShift,
                      overdue: Annotated[bool, Query()] = False) -> list[AssignmentView]:
    """All assignments by deadline; `overdue=true`: only those past their deadline."""
    desk = desk_of(request)
    today = desk.today()
    return [AssignmentView.of(a, today) for a in await desk.assignments()
            if not overdue or a.overdue(today)]
