"""Replaying recordings: list an appeal's recordings, authorize a replay (a reason, one audit
row, a short-lived ticket), and hand the web layer the file a valid ticket may play.

A ticket is bound to the session (or contractor link) that obtained it and to one recording,
so a URL copied into another browser, or a guessed recording id, plays nothing. The browser's
Range requests while playing and seeking present the same ticket: one replay, one audit row.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

import structlog

from callcenter.appeals.model.listing import HistoryItem
from callcenter.recordings.model.disputes import ContractorLink, LinkNotFound
from callcenter.recordings.model.replay import (
    AppealNotFound,
    AppealSummary,
    AppealWithRecordings,
    AuditEntry,
    Grant,
    NewAudit,
    RecordingFileMissing,
    RecordingInfo,
    RecordingNotFound,
    RecordingUnavailable,
    ReplayNotAuthorized,
    Ticket,
    Via,
    check_reason,
    check_supervisor,
    media_type,
    who_of,
)
from callcenter.users.model import Principal
from callcenter.users.service import token_hash

log = structlog.get_logger("callcenter.replay")


class ReplayStore(Protocol):
    async def appeal(self, number: str) -> AppealSummary | None: ...

    async def recordings_of(self, number: str) -> list[RecordingInfo]: ...

    async def recording(self, recording_id: str) -> RecordingInfo | None: ...

    async def append_audit(self, entries: Sequence[NewAudit]) -> list[int]: ...

    async def ticket(self, ticket_hash: str) -> Ticket | None: ...

    async def audit_of(self, recording_ids: Sequence[str]) -> list[AuditEntry]: ...

    async def link_by_token(self, token_hash: str) -> ContractorLink | None: ...

    async def history(self, number: str) -> list[HistoryItem]: ...

    async def appeals_with_recordings(self, limit: int) -> list[AppealWithRecordings]: ...


@dataclass(frozen=True, slots=True)
class ReplaySettings:
    archive_dir: Path  # recordings.dir: every path a row holds is relative to it
    grant_minutes: float = 30.0


@dataclass(frozen=True, slots=True)
class Playable:
    """A file a ticket may play, checked to be inside the archive and present."""

    recording_id: str
    path: Path
    media_type: str
    stat: os.stat_result


@dataclass(frozen=True, slots=True)
class LinkView:
    link: ContractorLink
    recordings: list[RecordingInfo]


def utc_now() -> datetime:
    return datetime.now(UTC)


def file_in_archive(root: Path, relative: str, *, recording_id: str) -> Path:
    """The absolute path of an archive file; never outside the archive, whatever a row says."""
    base = root.resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base):
        log.error("recording_path_outside_archive", recording=recording_id, path=relative)
        raise RecordingFileMissing(f"recording {recording_id}: its path leaves the archive")
    return path


class Replays:
    def __init__(self, store: ReplayStore, settings: ReplaySettings, *,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.settings = settings
        self._clock = clock

    # -- what supervisors see ------------------------------------------------------------------

    async def appeal(self, number: str) -> AppealSummary:
        found = await self.store.appeal(number)
        if found is None:
            raise AppealNotFound(f"no appeal {number}")
        return found

    async def recordings_of(self, number: str) -> list[RecordingInfo]:
        await self.appeal(number)
        return await self.store.recordings_of(number)

    async def audit_of(self, recording_id: str) -> list[AuditEntry]:
        await self._recording(recording_id)
        return await self.store.audit_of([recording_id])

    async def appeals_with_recordings(self, limit: int = 50) -> list[AppealWithRecordings]:
        return await self.store.appeals_with_recordings(limit)

    # -- a supervisor's replay -----------------------------------------------------------------

    async def authorize(self, principal: Principal, *, recording_id: str, reason: str | None,
                        client: str) -> Grant:
        """Audit one replay and issue the ticket the player presents."""
        check_supervisor(principal)
        why = check_reason(reason)
        recording = await self._recording(recording_id)
        self.playable(recording)
        return await self._issue(recording, why=why, who=who_of(principal),
                                 user_id=principal.user_id, via=Via.SUPERVISOR, client=client,
                                 session_id=principal.session_id)

    async def play(self, principal: Principal, *, recording_id: str,
                   grant: str) -> Playable:
        check_supervisor(principal)
        ticket = await self.store.ticket(token_hash(grant)) if grant else None
        if ticket is None or not ticket.admits(recording_id=recording_id,
                                               session_id=principal.session_id,
                                               link_id=None, now=self._clock()):
            raise ReplayNotAuthorized("no valid replay ticket of this session for this "
                                      "recording; give the reason and press play again")
        return self.playable(await self._recording(recording_id))

    # -- a contractor's link -------------------------------------------------------------------

    async def link_view(self, token: str) -> LinkView:
        link = await self._usable_link(token)
        recordings = [r for r in await self.store.recordings_of(link.appeal_number)
                      if link.covers(r.id)]
        return LinkView(link, recordings)

    async def authorize_link(self, *, token: str, recording_id: str, client: str) -> Grant:
        view = await self.link_view(token)
        link = view.link
        recording = next((r for r in view.recordings if r.id == recording_id), None)
        if recording is None:
            raise RecordingNotFound("this link does not cover that recording")
        self.playable(recording)
        reason = f"contractor link for {link.contractor}"
        if link.dispute_id is not None:
            reason += f", dispute {link.dispute_id}"
        return await self._issue(recording, why=reason, who=link.who, user_id=None,
                                 via=Via.CONTRACTOR_LINK, client=client, link_id=link.id)

    async def play_link(self, *, token: str, recording_id: str, grant: str) -> Playable:
        link = await self._usable_link(token)
        ticket = await self.store.ticket(token_hash(grant)) if grant else None
        if ticket is None or not ticket.admits(recording_id=recording_id, session_id=None,
                                               link_id=link.id, now=self._clock()):
            raise ReplayNotAuthorized("no valid replay ticket of this link for this recording")
        return self.playable(await self._recording(recording_id))

    async def _usable_link(self, token: str) -> ContractorLink:
        link = await self.store.link_by_token(token_hash(token)) if token else None
        if link is None:
            raise LinkNotFound("no such link")
        link.check_usable(self._clock())
        return link

    # -- shared --------------------------------------------------------------------------------

    async def _recording(self, recording_id: str) -> RecordingInfo:
        found = await self.store.recording(recording_id)
        if found is None:
            raise RecordingNotFound(f"no recording {recording_id}")
        return found

    def playable(self, recording: RecordingInfo) -> Playable:
        """The recording's compressed file, or a clear error (logged when the archive lost it)."""
        if not recording.playable or recording.stored_path is None:
            raise RecordingUnavailable(f"recording {recording.id} is {recording.state}: "
                                       "there is no file to play")
        path = file_in_archive(self.settings.archive_dir, recording.stored_path,
                               recording_id=recording.id)
        try:
            stat = path.stat()
        except OSError as exc:
            log.error("recording_file_missing", recording=recording.id,
                      path=recording.stored_path, error=str(exc))
            raise RecordingFileMissing(f"recording {recording.id}: the archive has no file "
                                       f"{recording.stored_path}") from exc
        return Playable(recording.id, path, media_type(recording.format), stat)

    async def _issue(self, recording: RecordingInfo, *, why: str, who: str,
                     user_id: int | None, via: Via, client: str,
                     session_id: int | None = None, link_id: int | None = None) -> Grant:
        now = self._clock()
        token = secrets.token_urlsafe(24)
        expires = now + timedelta(minutes=self.settings.grant_minutes)
        entry = NewAudit(at=now, recording_id=recording.id, user_id=user_id, who=who, via=via,
                         reason=why, client=client, link_id=link_id, session_id=session_id,
                         ticket_hash=token_hash(token), ticket_expires_at=expires)
        [audit_id] = await self.store.append_audit([entry])
        log.info("recording_replay_authorized", recording=recording.id, who=who, via=via.value,
                 client=client)
        return Grant(token=token, recording_id=recording.id, expires_at=expires,
                     audit_id=audit_id)
