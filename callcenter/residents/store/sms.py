"""What an SMS to a resident needs of an appeal, and the outbox row it becomes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from callcenter.appeals.tables import Appeal
from callcenter.core.database import Database
from callcenter.delivery.model.outbox import NewMessage
from callcenter.delivery.rows import insert_messages
from callcenter.residents.service.sms import SmsFacts


class SqlSmsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def facts(self, *, number: str | None = None,
                    appeal_id: int | None = None) -> SmsFacts | None:
        query = select(Appeal.id, Appeal.number, Appeal.caller, Appeal.contact_phone,
                       Appeal.sms_refused)
        query = query.where(Appeal.number == number) if number is not None \
            else query.where(Appeal.id == appeal_id)
        async with self.db.reading() as session:
            row = (await session.execute(query)).first()
        if row is None:
            return None
        return SmsFacts(appeal_id=row.id, number=row.number, caller=row.caller,
                        contact_phone=row.contact_phone, sms_refused=bool(row.sms_refused))

    async def enqueue(self, message: NewMessage, *, appeal_id: int, at: datetime) -> bool:
        async with self.db.transaction() as session:
            inserted = await insert_messages(session, self.db.dialect, [message],
                                             appeal_id=appeal_id, decision_id=None,
                                             contractor_id=None, at=at)
        return bool(inserted)
