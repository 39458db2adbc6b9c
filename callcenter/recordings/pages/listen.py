"""The contractor's link: a public page (the token is the key) with a player for the recordings
the link covers. Pressing play is audited like any replay (who: "contractor link <id>")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from callcenter.core.errors import DomainError, StoreUnavailable
from callcenter.core.web.errors import raises, rule_for
from callcenter.core.web.i18n import gettext, language_of
from callcenter.core.web.labels import Labels, names_of
from callcenter.core.web.pages import render
from callcenter.recordings.api.replay import AUDIO_RESPONSES, PLAY_ERRORS, audio_response
from callcenter.recordings.model.disputes import LinkExpired, LinkNotFound, LinkRevoked
from callcenter.recordings.model.replay import (
    RecordingNotFound,
    RecordingUnavailable,
)
from callcenter.recordings.pages.texts import script_texts
from callcenter.recordings.schemas import GrantView, LinkReplayRequest, Views, supervision_of
from callcenter.users.access import client_of, public

router = APIRouter(tags=["contractor link"], dependencies=[Depends(public())])
Token = Annotated[str, Path(max_length=64, description="The link's token")]
RecordingId = Annotated[str, Path(max_length=32)]
PRIVATE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"}
# A link's own errors (no one signs in, so no 401 or 403 but a refused ticket)
LINK_ERRORS = raises(LinkNotFound, LinkRevoked, LinkExpired, RecordingNotFound,
                     RecordingUnavailable, StoreUnavailable)


@router.get("/listen/{token}", include_in_schema=False, response_class=HTMLResponse)
async def listen_page(token: Token, request: Request) -> HTMLResponse:
    s = supervision_of(request)
    try:
        view = await s.replays.link_view(token)
    except DomainError as exc:
        rule = rule_for(exc)
        response = render(request, "recordings/listen_gone.html", status=rule.status,
                          message=gettext(language_of(request), rule.message))
        response.headers.update(PRIVATE)
        return response
    response = render(request, "recordings/listen.html",
                      link=Views(s).link(view.link, datetime.now(UTC)),
                      recordings=[Views(s).recording(r) for r in view.recordings],
                      token=token, texts=script_texts(language_of(request)),
                      labels=Labels(language_of(request), await names_of(request)))
    response.headers.update(PRIVATE)
    return response


@router.post("/listen/{token}/replays", status_code=201,
             responses=LINK_ERRORS)
async def listen_replay(token: Token, body: LinkReplayRequest, request: Request) -> GrantView:
    """Play one recording the link covers: audited, with a ticket bound to this link."""
    s = supervision_of(request)
    grant = await s.replays.authorize_link(token=token, recording_id=body.recording_id,
                                           client=client_of(request))
    url = f"/listen/{token}/recordings/{body.recording_id}/audio?grant={grant.token}"
    return Views(s).grant(grant, url)


@router.get("/listen/{token}/recordings/{recording_id}/audio", response_class=FileResponse,
            responses={**AUDIO_RESPONSES, **LINK_ERRORS, **PLAY_ERRORS})
@router.head("/listen/{token}/recordings/{recording_id}/audio", include_in_schema=False)
async def listen_audio(token: Token, recording_id: RecordingId,
                       grant: Annotated[str, Query(max_length=64)], request: Request) -> Response:
    """The recording while the link is valid, for a ticket of this link; seek with `Range`."""
    playable = await supervision_of(request).replays.play_link(
        token=token, recording_id=recording_id, grant=grant)
    return audio_response(playable)
