"""Disputes, their notes and contractor links on SQLAlchemy: the `DisputeStore` of
services.disputes. Every step writes the appeal's history in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.core.database import Database
from callcenter.recordings.model.disputes import (
    Actor,
    ContractorLink,
    Dispute,
    DisputeClosed,
    DisputeNotFound,
    DisputeState,
    DisputeStillOpen,
    LinkNotFound,
    NewLink,
    Note,
)
from callcenter.recordings.model.replay import AppealNotFound
from callcenter.recordings.store.replay import link_of, of_appeal
from callcenter.recordings.tables import ContractorLink as LinkRow
from callcenter.recordings.tables import Dispute as DisputeRow
from callcenter.recordings.tables import DisputeNote, Recording


def _note(row: DisputeNote) -> Note:
    return Note(id=row.id, at=row.at, author=row.author, text=row.text)


def _dispute(row: DisputeRow, number: str, notes: Sequence[DisputeNote] = ()) -> Dispute:
    return Dispute(id=row.id, appeal_number=number, contractor=row.contractor, claim=row.claim,
                   state=DisputeState(row.state), opened_by=row.opened_by,
                   opened_at=row.opened_at, decision=row.decision, closed_by=row.closed_by,
                   closed_at=row.closed_at, notes=tuple(_note(n) for n in notes))


async def _appeal(session: AsyncSession, number: str) -> Appeal:
    appeal = await session.scalar(select(Appeal).where(Appeal.number == number))
    if appeal is None:
        raise AppealNotFound(f"no appeal {number}")
    return appeal


def _history(appeal: Appeal, *, actor: Actor, action: str, comment: str,
             at: datetime) -> AppealHistory:
    """A history row that leaves the status as it is: disputes never change it."""
    return AppealHistory(appeal_id=appeal.id, at=at, actor=actor.name, action=action,
                         from_status=appeal.status, to_status=appeal.status, comment=comment)


class SqlDisputeStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def appeal_recording_ids(self, number: str) -> list[str]:
        async with self._db.reading() as session:
            appeal = await _appeal(session, number)
            return list((await session.scalars(
                select(Recording.id).where(of_appeal(appeal)).order_by(Recording.id))).all())

    # -- disputes ------------------------------------------------------------------------------

    async def open_dispute(self, *, number: str, contractor: str, claim: str, actor: Actor,
                           at: datetime, comment: str) -> Dispute:
        async with self._db.transaction() as session:
            appeal = await _appeal(session, number)
            row = DisputeRow(appeal_id=appeal.id, contractor=contractor, claim=claim,
                             state=DisputeState.OPEN.value, opened_by_id=actor.user_id,
                             opened_by=actor.name, opened_at=at)
            session.add(row)
            await session.flush()
            session.add(_history(appeal, actor=actor, action="dispute_opened", at=at,
                                 comment=f"dispute {row.id} with {contractor}: {comment}"))
            return _dispute(row, number)

    async def add_note(self, *, dispute_id: int, text: str, actor: Actor,
                       at: datetime) -> Note:
        async with self._db.transaction() as session:
            row, appeal = await self._locked(session, dispute_id)
            if row.state != DisputeState.OPEN.value:
                raise DisputeClosed(f"dispute {dispute_id} is closed; notes are closed too")
            note = DisputeNote(dispute_id=row.id, at=at, author_id=actor.user_id,
                               author=actor.name, text=text)
            session.add(note)
            session.add(_history(appeal, actor=actor, action="dispute_note", at=at,
                                 comment=f"dispute {row.id}: {text}"))
            await session.flush()
            return _note(note)

    async def close_dispute(self, *, dispute_id: int, decision: str, actor: Actor,
                            at: datetime) -> Dispute:
        async with self._db.transaction() as session:
            row, appeal = await self._locked(session, dispute_id)
            if row.state != DisputeState.OPEN.value:
                raise DisputeClosed(f"dispute {dispute_id} is already closed")
            await session.execute(update(DisputeRow).where(DisputeRow.id == row.id).values(
                state=DisputeState.CLOSED.value, decision=decision,
                closed_by_id=actor.user_id, closed_by=actor.name, closed_at=at))
            session.add(_history(appeal, actor=actor, action="dispute_closed", at=at,
                                 comment=f"dispute {row.id} with {row.contractor}: {decision}"))
        found = await self.dispute(dispute_id)
        assert found is not None
        return found

    async def release_hold(self, *, number: str, reason: str, actor: Actor,
                           at: datetime) -> int:
        """Take the appeal's recordings off legal hold, with the reason in its history, in one
        transaction; refused while a dispute about the appeal is open."""
        async with self._db.transaction() as session:
            appeal = await _appeal(session, number)
            still_open = await session.scalar(select(DisputeRow.id).where(
                DisputeRow.appeal_id == appeal.id,
                DisputeRow.state == DisputeState.OPEN.value).limit(1))
            if still_open is not None:
                raise DisputeStillOpen(f"dispute {still_open} about {number} is still open")
            released = (await session.execute(
                update(Recording).where(of_appeal(appeal), Recording.legal_hold.is_(True))
                .values(legal_hold=False, updated_at=at).returning(Recording.id))).all()
            session.add(_history(appeal, actor=actor, action="legal_hold_released", at=at,
                                 comment=f"{len(released)} recording(s) released: {reason}"))
            return len(released)

    async def _locked(self, session: AsyncSession,
                      dispute_id: int) -> tuple[DisputeRow, Appeal]:
        """The dispute, locked against a concurrent close (PostgreSQL; SQLite has one writer)."""
        row = (await session.execute(
            select(DisputeRow, Appeal).join(Appeal, Appeal.id == DisputeRow.appeal_id)
            .where(DisputeRow.id == dispute_id).with_for_update(of=DisputeRow))).first()
        if row is None:
            raise DisputeNotFound(f"no dispute {dispute_id}")
        return row[0], row[1]

    async def dispute(self, dispute_id: int) -> Dispute | None:
        found = await self._disputes(DisputeRow.id == dispute_id)
        return found[0] if found else None

    async def disputes_of(self, number: str) -> list[Dispute]:
        return await self._disputes(Appeal.number == number)

    async def open_disputes(self, limit: int) -> list[Dispute]:
        return await self._disputes(DisputeRow.state == DisputeState.OPEN.value, limit=limit)

    async def _disputes(self, condition: ColumnElement[bool], *,
                        limit: int | None = None) -> list[Dispute]:
        query = (select(DisputeRow, Appeal.number).join(Appeal, Appeal.id == DisputeRow.appeal_id)
                 .where(condition).order_by(DisputeRow.opened_at, DisputeRow.id).limit(limit))
        async with self._db.reading() as session:
            rows = (await session.execute(query)).all()
            ids = [r[0].id for r in rows]
            notes = (await session.scalars(select(DisputeNote).where(
                DisputeNote.dispute_id.in_(ids)).order_by(DisputeNote.id))).all()
        by_dispute: dict[int, list[DisputeNote]] = {}
        for note in notes:
            by_dispute.setdefault(note.dispute_id, []).append(note)
        return [_dispute(r, n, by_dispute.get(r.id, [])) for r, n in rows]

    # -- contractor links ----------------------------------------------------------------------

    async def add_link(self, link: NewLink, *, comment: str) -> ContractorLink:
        async with self._db.transaction() as session:
            appeal = await _appeal(session, link.appeal_number)
            new_id = await session.scalar(insert(LinkRow).values(
                token_hash=link.token_hash, appeal_id=appeal.id,
                recording_id=link.recording_id, dispute_id=link.dispute_id,
                contractor=link.contractor, expires_at=link.expires_at,
                created_by_id=link.created_by_id, created_by=link.created_by,
                created_at=link.created_at).returning(LinkRow.id))
            actor = Actor(link.created_by_id, link.created_by)
            session.add(_history(appeal, actor=actor, action="contractor_link_given",
                                 at=link.created_at, comment=f"link {new_id}: {comment}"))
            row = await session.get(LinkRow, new_id)
            assert row is not None
            return link_of(row, appeal.number)

    async def revoke_link(self, *, link_id: int, actor: Actor, at: datetime) -> ContractorLink:
        async with self._db.transaction() as session:
            row = await session.get(LinkRow, link_id)
            if row is None:
                raise LinkNotFound(f"no contractor link {link_id}")
            appeal = await session.get(Appeal, row.appeal_id)
            assert appeal is not None
            if row.revoked_at is None:
                row.revoked_at = at
                row.revoked_by = actor.name
                session.add(_history(appeal, actor=actor, action="contractor_link_revoked",
                                     at=at, comment=f"link {row.id} for {row.contractor}"))
            return link_of(row, appeal.number)

    async def links_of(self, number: str) -> list[ContractorLink]:
        query = (select(LinkRow).join(Appeal, Appeal.id == LinkRow.appeal_id)
                 .where(Appeal.number == number).order_by(LinkRow.id))
        async with self._db.reading() as session:
            rows = (await session.scalars(query)).all()
        return [link_of(r, number) for r in rows]
