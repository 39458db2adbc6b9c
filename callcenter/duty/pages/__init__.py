"""The duty desk's page (`/duty`), in Ukrainian: the alerting-system checks of the day and
their alarms, the shift journal (append only: a correction is a new entry), the handover,
the mayor's assignments, and the export of a period. Plain forms with the CSRF token."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callcenter.core.web.bounds import FIRST_DAY, LAST_DAY, MAX_ID, RowId
from callcenter.core.web.i18n import N_, gettext, language_of
from callcenter.core.web.pages import render
from callcenter.duty.model import MAX_TEXT, DutyError, EntryKind, HandoverRefused
from callcenter.duty.pages import export
from callcenter.duty.service import DutyDesk, Writer
from callcenter.users.access import allow
from callcenter.users.model import Principal, Role

router = APIRouter(include_in_schema=False)
OnShift = Annotated[Principal, Depends(allow(Role.OPERATOR, Role.SUPERVISOR))]
Supervisor = Annotated[Principal, Depends(allow(Role.SUPERVISOR))]
Text = Annotated[str, Form(max_length=MAX_TEXT)]
Short = Annotated[str, Form(max_length=254)]
FormDay = Annotated[date, Form(ge=FIRST_DAY, le=LAST_DAY)]
QueryDay = Annotated[date, Query(ge=FIRST_DAY, le=LAST_DAY)]

KINDS = {EntryKind.INFORMATION: N_("Incoming information"),
         EntryKind.REPORTED: N_("Reported to"),
         EntryKind.EMERGENCY: N_("Emergency and what was done"),
         EntryKind.CAMERA: N_("Camera observation"),
         EntryKind.SIGNAL: N_("Signal of the alerting system")}
STATUSES = {"open": N_("New"), "in_work": N_("In work"), "done": N_("Done"),
            "cancelled": N_("Withdrawn")}
INVALID = N_("Some fields are not filled in correctly.")
REFUSED = N_("The shift cannot be handed over or accepted now: it was done already, or the "
             "last handover still waits for the incoming officer.")


def desk_of(request: Request) -> DutyDesk:
    desk: DutyDesk = request.app.state.duty
    return desk


def writer(user: Principal) -> Writer:
    return Writer(user.user_id, user.display_name or user.username)


def back() -> RedirectResponse:
    return RedirectResponse("/duty", status_code=303)


@router.get("/duty", response_class=HTMLResponse)
async def desk_page(request: Request, user: OnShift) -> HTMLResponse:
    return await _page(request, user)


async def _page(request: Request, user: Principal, *, error: str = "",
                status: int = 200) -> HTMLResponse:
    desk = desk_of(request)
    today = desk.today()
    start = datetime.combine(today, time(0), tzinfo=desk.zone).astimezone(UTC)
    period = await desk.period(start, desk.now() + timedelta(seconds=1))
    assignments = await desk.assignments()
    language = language_of(request)
    return render(
        request, "duty/desk.html", status=status, principal=user, error=error,
        zone=desk.zone, today=today, slots=await desk.day(today),
        alarms=await desk.recent_alarms(), entries=list(reversed(period.entries)),
        loose_checks=[c for c in period.checks if c.slot is None],
        handover=await desk.latest_handover(), assignments=assignments,
        overdue=[a for a in assignments if a.overdue(today)],
        kinds={k.value: gettext(language, v) for k, v in KINDS.items()},
        statuses={k: gettext(language, v) for k, v in STATUSES.items()},
        supervisor=user.role in (Role.SUPERVISOR, Role.ADMIN))


async def _refused(request: Request, user: Principal, exc: Exception) -> HTMLResponse:
    message = REFUSED if isinstance(exc, HandoverRefused) else INVALID
    return await _page(request, user, error=gettext(language_of(request), message),
                       status=409 if isinstance(exc, HandoverRefused) else 422)


@router.post("/duty/entries", response_class=HTMLResponse, response_model=None)
async def write_entry(request: Request, user: OnShift, kind: Short, text: Text,
                      corrects: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None
                      ) -> Response:
    try:
        await desk_of(request).write(writer(user), kind, text, corrects)
    except DutyError as exc:
        return await _refused(request, user, exc)
    return back()


@router.post("/duty/checks", response_class=HTMLResponse, response_model=None)
async def log_check(request: Request, user: OnShift, result: Short,
                    remarks: Annotated[str, Form(max_length=MAX_TEXT)] = "") -> Response:
    try:
        await desk_of(request).log_check(writer(user), result, remarks)
    except DutyError as exc:
        return await _refused(request, user, exc)
    return back()


@router.post("/duty/handovers", response_class=HTMLResponse, response_model=None)
async def hand_over(request: Request, user: Supervisor, summary: Text) -> Response:
    try:
        await desk_of(request).hand_over(writer(user), summary)
    except DutyError as exc:
        return await _refused(request, user, exc)
    return back()


@router.post("/duty/handovers/accept", response_class=HTMLResponse, response_model=None)
async def accept(request: Request, user: Supervisor,
                 handover: Annotated[int, Form(ge=1, le=MAX_ID)]) -> Response:
    try:
        await desk_of(request).accept(writer(user), handover)
    except DutyError as exc:
        return await _refused(request, user, exc)
    return back()


@router.post("/duty/assignments", response_class=HTMLResponse, response_model=None)
async def add_assignment(request: Request, user: OnShift, text: Text, meeting_date: FormDay,
                         owner: Short, deadline: FormDay,
                         owner_email: Annotated[str, Form(max_length=254)] = "") -> Response:
    try:
        await desk_of(request).add_assignment(writer(user), text, meeting_date, owner,
                                              deadline, owner_email)
    except DutyError as exc:
        return await _refused(request, user, exc)
    return back()


@router.post("/duty/assignments/{assignment_id}/notes", response_class=HTMLResponse,
             response_model=None)
async def add_note(request: Request, user: OnShift, assignment_id: RowId,
                   text: Annotated[str, Form(max_length=MAX_TEXT)] = "",
                   status: Annotated[str, Form(max_length=16)] = "") -> Response:
    try:
        await desk_of(request).add_note(writer(user), assignment_id, text, status)
    except DutyError as exc:
        return await _refused(request, user, exc)
    return back()


@router.get("/duty/export", response_model=None)
async def export_period(request: Request, user: OnShift, since: QueryDay, until: QueryDay,
                        format: Annotated[str, Query(pattern="^(pdf|xlsx)$")] = "pdf"
                        ) -> Response:
    """A period of local days, both included, as PDF or XLSX."""
    desk = desk_of(request)
    if until < since:
        return await _page(request, user, error=gettext(language_of(request), INVALID),
                           status=422)
    start = datetime.combine(since, time(0), tzinfo=desk.zone).astimezone(UTC)
    end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=desk.zone)
    period = await desk.period(start, end.astimezone(UTC))
    name = f"duty-journal-{since.isoformat()}-{until.isoformat()}"
    if format == "xlsx":
        return Response(export.xlsx(period, desk.zone), headers={
            "Content-Disposition": f'attachment; filename="{name}.xlsx"'},
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    document = await asyncio.to_thread(export.pdf, period, desk.zone)
    return Response(document, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})
