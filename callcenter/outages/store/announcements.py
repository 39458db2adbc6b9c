"""Announcements' queries and writes, and what each PBX holds (the AMI process's report).

The calls an announcement met are read from the calls table (calls' table, open to other
features): inbound calls that entered while it played, and of those the ones that ended
before the queue with the caller hanging up (`queued_at` empty, outcome `abandoned`): the
callers the announcement answered.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.outages.model.announcements import (
    OFF_OUTAGE_OVER,
    Announcement,
    PbxNotice,
    Source,
)
from callcenter.outages.model.records import Outage
from callcenter.outages.rows import OPEN, as_outage, places_of
from callcenter.outages.service.announcements import NewAnnouncement
from callcenter.outages.tables import AnnouncementRow, OutageRow, PbxNoticeRow


class SqlAnnouncements:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def switch_on(self, new: NewAnnouncement, at: datetime, most: int) -> int | None:
        """None when `most` already play (counted in the same transaction)."""
        async with self._db.transaction() as session:
            playing = await session.scalar(select(func.count()).select_from(AnnouncementRow)
                                           .where(AnnouncementRow.off_at.is_(None)))
            if (playing or 0) >= most:
                return None
            return await session.scalar(insert(AnnouncementRow).values(
                text=new.text, source=new.source.value, sound=new.sound.name,
                seconds=new.sound.seconds, outage_id=new.outage_id, on_at=at,
                on_by=new.actor).returning(AnnouncementRow.id))

    async def switch_off(self, announcement_id: int, at: datetime, actor: str,
                         reason: str) -> bool:
        """False when there is no such announcement; switching off twice changes nothing."""
        async with self._db.transaction() as session:
            found = await session.scalar(select(AnnouncementRow.id)
                                         .where(AnnouncementRow.id == announcement_id))
            if found is None:
                return False
            await session.execute(update(AnnouncementRow).where(
                AnnouncementRow.id == announcement_id, AnnouncementRow.off_at.is_(None))
                .values(off_at=at, off_by=actor, off_reason=reason))
        return True

    async def announcements(self, *, playing: bool, limit: int = 20) -> list[Announcement]:
        """Playing ones oldest first (the order callers hear them), or the last ones over."""
        if playing:
            query = (select(AnnouncementRow).where(AnnouncementRow.off_at.is_(None))
                     .order_by(AnnouncementRow.on_at, AnnouncementRow.id))
        else:
            query = (select(AnnouncementRow).where(AnnouncementRow.off_at.is_not(None))
                     .order_by(AnnouncementRow.off_at.desc(), AnnouncementRow.id.desc())
                     .limit(limit))
        async with self._db.reading() as session:
            rows = (await session.scalars(query)).all()
            return [await _counted(session, r) for r in rows]

    async def outage(self, outage_id: int) -> Outage | None:
        async with self._db.reading() as session:
            row = await session.get(OutageRow, outage_id)
            if row is None:
                return None
            places = await places_of(session, [outage_id])
        return as_outage(row, tuple(places.get(outage_id, ())))

    async def open_outages(self) -> list[Outage]:
        async with self._db.reading() as session:
            rows = (await session.scalars(
                select(OutageRow).where(OutageRow.status.in_(OPEN))
                .order_by(OutageRow.kind, OutageRow.starts_at, OutageRow.id).limit(50))).all()
            places = await places_of(session, [r.id for r in rows])
        return [as_outage(r, tuple(places.get(r.id, ()))) for r in rows]

    async def notice(self, pbx: str) -> PbxNotice | None:
        async with self._db.reading() as session:
            row = await session.get(PbxNoticeRow, pbx)
        if row is None:
            return None
        return PbxNotice(row.value, row.applied_at, row.checked_at, row.error, row.detail)

    # -- the AMI process ------------------------------------------------------------------

    async def wanted_sounds(self) -> list[str]:
        async with self._db.reading() as session:
            rows = await session.scalars(
                select(AnnouncementRow.sound).where(AnnouncementRow.off_at.is_(None))
                .order_by(AnnouncementRow.on_at, AnnouncementRow.id))
            return list(dict.fromkeys(rows))

    async def save_notice(self, pbx: str, notice: PbxNotice) -> None:
        values = {"value": notice.value, "applied_at": notice.applied_at,
                  "checked_at": notice.checked_at, "error": notice.error,
                  "detail": notice.detail}
        async with self._db.transaction() as session:
            done = await session.execute(update(PbxNoticeRow)
                                         .where(PbxNoticeRow.pbx == pbx).values(**values))
            if not done.rowcount:  # type: ignore[attr-defined]
                await session.execute(insert(PbxNoticeRow).values(pbx=pbx, **values))


async def switch_off_for(session: AsyncSession, outage_id: int, at: datetime,
                         actor: str) -> None:
    """An outage resolved or cancelled: its announcements stop in the same transaction."""
    await session.execute(update(AnnouncementRow).where(
        AnnouncementRow.outage_id == outage_id, AnnouncementRow.off_at.is_(None))
        .values(off_at=at, off_by=actor, off_reason=OFF_OUTAGE_OVER))


async def _counted(session: AsyncSession, row: AnnouncementRow) -> Announcement:
    window = [Call.direction == "inbound", Call.entered_at >= row.on_at]
    if row.off_at is not None:
        window.append(Call.entered_at < row.off_at)
    left = and_(Call.queued_at.is_(None), Call.outcome == "abandoned")
    calls, gone = (await session.execute(select(
        func.count(), func.coalesce(func.sum(case((left, 1), else_=0)), 0))
        .where(*window))).one()
    return Announcement(row.id, row.text, Source(row.source), row.sound, row.seconds,
                        row.outage_id, row.on_at, row.on_by, row.off_at, row.off_by,
                        row.off_reason, int(calls), int(gone))
