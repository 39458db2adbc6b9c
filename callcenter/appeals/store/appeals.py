"""Appeals the operators complete and add: the `AppealStore` of services.appeals (and the
`PhotoStore` of services.appeal_photos)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from callcenter.appeals.model import statuses as appeals
from callcenter.appeals.model.form import Completion
from callcenter.appeals.model.photos import Photo
from callcenter.appeals.model.records import (
    AppealDetails,
    AppealNotFound,
    CallNotFound,
    SearchPage,
    StaleAppeal,
)
from callcenter.appeals.model.search import SearchTerms, search_keys
from callcenter.appeals.rows import open_appeal
from callcenter.appeals.store import queries as appeal_queries
from callcenter.appeals.tables import Appeal, AppealCounter, AppealHistory
from callcenter.calls.tables import Call
from callcenter.core.database import Database, insert_ignore
from callcenter.core.tables import Base

COUNTERS = Base.metadata.tables[AppealCounter.__tablename__]


class SqlAppealStore:
    def __init__(self, db: Database, *, pbx: str, timezone: str) -> None:
        self._db = db
        self._pbx = pbx
        self._timezone = timezone

    async def details(self, number: str) -> AppealDetails | None:
        return await appeal_queries.appeal_details(self._db, number)

    async def search(self, terms: SearchTerms) -> SearchPage:
        return await appeal_queries.search_appeals(self._db, terms)

    async def photos(self, number: str) -> list[Photo]:
        return await appeal_queries.appeal_photos(self._db, number)

    async def complete(self, *, number: str, version: int, completion: Completion,
                       at: datetime, user_id: int, actor: str) -> None:
        async with self._db.transaction() as session:
            row = (await session.execute(
                select(Appeal.id, Appeal.status, Appeal.version, Appeal.caller,
                       Appeal.caller_name, Appeal.contact_email).where(Appeal.number == number)
                .with_for_update())).first()
            if row is None:
                raise AppealNotFound(number)
            if row.version != version:
                raise StaleAppeal(number, expected=version, current=row.version)
            current = appeals.Status(row.status)
            appeals.check_transition(current, completion.status)
            keys = search_keys(address=completion.address, caller=row.caller,
                               caller_name=row.caller_name,
                               contact_name=completion.contact_name,
                               contact_phone=completion.contact_phone,
                               # a portal's or a letter's sender stays findable by address
                               description=" ".join(p for p in (completion.description,
                                                                 row.contact_email) if p))
            changed = await session.execute(
                update(Appeal).where(Appeal.id == row.id, Appeal.version == version)
                .values(status=completion.status.value, category=completion.category,
                        street=completion.street, street_unlisted=completion.street_unlisted,
                        house=completion.house, flat=completion.flat,
                        address=completion.address, description=completion.description,
                        contact_name=completion.contact_name,
                        contact_phone=completion.contact_phone,
                        emergency=completion.emergency, sms_refused=completion.sms_refused,
                        completed_by=user_id,
                        completed_at=at, updated_at=at, version=Appeal.version + 1,
                        search_address=keys.address, search_name=keys.name,
                        search_text=keys.text, search_phone=keys.phone)
                .execution_options(synchronize_session=False))
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                raise StaleAppeal(number, expected=version, current=version + 1)
            await session.execute(insert(AppealHistory).values(
                appeal_id=row.id, at=at, actor=actor, action="completed",
                from_status=current.value, to_status=completion.status.value,
                comment=_summary(completion)))

    async def open_from_call(self, *, call_id: str, at: datetime, actor: str) -> str:
        async with self._db.transaction() as session:
            call = (await session.execute(
                select(Call.id, Call.caller, Call.caller_name)
                .where(Call.pbx == self._pbx, Call.linkedid == call_id))).first()
            if call is None:
                raise CallNotFound(call_id)
            year = appeals.year_of(at, self._timezone)
            await session.execute(insert_ignore(self._db.dialect, COUNTERS)
                                  .values(year=year, last=0))
            opened = await open_appeal(
                session, timezone=self._timezone, channel=appeals.Channel.PHONE, opened_at=at,
                call_pk=call.id, automatic=False, caller=call.caller,
                caller_name=call.caller_name, actor=actor,
                comment="another appeal from the same call")
            return opened.number


def _summary(completion: Completion) -> str:
    """The history comment: what the form said, in one line."""
    parts = [f"category {completion.category}"]
    if completion.address:
        parts.append(completion.address)
    if completion.emergency:
        parts.append("emergency")
    return "; ".join(parts)
