"""Routing on SQLAlchemy: the unit of work behind routing.service.routing and the queries
for duplicates, escalation and overdue appeals."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.model.statuses import Status
from callcenter.appeals.rows import change_status
from callcenter.appeals.tables import Appeal, AppealAttachmentRow, AppealHistory
from callcenter.contractors import rows as contractor_rows
from callcenter.contractors.model.contractors import Contractor
from callcenter.contractors.tables import ContractorRow
from callcenter.core.database import Database
from callcenter.delivery import rows as outbox_rows
from callcenter.delivery.model.outbox import Delivery, NewMessage, OutboxState
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.routing.model.policy import EmergencyContact, RoutingDecision
from callcenter.routing.model.records import (
    OPEN,
    WITH_CONTRACTOR,
    AppealCard,
    AppealNotFound,
    Assignment,
    CurrentRouting,
    OverdueAppeal,
    Unacknowledged,
)
from callcenter.routing.tables import RoutingDecisionRow

D = RoutingDecisionRow


def card_of(a: Appeal) -> AppealCard:
    return AppealCard(id=a.id, number=a.number, status=a.status, category=a.category,
                      address=a.address, description=a.description, caller=a.caller,
                      caller_name=a.caller_name, opened_at=a.opened_at, deadline=a.deadline,
                      priority=a.priority, contractor_id=a.contractor_id, delivery=a.delivery,
                      planned_date=a.planned_date)


def assignment_of(d: RoutingDecisionRow, code: str) -> Assignment:
    return Assignment(id=d.id, appeal_id=d.appeal_id, contractor_id=d.contractor_id,
                      contractor=code, rule_id=d.rule_id, reason=d.reason, priority=d.priority,
                      deadline=d.deadline, callback=d.callback, at=d.at, actor=d.actor,
                      emergency_contacts=contacts_of(d.emergency_contacts))


def contacts_of(stored: str | None) -> tuple[EmergencyContact, ...]:
    items = json.loads(stored) if stored else []
    return tuple(EmergencyContact(str(c["code"]), str(c["label"]), c.get("phone"))
                 for c in items)


def _current_decision() -> object:
    return (select(func.max(D.id)).where(D.appeal_id == Appeal.id)
            .correlate(Appeal).scalar_subquery())


class SqlRoutingTx:
    """The `RoutingTx` of routing.service.ports, on one session (one transaction)."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect
        # The session's identity map holds objects weakly: keep the loaded appeals alive.
        self._appeals: dict[int, Appeal] = {}

    async def appeal(self, appeal_id: int) -> AppealCard | None:
        row = await outbox_rows.lock_appeal(self.session, appeal_id)
        if row is None:
            return None
        self._appeals[appeal_id] = row
        return card_of(row)

    async def contractor(self, code: str) -> Contractor | None:
        return await contractor_rows.contractor_by_code(self.session, code)

    async def contractor_by_id(self, contractor_id: int) -> Contractor | None:
        return await contractor_rows.contractor_by_id(self.session, contractor_id)

    async def current_assignment(self, appeal_id: int) -> Assignment | None:
        row = (await self.session.execute(
            select(D, ContractorRow.code).join(ContractorRow, ContractorRow.id == D.contractor_id)
            .where(D.appeal_id == appeal_id).order_by(D.id.desc()).limit(1))).first()
        return assignment_of(row[0], row[1]) if row is not None else None

    async def add_assignment(self, appeal_id: int, decision: RoutingDecision,
                             contractor: Contractor, *, at: datetime,
                             actor: str) -> Assignment:
        assert contractor.id is not None
        appeal = await self._entity(appeal_id)
        appeal.contractor_id, appeal.deadline = contractor.id, decision.deadline
        appeal.priority, appeal.delivery = decision.priority, Delivery.PENDING.value
        appeal.assigned_at, appeal.acknowledged_at, appeal.updated_at = at, None, at
        contacts = [{"code": c.code, "label": c.label, "phone": c.phone}
                    for c in decision.emergency_contacts]
        row = D(appeal_id=appeal_id, contractor_id=contractor.id, rule_id=decision.rule_id,
                reason=decision.reason, priority=decision.priority, deadline=decision.deadline,
                callback=decision.callback, fallback=decision.fallback, duty=decision.duty,
                emergency_contacts=json.dumps(contacts, ensure_ascii=False), actor=actor, at=at)
        self.session.add(row)
        await self.session.flush()  # the appeal's changes, its history and the decision
        return assignment_of(row, contractor.code)

    async def move(self, appeal_id: int, target: Status, *, at: datetime, actor: str,
                   action: str, comment: str) -> None:
        await change_status(self.session, await self._entity(appeal_id), target, at=at,
                            actor=actor, action=action, comment=comment)

    async def note(self, appeal_id: int, *, at: datetime, actor: str, action: str,
                   comment: str) -> None:
        self.session.add(AppealHistory(appeal_id=appeal_id, at=at, actor=actor, action=action,
                                       from_status=None, to_status=None, comment=comment))

    async def acknowledge(self, appeal_id: int, at: datetime) -> None:
        appeal = await self._entity(appeal_id)
        appeal.acknowledged_at = appeal.acknowledged_at or at

    async def set_planned_date(self, appeal_id: int, day: date) -> None:
        (await self._entity(appeal_id)).planned_date = day

    async def set_answer(self, appeal_id: int, answer: str) -> None:
        (await self._entity(appeal_id)).answer = answer

    async def attach(self, appeal_id: int, refs: Sequence[str], *, at: datetime,
                     actor: str) -> None:
        self.session.add_all(AppealAttachmentRow(appeal_id=appeal_id, ref=ref, kind="photo",
                                                 actor=actor, added_at=at) for ref in refs)

    async def set_address_key(self, appeal_id: int, key: str | None) -> None:
        (await self._entity(appeal_id)).address_key = key

    async def link_duplicate(self, appeal_id: int, original_id: int) -> None:
        (await self._entity(appeal_id)).duplicate_of_id = original_id

    async def cancel_pending(self, decision_id: int) -> bool:
        M = OutboxMessageRow
        await self.session.execute(
            update(M).where(M.decision_id == decision_id, M.state == OutboxState.PENDING.value)
            .values(state=OutboxState.CANCELLED.value, last_error="assignment replaced"))
        told = await self.session.scalar(select(func.count()).where(
            M.decision_id == decision_id,
            M.state.in_([OutboxState.SENT.value, OutboxState.SENDING.value])))
        return bool(told)

    async def enqueue(self, messages: Sequence[NewMessage], *, appeal_id: int | None,
                      decision_id: int | None, contractor_id: int | None,
                      at: datetime) -> list[NewMessage]:
        return await outbox_rows.insert_messages(
            self.session, self.dialect, messages, appeal_id=appeal_id, decision_id=decision_id,
            contractor_id=contractor_id, at=at)

    async def _entity(self, appeal_id: int) -> Appeal:
        """The appeal `appeal()` loaded and locked: from the identity map, without a query.
        Changes are written by the next flush (at the latest, the commit)."""
        appeal = self._appeals.get(appeal_id) or await self.session.get(Appeal, appeal_id)
        if appeal is None:
            raise AppealNotFound(appeal_id)
        self._appeals[appeal_id] = appeal
        return appeal


