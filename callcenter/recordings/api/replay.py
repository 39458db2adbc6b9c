"""The supervisors' replay API: an appeal's recordings, authorizing a replay (reason -> audit
row -> ticket), the audio itself with HTTP Range, the audit, and the evidence bundle."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse

from callcenter.core.web.errors import raises
from callcenter.core.web.request_text import STORABLE
from callcenter.recordings.model.replay import (
    AppealNotFound,
    InvalidReason,
    RecordingFileMissing,
    RecordingNotFound,
    RecordingUnavailable,
    ReplayNotAuthorized,
)
from callcenter.recordings.schemas import (
    AppealRecordingsView,
    AuditView,
    GrantView,
    ReplayRequest,
    Views,
    supervision_of,
)
from callcenter.recordings.service import evidence_zip
from callcenter.recordings.service.replay import Playable
from callcenter.users.access import allow, client_of
from callcenter.users.model import Principal, Role

router = APIRouter(tags=["recordings"])
Supervisor = Annotated[Principal, Depends(allow(Role.SUPERVISOR))]
Number = Annotated[str, Path(max_length=24, description="YYYY-NNNNNN")]
RecordingId = Annotated[str, Path(max_length=32, description="The recording's id (32 hex)")]
Reason = Annotated[str, Form(max_length=2000, pattern=STORABLE)]
GrantToken = Annotated[str, Query(max_length=64, description="The ticket from POST .../replays")]
PLAY_ERRORS = raises(ReplayNotAuthorized, RecordingNotFound, RecordingUnavailable,
                     RecordingFileMissing)
AUDIO_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"audio/mpeg": {}}, "description": "The whole file"},
    206: {"content": {"audio/mpeg": {}}, "description": "The requested byte range(s)"},
    403: {"description": "No valid ticket of this session for this recording"},
    410: {"description": "The archive lost the file (logged)"},
    416: {"description": "The range lies beyond the file"},
}


def audio_response(playable: Playable) -> FileResponse:
    """The file with Range support (Starlette answers 206, 416, multipart ranges); private."""
    return FileResponse(playable.path, media_type=playable.media_type, stat_result=playable.stat,
                        headers={"Cache-Control": "private, no-store"},
                        content_disposition_type="inline")


@router.get("/api/appeals/{number}/recordings",
             responses=raises(AppealNotFound))
async def appeal_recordings(number: Number, request: Request,
                            _user: Supervisor) -> AppealRecordingsView:
    """The appeal and its recordings (its own, and its call's)."""
    s = supervision_of(request)
    views = Views(s)
    appeal = await s.replays.appeal(number)
    recordings = await s.replays.recordings_of(number)
    return AppealRecordingsView(appeal=views.appeal(appeal),
                                recordings=[views.recording(r) for r in recordings])


@router.post("/api/recordings/{recording_id}/replays", status_code=201,
             responses=raises(RecordingNotFound, InvalidReason, RecordingUnavailable))
async def authorize_replay(recording_id: RecordingId, body: ReplayRequest, request: Request,
                           user: Supervisor) -> GrantView:
    """Say why you listen: one audit row, and a short-lived ticket for this session that the
    player presents in `audio_url` (its Range requests are part of this one replay)."""
    s = supervision_of(request)
    grant = await s.replays.authorize(user, recording_id=recording_id, reason=body.reason,
                                      client=client_of(request))
    url = f"/api/recordings/{recording_id}/audio?grant={grant.token}"
    return Views(s).grant(grant, url)


@router.get("/api/recordings/{recording_id}/audio", response_class=FileResponse,
            responses={**AUDIO_RESPONSES, **PLAY_ERRORS})
@router.head("/api/recordings/{recording_id}/audio", include_in_schema=False)
async def recording_audio(recording_id: RecordingId, grant: GrantToken, request: Request,
                          user: Supervisor) -> Response:
    """The compressed recording, for the ticket's own session only; seek with `Range`."""
    playable = await supervision_of(request).replays.play(user, recording_id=recording_id,
                                                          grant=grant)
    return audio_response(playable)


@router.get("/api/recordings/{recording_id}/audit",
             responses=raises(RecordingNotFound))
async def recording_audit(recording_id: RecordingId, request: Request,
                          _user: Supervisor) -> list[AuditView]:
    """Every replay and export of this recording, oldest first. Nobody can edit it."""
    s = supervision_of(request)
    return [Views(s).audit(a) for a in await s.replays.audit_of(recording_id)]


@router.post("/api/appeals/{number}/evidence", response_class=StreamingResponse,
             responses={**raises(AppealNotFound, InvalidReason),
                        200: {"content": {"application/zip": {}}}})
async def evidence_bundle(number: Number, request: Request, user: Supervisor,
                          reason: Reason = "") -> Response:
    """The evidence bundle (ZIP, streamed): original and compressed audio, SHA256SUMS, the
    audit excerpt, the history, the disputes with notes. The export is audited."""
    bundle = await supervision_of(request).evidence.export(
        user, number=number, reason=reason, client=client_of(request))
    return StreamingResponse(evidence_zip.chunks(bundle), media_type="application/zip",
                             headers={"Content-Disposition":
                                      f'attachment; filename="{bundle.filename}"',
                                      "Cache-Control": "private, no-store"})
