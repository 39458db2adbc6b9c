"""What the replay and dispute API takes and returns (times in the configured zone's offset)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from pydantic import BaseModel, Field

from callcenter.core.web.bounds import MAX_ID
from callcenter.recordings.model.disputes import ContractorLink, Dispute, LinkState, Note
from callcenter.recordings.model.replay import AppealSummary, AuditEntry, Grant, RecordingInfo, Via
from callcenter.recordings.service.disputes import Disputes
from callcenter.recordings.service.evidence import EvidenceExport
from callcenter.recordings.service.replay import Replays


@dataclass(frozen=True)
class Supervision:
    """The services behind the supervisors' pages and API (app.state.supervision)."""

    replays: Replays
    disputes: Disputes
    evidence: EvidenceExport
    timezone: str

    def local(self, value: datetime) -> datetime:
        return value.astimezone(ZoneInfo(self.timezone))

    def maybe_local(self, value: datetime | None) -> datetime | None:
        return None if value is None else self.local(value)


def supervision_of(request: Request) -> Supervision:
    found: Supervision = request.app.state.supervision
    return found


class ReplayRequest(BaseModel):
    reason: str = Field(default="", max_length=2000,
                        description="Why you listen: required, 3-500 characters")


class LinkReplayRequest(BaseModel):
    recording_id: str = Field(min_length=1, max_length=32)


class DisputeRequest(BaseModel):
    contractor: str = Field(max_length=64, description="The contractor's code (422 unless 1-64 "
                            "latin letters, digits, '.', '_' or '-')")
    claim: str = Field(max_length=8000, description="required: blank is refused (422)")


class NoteRequest(BaseModel):
    text: str = Field(max_length=8000, description="required: blank is refused (422)")


class CloseRequest(BaseModel):
    decision: str = Field(max_length=8000, description="required: blank is refused (422)")


class ReleaseRequest(BaseModel):
    reason: str = Field(max_length=8000, description="why: 3-500 characters (else 422)")


class ReleasedView(BaseModel):
    released: int = Field(description="recordings taken off legal hold")


class LinkRequest(BaseModel):
    """Who hears it: the contractor of `dispute_id` (an open dispute about this appeal) or the
    one named by `contractor`; neither, or both naming different contractors, is refused
    (422)."""

    recording_id: str | None = Field(default=None, max_length=32,
                                     description="One recording; none: every recording")
    dispute_id: int | None = Field(default=None, ge=1, le=MAX_ID,
                                   description="The contractor comes from it")
    contractor: str | None = Field(default=None, max_length=64)
    hours: float | None = Field(default=None, gt=0, le=720,
                                description="How long the link works (default: config)")


class AppealView(BaseModel):
    number: str
    status: str
    channel: str
    opened_at: datetime
    caller: str | None
    category: str | None
    address: str | None


class RecordingView(BaseModel):
    id: str
    call_id: str
    state: str
    format: str | None
    duration: float | None
    legal_hold: bool
    stored_sha256: str | None
    stored_size: int | None
    original_sha256: str | None
    original_size: int | None
    original_kept: bool
    entered_at: datetime
    stored_at: datetime | None
    problem: str | None


class AppealRecordingsView(BaseModel):
    appeal: AppealView
    recordings: list[RecordingView]


class GrantView(BaseModel):
    grant: str
    audio_url: str
    expires_at: datetime
    audit_id: int


class AuditView(BaseModel):
    id: int
    at: datetime
    recording_id: str
    who: str
    via: Via
    reason: str
    client: str
    link_id: int | None


class NoteView(BaseModel):
    id: int
    at: datetime
    author: str
    text: str


class DisputeView(BaseModel):
    id: int
    appeal: str
    contractor: str
    claim: str
    state: str
    opened_by: str
    opened_at: datetime
    decision: str | None
    closed_by: str | None
    closed_at: datetime | None
    notes: list[NoteView]


class LinkView(BaseModel):
    id: int
    appeal: str
    recording_id: str | None
    dispute_id: int | None
    contractor: str
    state: LinkState
    expires_at: datetime
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None


class LinkGivenView(BaseModel):
    url: str = Field(description="Give this to the contractor; it is shown only once")
    link: LinkView


@dataclass(frozen=True)
class Views:
    """Domain records as API views, times in the configured zone."""

    s: Supervision

    def appeal(self, a: AppealSummary) -> AppealView:
        return AppealView(number=a.number, status=a.status, channel=a.channel,
                          opened_at=self.s.local(a.opened_at), caller=a.caller,
                          category=a.category, address=a.address)

    def recording(self, r: RecordingInfo) -> RecordingView:
        return RecordingView(
            id=r.id, call_id=r.call_id, state=r.state, format=r.format, duration=r.duration,
            legal_hold=r.legal_hold, stored_sha256=r.stored_sha256, stored_size=r.stored_size,
            original_sha256=r.original_sha256, original_size=r.original_size,
            original_kept=r.original_path is not None, entered_at=self.s.local(r.entered_at),
            stored_at=self.s.maybe_local(r.stored_at), problem=r.problem)

    def audit(self, a: AuditEntry) -> AuditView:
        return AuditView(id=a.id, at=self.s.local(a.at), recording_id=a.recording_id,
                         who=a.who, via=a.via, reason=a.reason, client=a.client,
                         link_id=a.link_id)

    def grant(self, g: Grant, audio_url: str) -> GrantView:
        return GrantView(grant=g.token, audio_url=audio_url,
                         expires_at=self.s.local(g.expires_at), audit_id=g.audit_id)

    def note(self, n: Note) -> NoteView:
        return NoteView(id=n.id, at=self.s.local(n.at), author=n.author, text=n.text)

    def dispute(self, d: Dispute) -> DisputeView:
        return DisputeView(id=d.id, appeal=d.appeal_number, contractor=d.contractor,
                           claim=d.claim, state=d.state.value, opened_by=d.opened_by,
                           opened_at=self.s.local(d.opened_at), decision=d.decision,
                           closed_by=d.closed_by, closed_at=self.s.maybe_local(d.closed_at),
                           notes=[self.note(n) for n in d.notes])

    def link(self, k: ContractorLink, now: datetime) -> LinkView:
        return LinkView(id=k.id, appeal=k.appeal_number, recording_id=k.recording_id,
                        dispute_id=k.dispute_id, contractor=k.contractor, state=k.state(now),
                        expires_at=self.s.local(k.expires_at), created_by=k.created_by,
                        created_at=self.s.local(k.created_at),
                        revoked_at=self.s.maybe_local(k.revoked_at), revoked_by=k.revoked_by)
