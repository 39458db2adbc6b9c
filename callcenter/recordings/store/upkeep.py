"""The recordings table for reconcile, verify and purge (services.recording_upkeep)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select, update

from callcenter.appeals.tables import Appeal
from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.recordings.model.recordings import PurgeStep, Retained, State
from callcenter.recordings.service.upkeep import ArchivedFile, UnrecordedCall
from callcenter.recordings.store.recordings import SqlRecordingStore
from callcenter.recordings.tables import Recording


class SqlRecordingUpkeep:
    def __init__(self, db: Database, *, pbx: str) -> None:
        self._db = db
        self._pbx = pbx
        self._adding = SqlRecordingStore(db, pbx=pbx)

    async def _all(self, query: Any) -> list[Any]:
        async with self._db.transaction() as session:
            return list((await session.execute(query)).all())

    async def unrecorded_calls(self) -> list[UnrecordedCall]:
        rows = await self._all(
            select(Call.linkedid, Call.recording_path, Appeal.number)
            .outerjoin(Appeal, Appeal.auto_call_id == Call.id)
            .where(Call.pbx == self._pbx, Call.ended_at.is_not(None),
                   ~exists().where(Recording.call_id == Call.id))
            .order_by(Call.entered_at))
        return [UnrecordedCall(*row) for row in rows]

    async def announced_paths(self) -> list[str]:
        return [row[0] for row in await self._all(select(Recording.announced_path))]

    async def claim(self, call_id: str, path: str, *, at: datetime) -> bool:
        async with self._db.transaction() as session:
            return await self._adding.add_one(session, call_id, path, at) == 1

    async def missing(self) -> list[tuple[str, str]]:
        rows = await self._all(select(Recording.id, Recording.announced_path)
                               .where(Recording.state == State.MISSING.value))
        return [(row[0], row[1]) for row in rows]

    async def failing(self) -> list[tuple[str, str]]:
        rows = await self._all(select(Recording.id, Recording.last_error).where(
            Recording.state == State.PENDING.value, Recording.last_error.is_not(None)))
        return [(row[0], row[1]) for row in rows]

    async def requeue(self, recording_ids: Sequence[str], *, at: datetime) -> int:
        """Missing rows back to pending, failing ones due now; the worker does the rest."""
        if not recording_ids:
            return 0
        async with self._db.transaction() as session:
            changed = (await session.scalars(
                update(Recording).where(
                    Recording.id.in_(list(recording_ids)),
                    Recording.state.in_([State.MISSING.value, State.PENDING.value]))
                .values(state=State.PENDING.value, reason=None, next_attempt_at=at,
                        updated_at=at).returning(Recording.id))).all()
        return len(changed)

    async def archived_files(self) -> list[ArchivedFile]:
        rows = await self._all(
            select(Recording.id, Recording.original_path, Recording.original_sha256,
                   Recording.stored_path, Recording.stored_sha256)
            .where(or_(Recording.original_path.is_not(None),
                       Recording.stored_path.is_not(None))).order_by(Recording.id))
        files = []
        for r in rows:
            if r.original_path:
                files.append(ArchivedFile(r.id, "original", r.original_path,
                                          r.original_sha256 or ""))
            if r.stored_path:
                files.append(ArchivedFile(r.id, "compressed", r.stored_path,
                                          r.stored_sha256 or ""))
        return files

    async def retained(self, *, now: datetime) -> list[Retained]:
        rows = await self._all(
            select(Recording.id, Recording.legal_hold, Recording.original_path,
                   Recording.stored_path, Recording.original_purge_after,
                   Recording.purge_after)
            .where(or_(Recording.original_path.is_not(None) &
                       (Recording.original_purge_after <= now),
                       Recording.stored_path.is_not(None) & (Recording.purge_after <= now)))
            .order_by(Recording.id))
        return [Retained(*row) for row in rows]

    async def mark_purged(self, step: PurgeStep, *, at: datetime) -> bool:
        """Guarded by the legal hold, and done before the files go: a hold placed meanwhile
        wins, and a file that fails to go is an orphan reconcile reports, never a lost one."""
        values: dict[str, Any] = {"updated_at": at}
        if step.original_path:
            values |= {"original_path": None, "original_purged_at": at}
        if step.whole:
            values |= {"stored_path": None, "state": State.PURGED.value, "purged_at": at}
        async with self._db.transaction() as session:
            done = (await session.execute(
                update(Recording).where(Recording.id == step.id,
                                        Recording.legal_hold.is_(False))
                .values(**values).returning(Recording.id))).first()
        return done is not None
