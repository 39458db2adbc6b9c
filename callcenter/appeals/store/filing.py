"""Appeals filed from outside (the portal, Open311): the `FilingStore` of
`appeals.service.filing`. One transaction: the number, the appeal `registered`, its history,
its photos and the resident's confirmation in the outbox."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import insert, update

from callcenter.appeals.model import statuses as appeals
from callcenter.appeals.model.filing import Filing, NewFiling
from callcenter.appeals.model.search import search_keys
from callcenter.appeals.rows import file_new, open_appeal
from callcenter.appeals.store.appeals import COUNTERS
from callcenter.appeals.tables import Appeal, AppealAttachmentRow, AppealHistory
from callcenter.core.database import Database, insert_ignore
from callcenter.delivery.model.outbox import NewMessage
from callcenter.delivery.rows import insert_messages


class SqlFilingStore:
    def __init__(self, db: Database, *, timezone: str) -> None:
        self._db = db
        self._timezone = timezone

    async def file(self, filing: Filing, *, at: datetime, actor: str,
                   messages: Callable[[str], Sequence[NewMessage]]) -> str:
        c = filing.completion
        keys = search_keys(address=c.address, caller=None, caller_name=None,
                           contact_name=c.contact_name, contact_phone=c.contact_phone,
                           description=" ".join(p for p in (c.description,
                                                             filing.contact_email) if p))
        async with self._db.transaction() as session:
            year = appeals.year_of(at, self._timezone)
            await session.execute(insert_ignore(self._db.dialect, COUNTERS)
                                  .values(year=year, last=0))
            opened = await open_appeal(
                session, timezone=self._timezone, channel=filing.channel, opened_at=at,
                call_pk=None, automatic=False, caller=None, caller_name=None, actor=actor,
                comment=f"filed through {filing.channel.value}")
            await session.execute(
                update(Appeal).where(Appeal.id == opened.id)
                .values(status=c.status.value, category=c.category, street=c.street,
                        street_unlisted=c.street_unlisted, house=c.house, flat=c.flat,
                        address=c.address, description=c.description,
                        contact_name=c.contact_name, contact_phone=c.contact_phone,
                        contact_email=filing.contact_email, emergency=c.emergency,
                        completed_at=at, updated_at=at, version=Appeal.version + 1,
                        search_address=keys.address, search_name=keys.name,
                        search_text=keys.text, search_phone=keys.phone)
                .execution_options(synchronize_session=False))
            await session.execute(insert(AppealHistory).values(
                appeal_id=opened.id, at=at, actor=actor, action="completed",
                from_status=appeals.Status.NEW.value, to_status=c.status.value,
                comment=f"category {c.category}" + (f"; {c.address}" if c.address else "")))
            for ref in filing.photos:
                await session.execute(insert(AppealAttachmentRow).values(
                    appeal_id=opened.id, ref=ref, kind="photo", actor=actor, added_at=at))
            await insert_messages(session, self._db.dialect, messages(opened.number),
                                  appeal_id=opened.id, decision_id=None, contractor_id=None,
                                  at=at)
        return opened.number

    async def file_new(self, filing: NewFiling, *, at: datetime, actor: str,
                       messages: Callable[[str], Sequence[NewMessage]]) -> str:
        """The appeal `new` (a letter's, when no channel store adds its rows) with its
        messages, in one transaction."""
        async with self._db.transaction() as session:
            opened = await file_new(session, self._db.dialect, filing,
                                    timezone=self._timezone, at=at, actor=actor)
            await insert_messages(session, self._db.dialect, messages(opened.number),
                                  appeal_id=opened.id, decision_id=None, contractor_id=None,
                                  at=at)
        return opened.number
