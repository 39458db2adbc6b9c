"""`/outages/announcement`: what callers hear before the queue. Operators see what plays (to
know what a caller has already heard); supervisors switch announcements on (a text spoken by
the synthesiser, listened to first, or an uploaded recording) and off. The page says whether
Asterisk really plays it, as the AMI process last found."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from callcenter.core.web.i18n import language_of
from callcenter.core.web.labels import Labels, local_time, names_of
from callcenter.core.web.pages import render
from callcenter.outages.api import announcements_of
from callcenter.outages.model.announcements import (
    MAX_PLAYING,
    MAX_SECONDS,
    MAX_TEXT,
    MAX_UPLOAD,
    AnnouncementNotFound,
    AnnouncementRefused,
    Sound,
)
from callcenter.outages.model.texts import addresses, headline
from callcenter.users.access import allow
from callcenter.users.model import Principal, Role

router = APIRouter(include_in_schema=False)
PAGE = "/outages/announcement"
Desk = Annotated[Principal, Depends(allow(Role.OPERATOR, Role.SUPERVISOR))]
Switching = Annotated[Principal, Depends(allow(Role.SUPERVISOR))]


@router.get(PAGE, response_class=HTMLResponse)
async def page(request: Request, user: Desk,
               outage: Annotated[int | None, Query(ge=1)] = None) -> HTMLResponse:
    text = await announcements_of(request).text_for(outage) if outage else ""
    return await _page(request, user, text=text, outage_id=outage if text else None)


@router.post(PAGE, response_class=HTMLResponse)
async def switch_on(request: Request, user: Switching,
                    text: Annotated[str, Form(max_length=4000)] = "",
                    source: Annotated[str, Form(max_length=16)] = "speech",
                    action: Annotated[str, Form(max_length=16)] = "on",
                    outage_id: Annotated[int | None, Form(ge=1)] = None,
                    recording: Annotated[UploadFile | None, File()] = None) -> Response:
    service = announcements_of(request)
    try:
        if action == "preview":
            sound = await service.preview(text)
            return await _page(request, user, text=text, outage_id=outage_id, preview=sound)
        if source == "recording":
            data = await recording.read(MAX_UPLOAD + 1) if recording is not None else b""
            await service.play_recording(data, text, outage_id, user.username)
        else:
            await service.speak(text, outage_id, user.username)
    except AnnouncementRefused as exc:
        return await _page(request, user, text=text, outage_id=outage_id, source=source,
                           problem=exc.error_id, detail=str(exc), status=422)
    return RedirectResponse(f"{PAGE}?on=1", status_code=303)


@router.post(PAGE + "/{announcement_id}/off")
async def switch_off(request: Request, user: Switching, announcement_id: int) -> Response:
    try:
        await announcements_of(request).switch_off(announcement_id, user.username)
    except AnnouncementNotFound:
        return await _page(request, user, problem="not_found", status=404)
    return RedirectResponse(f"{PAGE}?off=1", status_code=303)


@router.get(PAGE + "/sounds/{name}.wav")
async def sound(request: Request, user: Desk, name: str) -> Response:
    path = announcements_of(request).sound_path(name)
    if path is None:
        return Response(status_code=404)
    return FileResponse(path, media_type="audio/wav",
                        headers={"cache-control": "private, max-age=86400"})


async def _page(request: Request, user: Principal, *, text: str = "",
                outage_id: int | None = None, preview: Sound | None = None,
                source: str = "speech", problem: str | None = None, detail: str = "",
                status: int = 200) -> HTMLResponse:
    service = announcements_of(request)
    view = await service.view()
    return render(request, "outages/announcement.html", status=status, principal=user,
                  view=view, state=service.state_of(view),
                  local=local_time(ZoneInfo(service.timezone)),
                  labels=Labels(language_of(request), await names_of(request)),
                  can_switch=user.role in (Role.SUPERVISOR, Role.ADMIN),
                  outages=[(o.id, f"{headline(o)}: {'; '.join(addresses(o.places))}")
                           for o in await service.outages_to_announce()], text=text,
                  outage_id=outage_id, preview=preview, source=source, problem=problem,
                  detail=detail, max_text=MAX_TEXT, max_seconds=MAX_SECONDS,
                  max_playing=MAX_PLAYING,
                  switched=request.query_params.get("on") or request.query_params.get("off"))