class SqlRoutingStore:
    """The `RoutingStore` of routing.service.ports."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlRoutingTx]:
        async with self._db.transaction() as session:
            yield SqlRoutingTx(session, self._db.dialect)

    async def duplicates(self, category: str, address_key: str, *,
                         exclude: int | None = None) -> list[AppealCard]:
        query = (select(Appeal).where(Appeal.category == category,
                                      Appeal.address_key == address_key,
                                      Appeal.status.in_([s.value for s in OPEN]))
                 .order_by(Appeal.opened_at.desc()).limit(20))
        if exclude is not None:
            query = query.where(Appeal.id != exclude)
        async with self._db.transaction() as session:
            return [card_of(a) for a in (await session.scalars(query)).all()]

    async def unacknowledged(self) -> list[Unacknowledged]:
        query = (select(Appeal, D, ContractorRow)
                 .join(D, D.id == _current_decision())
                 .join(ContractorRow, ContractorRow.id == D.contractor_id)
                 .where(Appeal.status == Status.ASSIGNED.value,
                        Appeal.acknowledged_at.is_(None)))
        async with self._db.transaction() as session:
            rows = (await session.execute(query)).all()
        return [Unacknowledged(card_of(a), assignment_of(d, c.code),
                               contractor_rows.contractor_of(c)) for a, d, c in rows]

    async def overdue(self, now: datetime, *, limit: int = 500) -> list[OverdueAppeal]:
        query = (select(Appeal, ContractorRow.code)
                 .join(ContractorRow, ContractorRow.id == Appeal.contractor_id)
                 .where(Appeal.status.in_([s.value for s in WITH_CONTRACTOR]),
                        Appeal.deadline.is_not(None), Appeal.deadline < now)
                 .order_by(Appeal.deadline).limit(limit))
        async with self._db.transaction() as session:
            rows = (await session.execute(query)).all()
        return [OverdueAppeal(number=a.number, status=a.status, contractor=code,
                              deadline=a.deadline or now, priority=a.priority or "normal",
                              category=a.category, address=a.address) for a, code in rows]

    async def routing_of(self, number: str) -> CurrentRouting | None:
        async with self._db.transaction() as session:
            appeal = await session.scalar(select(Appeal).where(Appeal.number == number))
            if appeal is None:
                return None
            row = (await session.execute(
                select(D, ContractorRow).join(ContractorRow, ContractorRow.id == D.contractor_id)
                .where(D.appeal_id == appeal.id).order_by(D.id.desc()).limit(1))).first()
            if row is None:
                return CurrentRouting(card_of(appeal), None, None)
            decision, contractor = row
            return CurrentRouting(card_of(appeal), assignment_of(decision, contractor.code),
                                  contractor_rows.contractor_of(contractor))

    async def registered(self, *, limit: int) -> list[int]:
        """Appeals still `registered` (not routed yet), oldest first."""
        query = (select(Appeal.id).where(Appeal.status == Status.REGISTERED.value)
                 .order_by(Appeal.id).limit(limit))
        async with self._db.transaction() as session:
            return list((await session.scalars(query)).all())
