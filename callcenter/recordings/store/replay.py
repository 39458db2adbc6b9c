"""Recordings to replay, the append-only replay audit and its tickets, on SQLAlchemy: the
`ReplayStore` of services.replay (and what services.evidence reads)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, func, insert, or_, select

from callcenter.appeals import rows as appeal_rows
from callcenter.appeals.model.listing import HistoryItem
from callcenter.appeals.tables import Appeal
from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.recordings.model.disputes import ContractorLink as Link
from callcenter.recordings.model.disputes import DisputeState
from callcenter.recordings.model.replay import (
    AppealSummary,
    AppealWithRecordings,
    AuditEntry,
    NewAudit,
    RecordingInfo,
    Ticket,
    Via,
)
from callcenter.recordings.tables import ContractorLink, Recording, ReplayAudit
from callcenter.recordings.tables import Dispute as DisputeRow


def summary_of(appeal: Appeal) -> AppealSummary:
    return AppealSummary(number=appeal.number, status=appeal.status, channel=appeal.channel,
                         opened_at=appeal.opened_at, caller=appeal.caller,
                         category=appeal.category, address=appeal.address,
                         description=appeal.description)


def info_of(row: Recording, call: Call, number: str | None) -> RecordingInfo:
    return RecordingInfo(
        id=row.id, appeal_number=number, call_id=call.linkedid, state=row.state,
        format=row.format, duration=row.duration, original_sha256=row.original_sha256,
        original_size=row.original_size,
        original_path=None if row.original_purged_at else row.original_path,
        stored_sha256=row.stored_sha256, stored_size=row.stored_size,
        stored_path=row.stored_path, legal_hold=row.legal_hold, entered_at=call.entered_at,
        stored_at=row.stored_at, problem=row.reason)


def link_of(row: ContractorLink, number: str) -> Link:
    return Link(id=row.id, appeal_number=number, recording_id=row.recording_id,
                dispute_id=row.dispute_id, contractor=row.contractor,
                expires_at=row.expires_at, created_by=row.created_by,
                created_at=row.created_at, revoked_at=row.revoked_at,
                revoked_by=row.revoked_by)


def of_appeal(appeal: Appeal) -> ColumnElement[bool]:
    """The recordings of an appeal: its own, and its call's when an operator added it."""
    if appeal.call_id is None:
        return Recording.appeal_id == appeal.id
    return or_(Recording.appeal_id == appeal.id, Recording.call_id == appeal.call_id)


class SqlReplayStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def appeal(self, number: str) -> AppealSummary | None:
        async with self._db.reading() as session:
            row = await session.scalar(select(Appeal).where(Appeal.number == number))
        return None if row is None else summary_of(row)

    async def recordings_of(self, number: str) -> list[RecordingInfo]:
        async with self._db.reading() as session:
            appeal = await session.scalar(select(Appeal).where(Appeal.number == number))
            if appeal is None:
                return []
            rows = (await session.execute(
                select(Recording, Call).join(Call, Call.id == Recording.call_id)
                .where(of_appeal(appeal)).order_by(Call.entered_at, Recording.id))).all()
        return [info_of(r, c, number) for r, c in rows]

    async def recording(self, recording_id: str) -> RecordingInfo | None:
        query = (select(Recording, Call, Appeal.number)
                 .join(Call, Call.id == Recording.call_id)
                 .outerjoin(Appeal, Appeal.id == Recording.appeal_id)
                 .where(Recording.id == recording_id))
        async with self._db.reading() as session:
            row = (await session.execute(query)).first()
        return None if row is None else info_of(row[0], row[1], row[2])

    async def append_audit(self, entries: Sequence[NewAudit]) -> list[int]:
        """Insert only: the table's triggers refuse anything else."""
        async with self._db.transaction() as session:
            return [int(await session.scalar(
                insert(ReplayAudit).values(**_audit_values(e)).returning(ReplayAudit.id))
                or 0) for e in entries]

    async def ticket(self, ticket_hash: str) -> Ticket | None:
        async with self._db.reading() as session:
            row = await session.scalar(select(ReplayAudit).where(
                ReplayAudit.ticket_hash == ticket_hash))
        if row is None or row.ticket_expires_at is None:
            return None
        return Ticket(audit_id=row.id, recording_id=row.recording_id,
                      session_id=row.session_id, link_id=row.link_id,
                      expires_at=row.ticket_expires_at)

    async def audit_of(self, recording_ids: Sequence[str]) -> list[AuditEntry]:
        query = (select(ReplayAudit).where(ReplayAudit.recording_id.in_(list(recording_ids)))
                 .order_by(ReplayAudit.at, ReplayAudit.id))
        async with self._db.reading() as session:
            rows = (await session.scalars(query)).all()
        return [AuditEntry(id=r.id, at=r.at, recording_id=r.recording_id, user_id=r.user_id,
                           who=r.who, via=Via(r.via), reason=r.reason, client=r.client,
                           link_id=r.link_id) for r in rows]

    async def link_by_token(self, token_hash: str) -> Link | None:
        query = (select(ContractorLink, Appeal.number)
                 .join(Appeal, Appeal.id == ContractorLink.appeal_id)
                 .where(ContractorLink.token_hash == token_hash))
        async with self._db.reading() as session:
            row = (await session.execute(query)).first()
        return None if row is None else link_of(row[0], row[1])

    async def history(self, number: str) -> list[HistoryItem]:
        return await appeal_rows.appeal_history(self._db, number)

    async def appeals_with_recordings(self, limit: int) -> list[AppealWithRecordings]:
        held = func.sum(case((Recording.legal_hold, 1), else_=0))
        disputes = (select(func.count()).select_from(DisputeRow)
                    .where(DisputeRow.appeal_id == Appeal.id,
                           DisputeRow.state == DisputeState.OPEN.value)
                    .scalar_subquery())
        query = (select(Appeal.number, Appeal.status, Appeal.opened_at,
                        func.count(Recording.id), held, disputes)
                 .join(Recording, Recording.appeal_id == Appeal.id)
                 .group_by(Appeal.id, Appeal.number, Appeal.status, Appeal.opened_at)
                 .order_by(Appeal.opened_at.desc(), Appeal.id.desc()).limit(limit))
        async with self._db.reading() as session:
            rows = (await session.execute(query)).all()
        return [AppealWithRecordings(number=r[0], status=r[1], opened_at=r[2],
                                     recordings=int(r[3]), on_hold=int(r[4] or 0),
                                     open_disputes=int(r[5] or 0)) for r in rows]


def _audit_values(entry: NewAudit) -> dict[str, Any]:
    return {"at": entry.at, "recording_id": entry.recording_id, "user_id": entry.user_id,
            "who": entry.who[:200], "via": entry.via.value, "link_id": entry.link_id,
            "reason": entry.reason, "client": entry.client[:128],
            "session_id": entry.session_id, "ticket_hash": entry.ticket_hash,
            "ticket_expires_at": entry.ticket_expires_at}
