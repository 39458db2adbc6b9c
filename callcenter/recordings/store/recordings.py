"""The recordings table for the worker (services.recordings.RecordingStore) on SQLAlchemy.

Every state change is guarded by `state = 'pending'`, so a row leaves `pending` once, however
many workers or retries race for it. Flagging an appeal writes its history in the same
transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import bindparam, exists, false, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.core.tables import Base
from callcenter.recordings.model.recordings import Announcement, Archived, DueRecording, State
from callcenter.recordings.tables import Recording

SYSTEM = "system"
# Core: an executemany of INSERT ... SELECT
RECORDINGS = Base.metadata.tables[Recording.__tablename__]
PROBLEM_STATES = (State.MISSING.value, State.CORRUPT.value)
log = structlog.get_logger("callcenter.db")


def new_recording_id() -> str:
    """128 random bits: unguessable, safe in URLs and file names."""
    return secrets.token_hex(16)


class SqlRecordingStore:
    def __init__(self, db: Database, *, pbx: str) -> None:
        self._db = db
        self._pbx = pbx

    # -- new rows ------------------------------------------------------------------------------

    async def add_pending(self, items: Sequence[Announcement]) -> int:
        """Pending rows for a batch of announcements in one statement (on the intake's
        path: it runs after every stored batch); how many were new (-1: the driver does not
        say)."""
        if not items:
            return 0
        params = [{"rid": new_recording_id(), "linkedid": i.call_id, "path": i.path,
                   "at": i.at} for i in items]
        async with self._db.transaction() as session:
            result = await session.execute(self._adding_many(), params)
        added = int(getattr(result, "rowcount", -1))
        if 0 <= added < len(items):
            log.info("recordings_announced_again_or_unknown", announced=len(items), added=added)
        return added

    def _adding_many(self) -> Any:
        """INSERT ... SELECT from the call (and its automatic appeal) per announcement; an
        unknown call inserts nothing, a known path nothing twice."""
        at = bindparam("at", type_=Recording.__table__.c.created_at.type)
        source = (select(bindparam("rid"), Call.id, Appeal.id, bindparam("path"),
                         literal(State.PENDING.value), false(), literal(0), at, at, at)
                  .select_from(Call).outerjoin(Appeal, Appeal.auto_call_id == Call.id)
                  .where(Call.pbx == self._pbx, Call.linkedid == bindparam("linkedid")))
        insert = postgresql.insert if self._db.dialect == "postgresql" else sqlite.insert
        return insert(RECORDINGS).from_select(
            ["id", "call_id", "appeal_id", "announced_path", "state", "legal_hold", "attempts",
             "next_attempt_at", "created_at", "updated_at"], source).on_conflict_do_nothing()

    async def add_one(self, session: AsyncSession, call_id: str, path: str,
                      at: datetime) -> int:
        """A pending row for `path` of call `call_id` unless there is one; 1 if added."""
        row = (await session.execute(
            select(Call.id, Appeal.id).outerjoin(Appeal, Appeal.auto_call_id == Call.id)
            .where(Call.pbx == self._pbx, Call.linkedid == call_id))).first()
        if row is None:
            log.warning("recording_for_unknown_call", call_id=call_id, path=path)
            return 0
        insert = postgresql.insert if self._db.dialect == "postgresql" else sqlite.insert
        added = await session.scalar(insert(Recording).values(
            id=new_recording_id(), call_id=row[0], appeal_id=row[1], announced_path=path,
            state=State.PENDING.value, legal_hold=False, attempts=0, next_attempt_at=at,
            created_at=at, updated_at=at,
        ).on_conflict_do_nothing().returning(Recording.id))
        return 0 if added is None else 1

    async def adopt_announced(self, *, since: datetime, at: datetime) -> int:
        """Rows for ended calls that announced a recording but have none (the watcher missed
        them: the process died between the two commits, or the database was away)."""
        query = select(Call.linkedid, Call.recording_path).where(
            Call.pbx == self._pbx, Call.recording_path.is_not(None),
            Call.ended_at.is_not(None), Call.entered_at >= since,
            ~exists().where(Recording.call_id == Call.id))
        async with self._db.transaction() as session:
            rows = (await session.execute(query)).all()
            return sum([await self.add_one(session, r.linkedid, r.recording_path, at)
                        for r in rows])

    # -- the worker's queue --------------------------------------------------------------------

    async def due(self, *, now: datetime, limit: int) -> list[DueRecording]:
        query = (select(Recording.id, Call.linkedid, Recording.announced_path, Call.entered_at,
                        Call.ended_at, Recording.attempts)
                 .join(Call, Recording.call_id == Call.id)
                 .where(Recording.state == State.PENDING.value,
                        Recording.next_attempt_at <= now, Call.ended_at.is_not(None))
                 .order_by(Recording.next_attempt_at, Recording.id).limit(limit))
        async with self._db.transaction() as session:
            rows = (await session.execute(query)).all()
        return [DueRecording(r.id, r.linkedid, r.announced_path, r.entered_at,
                             r.ended_at or r.entered_at, r.attempts) for r in rows]

    async def mark_archived(self, recording_id: str, archived: Archived, *, at: datetime,
                            original_purge_after: datetime, purge_after: datetime) -> bool:
        corrupt = archived.corrupt is not None
        values: dict[str, Any] = {
            "state": State.CORRUPT.value if corrupt else State.STORED.value,
            "reason": archived.corrupt or archived.problem,
            "original_sha256": archived.original.sha256,
            "original_size": archived.original.size,
            "original_path": archived.original_path,
            "stored_sha256": archived.stored.sha256 if archived.stored else None,
            "stored_size": archived.stored.size if archived.stored else None,
            "stored_path": archived.stored_path, "duration": archived.duration,
            "format": archived.format, "stored_at": at, "last_error": None,
            "original_purge_after": original_purge_after,
            "purge_after": None if corrupt else purge_after,
        }
        action = ("recording_corrupt" if corrupt else
                  "recording_incomplete" if archived.problem else "recording_stored")
        return await self._leave_pending(recording_id, values, at=at, action=action)

    async def mark_missing(self, recording_id: str, *, reason: str, at: datetime) -> bool:
        values = {"state": State.MISSING.value, "reason": reason}
        return await self._leave_pending(recording_id, values, at=at,
                                         action="recording_missing")

    async def _leave_pending(self, recording_id: str, values: dict[str, Any], *, at: datetime,
                             action: str) -> bool:
        async with self._db.transaction() as session:
            appeal_id = (await session.execute(
                update(Recording).where(Recording.id == recording_id,
                                        Recording.state == State.PENDING.value)
                .values(**values, updated_at=at).returning(Recording.appeal_id))).first()
            if appeal_id is None:
                return False
            if appeal_id[0] is not None:
                await _flag_appeal(session, appeal_id[0], problem=values["reason"],
                                   action=action, at=at)
        return True

    async def retry_later(self, recording_id: str, *, error: str, at: datetime,
                          next_at: datetime) -> None:
        async with self._db.transaction() as session:
            await session.execute(
                update(Recording).where(Recording.id == recording_id,
                                        Recording.state == State.PENDING.value)
                .values(attempts=Recording.attempts + 1, last_error=error[:2000],
                        next_attempt_at=next_at, updated_at=at))

    async def hold(self, recording_ids: Sequence[str], *, on: bool, at: datetime) -> int:
        async with self._db.transaction() as session:
            changed = (await session.scalars(
                update(Recording).where(Recording.id.in_(list(recording_ids)))
                .values(legal_hold=on, updated_at=at).returning(Recording.id))).all()
        return len(changed)


async def _flag_appeal(session: AsyncSession, appeal_id: int, *, problem: str | None,
                       action: str, at: datetime) -> None:
    """Set (or clear) the appeal's recording problem, with a history row, when it changes."""
    appeal = await session.get(Appeal, appeal_id)
    if appeal is None or (problem is None and appeal.recording_problem is None):
        return
    if problem is None and await _other_problems(session, appeal_id):
        return
    appeal.recording_problem = problem
    appeal.updated_at = at
    session.add(AppealHistory(appeal_id=appeal_id, at=at, actor=SYSTEM, action=action,
                              from_status=appeal.status, to_status=appeal.status,
                              comment=problem or "the recording arrived and is stored"))


async def _other_problems(session: AsyncSession, appeal_id: int) -> bool:
    count = await session.scalar(select(func.count()).select_from(Recording).where(
        Recording.appeal_id == appeal_id, Recording.state.in_(PROBLEM_STATES)))
    return bool(count)
