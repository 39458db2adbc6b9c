"""Contractors in the database: the idempotent import (upsert by code), an admin's edits,
and lookups.

Who owns a row: the import from config/contractors.toml inserts new codes and updates the
rows it brought, but a row an admin has edited in the web interface (`edited_at` set) is
left alone by every later import (counted as `kept`): the admin's edit wins, and the file
is only a seed. Nothing is ever deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.contractors.model.contractors import Contractor, ContractorExists, ImportCounts
from callcenter.contractors.rows import contractor_by_code, contractor_of, row_values
from callcenter.contractors.tables import ContractorRow
from callcenter.core.database import Database
from callcenter.routing.model.records import ContractorMissing


class SqlContractorStore:
    """The `ContractorStore` of services.contractors_import."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert(self, contractors: Sequence[Contractor], *, at: datetime) -> ImportCounts:
        counts = {"inserted": 0, "updated": 0, "unchanged": 0, "kept": 0}
        async with self._db.transaction() as session:
            existing = {row.code: row for row in (await session.scalars(
                select(ContractorRow).where(
                    ContractorRow.code.in_([c.code for c in contractors])))).all()}
            for contractor in contractors:
                counts[_upsert_one(session, existing.get(contractor.code), contractor, at)] += 1
        return ImportCounts(**counts)

    async def codes(self) -> set[str]:
        async with self._db.transaction() as session:
            return set((await session.scalars(select(ContractorRow.code))).all())

    async def all(self) -> list[Contractor]:
        async with self._db.transaction() as session:
            rows = (await session.scalars(select(ContractorRow).order_by(ContractorRow.code)))
            return [contractor_of(row) for row in rows.all()]

    # -- an admin's edits (the web interface) ---------------------------------------------

    async def get(self, code: str) -> Contractor | None:
        async with self._db.reading() as session:
            return await contractor_by_code(session, code)

    async def add(self, contractor: Contractor, *, at: datetime, actor: str) -> Contractor:
        async with self._db.transaction() as session:
            if await contractor_by_code(session, contractor.code) is not None:
                raise ContractorExists(contractor.code)
            row = ContractorRow(code=contractor.code, created_at=at, updated_at=at,
                                edited_by=actor, edited_at=at, **row_values(contractor))
            session.add(row)
            await session.flush()
            return contractor_of(row)

    async def replace(self, contractor: Contractor, *, at: datetime,
                      actor: str) -> Contractor:
        async with self._db.transaction() as session:
            row = await session.scalar(select(ContractorRow).where(
                ContractorRow.code == contractor.code).with_for_update())
            if row is None:
                raise ContractorMissing(contractor.code)
            for key, value in row_values(contractor).items():
                setattr(row, key, value)
            row.updated_at, row.edited_by, row.edited_at = at, actor, at
            await session.flush()
            return contractor_of(row)


def _upsert_one(session: AsyncSession, row: ContractorRow | None, contractor: Contractor,
                at: datetime) -> str:
    values = row_values(contractor)
    if row is not None and row.edited_at is not None:
        return "kept"  # an admin edited it in the web interface: the database owns it now
    if row is None:
        session.add(ContractorRow(code=contractor.code, created_at=at, updated_at=at, **values))
        return "inserted"
    if all(getattr(row, key) == value for key, value in values.items()):
        return "unchanged"
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = at
    return "updated"
