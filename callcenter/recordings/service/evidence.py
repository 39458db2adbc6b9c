"""The evidence bundle of an appeal: what a supervisor hands over when a dispute is settled.

`EvidenceExport.export` audits the export (one row per recording, like a replay) and gathers
everything; `services.evidence_zip.chunks` streams it as a ZIP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import structlog

from callcenter.appeals.model.listing import HistoryItem
from callcenter.recordings.model.disputes import ContractorLink, Dispute
from callcenter.recordings.model.replay import (
    AppealNotFound,
    AppealSummary,
    AuditEntry,
    NewAudit,
    RecordingInfo,
    Via,
    check_reason,
    check_supervisor,
    who_of,
)
from callcenter.users.model import Principal

log = structlog.get_logger("callcenter.evidence")


class EvidenceSource(Protocol):
    async def appeal(self, number: str) -> AppealSummary | None: ...

    async def recordings_of(self, number: str) -> list[RecordingInfo]: ...

    async def append_audit(self, entries: Sequence[NewAudit]) -> list[int]: ...

    async def audit_of(self, recording_ids: Sequence[str]) -> list[AuditEntry]: ...

    async def history(self, number: str) -> list[HistoryItem]: ...


class DisputeSource(Protocol):
    async def disputes_of(self, number: str) -> list[Dispute]: ...

    async def links_of(self, number: str) -> list[ContractorLink]: ...


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything an appeal's evidence bundle holds, gathered after the export was audited."""

    appeal: AppealSummary
    recordings: list[RecordingInfo]
    audit: list[AuditEntry]
    history: list[HistoryItem]
    disputes: list[Dispute]
    links: list[ContractorLink]
    made_at: datetime
    made_by: str
    reason: str
    archive_dir: Path
    timezone: str

    @property
    def filename(self) -> str:
        return f"evidence-{self.appeal.number}.zip"


def utc_now() -> datetime:
    return datetime.now(UTC)


class EvidenceExport:
    def __init__(self, source: EvidenceSource, disputes: DisputeSource, *, archive_dir: Path,
                 timezone: str, clock: Callable[[], datetime] = utc_now) -> None:
        self.source = source
        self.disputes = disputes
        self.archive_dir = archive_dir
        self.timezone = timezone
        self._clock = clock

    async def export(self, principal: Principal, *, number: str, reason: str | None,
                     client: str) -> Bundle:
        check_supervisor(principal)
        why = check_reason(reason)
        appeal = await self.source.appeal(number)
        if appeal is None:
            raise AppealNotFound(f"no appeal {number}")
        recordings = await self.source.recordings_of(number)
        now = self._clock()
        who = who_of(principal)
        await self.source.append_audit([
            NewAudit(at=now, recording_id=r.id, user_id=principal.user_id, who=who,
                     via=Via.EVIDENCE, reason=why, client=client,
                     session_id=principal.session_id) for r in recordings])
        log.info("evidence_exported", appeal=number, who=who, recordings=len(recordings))
        return Bundle(
            appeal=appeal, recordings=recordings,
            audit=await self.source.audit_of([r.id for r in recordings]),
            history=await self.source.history(number),
            disputes=await self.disputes.disputes_of(number),
            links=await self.disputes.links_of(number), made_at=now, made_by=who,
            reason=why, archive_dir=self.archive_dir, timezone=self.timezone)
