"""Contractor rows as other features' stores read them inside their own transaction (routing
looks the contractor up while it records an assignment), and as the import writes them.

Like `tables.py`, open to every feature's store (DESIGN-NOTES.md, "The house").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.contractors.model.contractors import Contractor
from callcenter.contractors.tables import ContractorRow

FIELDS = ("name", "kind", "email", "manager_email", "phone", "night_phone", "webhook_url",
          "webhook_secret_ref", "active")


def contractor_of(row: ContractorRow) -> Contractor:
    return Contractor(
        id=row.id, code=row.code, name=row.name, kind=row.kind,
        channels=tuple(c for c in row.channels.split(",") if c), email=row.email,
        manager_email=row.manager_email, phone=row.phone, night_phone=row.night_phone,
        webhook_url=row.webhook_url, webhook_secret_ref=row.webhook_secret_ref,
        active=row.active)


def row_values(contractor: Contractor) -> dict[str, Any]:
    values = {name: getattr(contractor, name) for name in FIELDS}
    values["channels"] = ",".join(contractor.channels)
    return values


async def contractor_by_code(session: AsyncSession, code: str) -> Contractor | None:
    row = await session.scalar(select(ContractorRow).where(ContractorRow.code == code))
    return contractor_of(row) if row is not None else None


async def contractor_by_id(session: AsyncSession, contractor_id: int) -> Contractor | None:
    row = await session.get(ContractorRow, contractor_id)
    return contractor_of(row) if row is not None else None
