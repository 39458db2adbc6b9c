"""The supervisors' pages: a landing page, open disputes and appeals with recordings, and one
appeal's recordings (player, audit, disputes, contractor links, evidence bundle)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callcenter.appeals.service.operators import Appeals
from callcenter.core.web.i18n import N_, gettext, language_of
from callcenter.core.web.labels import Labels, local_time, names_of
from callcenter.core.web.pages import render
from callcenter.recordings.model.replay import AppealNotFound
from callcenter.recordings.pages.texts import (
    DISPUTE_STATES,
    LINK_STATES,
    RECORDING_STATES,
    VIA,
    labels,
    script_texts,
)
from callcenter.recordings.schemas import Views, supervision_of
from callcenter.users.access import allow
from callcenter.users.model import Principal, Role

router = APIRouter(include_in_schema=False)
Supervisor = Annotated[Principal, Depends(allow(Role.SUPERVISOR))]
LINKS = [("/supervisor/disputes", N_("Disputes and recordings")),
         ("/supervisor/board", N_("Operators' board")),
         ("/supervisor/overdue", N_("Overdue appeals")),
         ("/supervisor/outbox", N_("Deliveries to contractors"))]
ADMIN_LINKS = [("/admin/contractors", N_("Contractors")), ("/admin/users", N_("Users")),
               ("/admin/open311", N_("Open311 keys"))]


@router.get("/supervisor", response_class=HTMLResponse)
async def landing(request: Request, user: Supervisor) -> HTMLResponse:
    language = language_of(request)
    shown = LINKS + (ADMIN_LINKS if user.role is Role.ADMIN else [])
    links = [{"href": href, "label": gettext(language, label)} for href, label in shown]
    return render(request, "recordings/home.html", principal=user, links=links)


@router.get("/supervisor/disputes", response_class=HTMLResponse)
async def disputes_page(request: Request, user: Supervisor) -> HTMLResponse:
    s = supervision_of(request)
    views = Views(s)
    words = Labels(language_of(request), await names_of(request))
    return render(request, "recordings/supervisor_disputes.html", principal=user, labels=words,
                  disputes=[views.dispute(d) for d in await s.disputes.open_list()],
                  appeals=await s.replays.appeals_with_recordings(),
                  local=s.local, states=labels(language_of(request), DISPUTE_STATES),
                  statuses=Labels(language_of(request)).statuses())


@router.get("/supervisor/recordings")
async def find_appeal(request: Request, _user: Supervisor,
                      number: Annotated[str, Query(max_length=24)] = "") -> Response:
    """The "find an appeal" form: on to its recordings page."""
    target = number.strip()
    if not target:
        return RedirectResponse("/supervisor/disputes", status_code=303)
    return RedirectResponse(f"/supervisor/appeals/{quote(target, safe='')}/recordings",
                            status_code=303)


@router.get("/supervisor/appeals/{number}/recordings", response_class=HTMLResponse)
async def recordings_page(request: Request, number: Annotated[str, Path(max_length=24)],
                          user: Supervisor) -> HTMLResponse:
    s = supervision_of(request)
    language = language_of(request)
    try:
        appeal = await s.replays.appeal(number)
    except AppealNotFound:
        return render(request, "recordings/supervisor_missing.html", principal=user, number=number,
                      status=404)
    views = Views(s)
    recordings = await s.replays.recordings_of(number)
    audit = await s.replays.store.audit_of([r.id for r in recordings])
    disputes = await s.disputes.of_appeal(number)
    now = datetime.now(UTC)
    words = Labels(language, await names_of(request))
    appeals: Appeals = request.app.state.appeals
    return render(
        request, "recordings/supervisor_recordings.html", principal=user,
        appeal=views.appeal(appeal), details=await appeals.details(number), labels=words,
        appeal_status=words.status(appeal.status), at=local_time(ZoneInfo(s.timezone)),
        recordings=[views.recording(r) for r in recordings],
        audit={r.id: [views.audit(a) for a in audit if a.recording_id == r.id]
               for r in recordings},
        disputes=[views.dispute(d) for d in disputes],
        open_disputes=[d for d in disputes if d.state.value == "open"],
        links=[views.link(k, now) for k in await s.disputes.links_of(number)],
        link_hours=s.disputes.link_hours, local=s.local, texts=script_texts(language),
        statuses=Labels(language).statuses(),
        recording_states=labels(language, RECORDING_STATES), via=labels(language, VIA),
        dispute_states=labels(language, DISPUTE_STATES),
        link_states=labels(language, LINK_STATES))
