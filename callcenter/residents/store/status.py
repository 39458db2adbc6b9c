"""The public view of an appeal, read by number (the pair is checked by the use case)."""

from __future__ import annotations

from sqlalchemy import select

from callcenter.appeals.model.statuses import Status
from callcenter.appeals.tables import Appeal
from callcenter.contractors.tables import ContractorRow
from callcenter.core.database import Database
from callcenter.residents.model.status import Contacts, PublicAppeal


class SqlStatusStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def public_appeal(self, number: str) -> tuple[Contacts, PublicAppeal] | None:
        query = (select(Appeal, ContractorRow.name)
                 .outerjoin(ContractorRow, ContractorRow.id == Appeal.contractor_id)
                 .where(Appeal.number == number))
        async with self.db.reading() as session:
            row = (await session.execute(query)).first()
        if row is None:
            return None
        appeal, contractor = row
        contacts = Contacts(appeal.caller, appeal.contact_phone, appeal.contact_email)
        return contacts, PublicAppeal(
            number=appeal.number, status=Status(appeal.status), opened_at=appeal.opened_at,
            changed_at=appeal.updated_at, category=appeal.category, street=appeal.street,
            house=appeal.house, contractor=contractor, deadline=appeal.deadline,
            planned_date=appeal.planned_date, answer=appeal.answer)
