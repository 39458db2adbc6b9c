"""Open311's queries: service requests as appeals read them (joined with their contractor
and first photo), and the API keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from callcenter.appeals.tables import Appeal, AppealAttachmentRow
from callcenter.contractors.tables import ContractorRow as Contractor
from callcenter.core.database import Database
from callcenter.open311.model.spec import (
    NOT_PUBLISHED,
    ApiKey,
    KeyExists,
    RequestQuery,
    RequestRecord,
)
from callcenter.open311.tables import Open311Key


class SqlOpen311Store:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def requests(self, query: RequestQuery, *,
                       categories: Sequence[str]) -> list[RequestRecord]:
        """Appeals of the given categories past `new`, newest first, by the query."""
        statement = _requests(categories)
        if query.ids:
            statement = statement.where(Appeal.number.in_(query.ids))
        else:
            if query.service_codes:
                statement = statement.where(Appeal.category.in_(query.service_codes))
            if query.start is not None:
                statement = statement.where(Appeal.opened_at >= query.start)
            if query.end is not None:
                statement = statement.where(Appeal.opened_at <= query.end)
        statement = statement.order_by(Appeal.opened_at.desc(), Appeal.id.desc())
        async with self._db.reading() as session:
            rows = (await session.execute(statement.limit(query.limit))).all()
        return [_record(r) for r in rows]

    async def known_key(self, digest: str) -> str | None:
        """The name of the live key with this hash; None if unknown or revoked."""
        async with self._db.reading() as session:
            return await session.scalar(select(Open311Key.name).where(
                Open311Key.key_hash == digest, Open311Key.revoked_at.is_(None)))

    async def add_key(self, name: str, digest: str, at: datetime) -> None:
        try:
            async with self._db.transaction() as session:
                await session.execute(insert(Open311Key).values(name=name, key_hash=digest,
                                                                created_at=at))
        except IntegrityError:
            raise KeyExists(name) from None

    async def keys(self) -> list[ApiKey]:
        async with self._db.reading() as session:
            rows = (await session.scalars(select(Open311Key).order_by(Open311Key.id))).all()
        return [ApiKey(r.id, r.name, r.created_at, r.revoked_at) for r in rows]

    async def revoke_key(self, name: str, at: datetime) -> bool:
        async with self._db.transaction() as session:
            done = await session.execute(
                update(Open311Key).where(Open311Key.name == name,
                                         Open311Key.revoked_at.is_(None))
                .values(revoked_at=at))
        return bool(done.rowcount)  # type: ignore[attr-defined]


def _requests(categories: Sequence[str]) -> Any:  # a Select of the columns below
    first_photo = (select(func.min(AppealAttachmentRow.id))
                   .where(AppealAttachmentRow.appeal_id == Appeal.id)
                   .correlate(Appeal).scalar_subquery())
    return (select(Appeal.number, Appeal.status, Appeal.answer, Appeal.category,
                   Appeal.description, Contractor.name, Appeal.opened_at, Appeal.updated_at,
                   Appeal.deadline, Appeal.address, first_photo.label("photo_id"))
            .outerjoin(Contractor, Contractor.id == Appeal.contractor_id)
            .where(Appeal.category.in_(categories), Appeal.status.not_in(NOT_PUBLISHED)))


def _record(row: Sequence[object]) -> RequestRecord:
    (number, status, answer, category, description, contractor, opened, updated, deadline,
     address, photo_id) = row
    return RequestRecord(
        number=str(number), status=str(status), answer=answer,  # type: ignore[arg-type]
        category=category, description=description,  # type: ignore[arg-type]
        contractor=contractor, opened_at=opened, updated_at=updated,  # type: ignore[arg-type]
        deadline=deadline, address=address,  # type: ignore[arg-type]
        photo_id=int(photo_id) if photo_id is not None else None)  # type: ignore[call-overload]
