"""Read side of the contractors' desk: a contractor's own appeals, one with its history and
photos. Every query is scoped by the contractor's id, so another's appeal is simply absent."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, case, func, select

from callcenter.appeals.rows import history_item, photos_of
from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.callbacks.rows import confirmed_share
from callcenter.contractors.model.desk import (
    PRIORITIES,
    ContractorAppeal,
    ContractorAppealDetails,
    resident_phone,
)
from callcenter.contractors.tables import ContractorRow
from callcenter.core.database import Database
from callcenter.routing.tables import RoutingDecisionRow

D = RoutingDecisionRow


def _callback() -> ColumnElement[bool]:
    """The call-back permission of the appeal's current routing decision."""
    latest = (select(D.callback).where(D.appeal_id == Appeal.id).order_by(D.id.desc())
              .limit(1).correlate(Appeal).scalar_subquery())
    return func.coalesce(latest, False)


def _urgency() -> ColumnElement[int]:
    return case({name: rank for rank, name in enumerate(PRIORITIES)}, value=Appeal.priority,
                else_=len(PRIORITIES))


def appeal_of(appeal: Appeal, callback: bool) -> ContractorAppeal:
    return ContractorAppeal(
        id=appeal.id, number=appeal.number, status=appeal.status, category=appeal.category,
        address=appeal.address, description=appeal.description, opened_at=appeal.opened_at,
        deadline=appeal.deadline, priority=appeal.priority, planned_date=appeal.planned_date,
        resident_name=appeal.caller_name,
        resident_phone=resident_phone(appeal.caller, callback=bool(callback)),
        callback=bool(callback), answer=appeal.answer)


class SqlContractorDesk:
    """The `DeskStore` of services.contractor_desk."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def contractor_id(self, code: str) -> int | None:
        async with self._db.reading() as session:
            found: int | None = await session.scalar(
                select(ContractorRow.id).where(ContractorRow.code == code))
            return found

    async def confirmed(self, contractor_id: int) -> tuple[int, int]:
        async with self._db.reading() as session:
            return await confirmed_share(session, contractor_id)

    async def appeals(self, contractor_id: int, *, statuses: Sequence[str], limit: int,
                      offset: int) -> tuple[list[ContractorAppeal], int]:
        """A page of the contractor's appeals, most urgent then newest first; and the total."""
        where = [Appeal.contractor_id == contractor_id]
        if statuses:
            where.append(Appeal.status.in_(list(statuses)))
        query = (select(Appeal, _callback()).where(*where)
                 .order_by(_urgency(), Appeal.opened_at.desc(), Appeal.id.desc())
                 .limit(limit).offset(offset))
        async with self._db.reading() as session:
            rows = (await session.execute(query)).all()
            total = await session.scalar(select(func.count()).select_from(Appeal).where(*where))
        return [appeal_of(a, c) for a, c in rows], int(total or 0)

    async def appeal(self, contractor_id: int, number: str) -> ContractorAppealDetails | None:
        query = select(Appeal, _callback()).where(Appeal.number == number,
                                                   Appeal.contractor_id == contractor_id)
        async with self._db.reading() as session:
            row = (await session.execute(query)).first()
            if row is None:
                return None
            appeal, callback = row
            history = (await session.scalars(
                select(AppealHistory).where(AppealHistory.appeal_id == appeal.id)
                .order_by(AppealHistory.id))).all()
            photos = await photos_of(session, appeal.id)
        return ContractorAppealDetails(
            appeal=appeal_of(appeal, callback), history=[history_item(h) for h in history],
            photos=photos)
