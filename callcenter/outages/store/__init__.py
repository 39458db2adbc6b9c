"""Outages' queries and writes; every write adds its history row in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.model.records import AppealNotFound
from callcenter.appeals.model.statuses import Status as AppealStatus
from callcenter.appeals.rows import change_status
from callcenter.appeals.tables import Appeal
from callcenter.core.database import Database
from callcenter.delivery.model.outbox import NewMessage
from callcenter.delivery.rows import insert_messages
from callcenter.outages.model.records import (
    FINAL,
    Outage,
    OutageDraft,
    OutageEvent,
    Place,
    Status,
)
from callcenter.outages.rows import as_outage
from callcenter.outages.store.announcements import switch_off_for
from callcenter.outages.tables import (
    OutageAppealRow,
    OutageHistoryRow,
    OutagePlaceRow,
    OutageRow,
)

OPEN = [Status.PLANNED.value, Status.ACTIVE.value]


class SqlOutageStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def send_mail(self, messages: Sequence[NewMessage], at: datetime) -> int:
        """The digest into the outbox (delivery's rows; a key that exists is skipped)."""
        async with self._db.transaction() as session:
            sent = await insert_messages(session, self._db.dialect, messages, appeal_id=None,
                                         decision_id=None, contractor_id=None, at=at)
        return len(sent)

    async def add(self, drafts: Sequence[OutageDraft], statuses: Sequence[Status],
                  at: datetime, actor: str) -> list[int]:
        """All or nothing: one transaction for every draft (a sheet's rows)."""
        ids = []
        async with self._db.transaction() as session:
            for draft, status in zip(drafts, statuses, strict=True):
                outage_id = await session.scalar(insert(OutageRow).values(
                    **_fields(draft), status=status.value, created_at=at,
                    updated_at=at).returning(OutageRow.id))
                assert outage_id is not None
                await _places(session, outage_id, draft.places)
                await _history(session, outage_id, at, actor, "created", status)
                ids.append(outage_id)
        return ids

    async def edit(self, outage_id: int, draft: OutageDraft, at: datetime, actor: str,
                   status: Status) -> None:
        async with self._db.transaction() as session:
            fields = _fields(draft)
            fields.pop("contractor")
            await session.execute(update(OutageRow).where(OutageRow.id == outage_id)
                                  .values(**fields, status=status.value, updated_at=at))
            await session.execute(delete(OutagePlaceRow)
                                  .where(OutagePlaceRow.outage_id == outage_id))
            await _places(session, outage_id, draft.places)
            await _history(session, outage_id, at, actor, "edited", status)

    async def move(self, outage_id: int, current: Status, status: Status, at: datetime,
                   actor: str, comment: str = "") -> bool:
        """Compare-and-set on the status, so two people (or time and a person) never both
        move one outage; False when it had already moved."""
        values: dict[str, Any] = {"status": status.value, "updated_at": at}
        if status in FINAL:
            values["actual_end"] = at
        async with self._db.transaction() as session:
            done = await session.execute(update(OutageRow).where(
                OutageRow.id == outage_id, OutageRow.status == current.value).values(**values))
            if not done.rowcount:  # type: ignore[attr-defined]
                return False
            await _history(session, outage_id, at, actor, "status", status, comment)
            if status in FINAL:
                await switch_off_for(session, outage_id, at, actor)
        return True

    async def due(self, now: datetime) -> list[tuple[int, Status]]:
        """Planned outages whose start has come."""
        async with self._db.reading() as session:
            rows = await session.execute(select(OutageRow.id, OutageRow.status).where(
                OutageRow.status == Status.PLANNED.value, OutageRow.starts_at <= now))
        return [(r.id, Status(r.status)) for r in rows]

    async def get(self, outage_id: int) -> Outage | None:
        found = await self._outages(select(OutageRow).where(OutageRow.id == outage_id))
        return found[0] if found else None

    async def not_over(self) -> list[Outage]:
        return await self._outages(select(OutageRow).where(OutageRow.status.in_(OPEN))
                                   .order_by(OutageRow.starts_at, OutageRow.id))

    async def touching(self, since: datetime, *, contractor: str | None = None,
                       limit: int = 500) -> list[Outage]:
        """Outages not over, and those that ended or changed since `since`, by start."""
        query = select(OutageRow).where(OutageRow.status.in_(OPEN)
                                        | (OutageRow.updated_at >= since))
        if contractor is not None:
            query = query.where(OutageRow.contractor == contractor)
        return await self._outages(query.order_by(OutageRow.starts_at, OutageRow.id)
                                   .limit(limit))

    async def latest(self, limit: int) -> list[Outage]:
        """The last changed first (the feeds)."""
        return await self._outages(select(OutageRow)
                                   .order_by(OutageRow.updated_at.desc(), OutageRow.id.desc())
                                   .limit(limit))

    async def history(self, outage_id: int) -> list[OutageEvent]:
        async with self._db.reading() as session:
            rows = (await session.scalars(select(OutageHistoryRow).where(
                OutageHistoryRow.outage_id == outage_id).order_by(OutageHistoryRow.id))).all()
        return [OutageEvent(r.at, r.actor, r.action, Status(r.status), r.comment) for r in rows]

    async def attach(self, outage_id: int, number: str, at: datetime, actor: str,
                     comment: str) -> bool:
        """The appeal answered by the outage: status `consultation` with a history row, the
        link, and a row in the outage's history, in one transaction; False when the appeal
        was linked already. AppealNotFound, or InvalidTransition for an appeal already past
        the operator's form."""
        async with self._db.transaction() as session:
            appeal = await session.scalar(select(Appeal).where(Appeal.number == number))
            if appeal is None:
                raise AppealNotFound(number)
            known = await session.scalar(select(OutageAppealRow.outage_id)
                                         .where(OutageAppealRow.appeal_id == appeal.id))
            if known is not None:
                return False
            await change_status(session, appeal, AppealStatus.CONSULTATION, at=at, actor=actor,
                                action="outage", comment=comment)
            appeal.answer = appeal.answer or comment
            await session.execute(insert(OutageAppealRow).values(
                outage_id=outage_id, appeal_id=appeal.id, at=at))
            status = await session.scalar(select(OutageRow.status)
                                          .where(OutageRow.id == outage_id))
            await _history(session, outage_id, at, actor, "appeal", Status(status or "active"),
                           number)
        return True

    async def drawing_calls(self, since: datetime) -> list[tuple[int, int]]:
        """(outage id, appeals attached since `since`), busiest first."""
        async with self._db.reading() as session:
            rows = await session.execute(
                select(OutageAppealRow.outage_id, func.count()).where(OutageAppealRow.at >= since)
                .group_by(OutageAppealRow.outage_id).order_by(func.count().desc()))
        return [(r[0], r[1]) for r in rows]

    async def appeals_by_street(self, categories: Sequence[str], since: datetime
                                ) -> list[tuple[str, str, int]]:
        """(category, street, appeals) of appeals opened since `since` with a listed street
        and no outage attached."""
        linked = select(OutageAppealRow.appeal_id)
        async with self._db.reading() as session:
            rows = await session.execute(
                select(Appeal.category, Appeal.street, func.count()).where(
                    Appeal.category.in_(categories), Appeal.opened_at >= since,
                    Appeal.street.is_not(None), Appeal.street_unlisted.is_(False),
                    Appeal.id.not_in(linked))
                .group_by(Appeal.category, Appeal.street))
        return [(r[0] or "", r[1] or "", r[2]) for r in rows]

    async def _outages(self, query: Any) -> list[Outage]:
        async with self._db.reading() as session:
            rows = (await session.scalars(query)).all()
            ids = [r.id for r in rows]
            places: dict[int, list[Place]] = {i: [] for i in ids}
            calls: dict[int, int] = {}
            for chunk in _chunks(ids, 500):
                found = await session.scalars(select(OutagePlaceRow).where(
                    OutagePlaceRow.outage_id.in_(chunk)).order_by(OutagePlaceRow.id))
                for p in found:
                    places[p.outage_id].append(Place(p.street_key, p.street, p.houses,
                                                     p.district))
                counted = await session.execute(
                    select(OutageAppealRow.outage_id, func.count())
                    .where(OutageAppealRow.outage_id.in_(chunk))
                    .group_by(OutageAppealRow.outage_id))
                calls.update({r[0]: r[1] for r in counted})
        return [as_outage(r, tuple(places[r.id]), calls.get(r.id, 0)) for r in rows]


def _chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _fields(draft: OutageDraft) -> dict[str, Any]:
    return {"utility": draft.utility.value, "kind": draft.kind.value,
            "starts_at": draft.starts_at, "expected_end": draft.expected_end,
            "note": draft.note, "internal_note": draft.internal_note,
            "contractor": draft.contractor}


async def _places(session: AsyncSession, outage_id: int, places: Sequence[Place]) -> None:
    await session.execute(insert(OutagePlaceRow), [
        {"outage_id": outage_id, "street_key": p.street_key, "street": p.street,
         "houses": p.houses, "district": p.district} for p in places])


async def _history(session: AsyncSession, outage_id: int, at: datetime, actor: str,
                   action: str, status: Status, comment: str = "") -> None:
    await session.execute(insert(OutageHistoryRow).values(
        outage_id=outage_id, at=at, actor=actor, action=action, status=status.value,
        comment=comment))


