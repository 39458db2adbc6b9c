"""Admins edit contractors: list, one, add, change. Validation is the import file's
(domain.contractors), so a contractor is valid the same way wherever it comes from. An edit
marks the row as the admin's: the import from config/ leaves it alone from then on.

The webhook secret itself is never stored: a contractor has a reference to it (`env:NAME` or
`file:/path`); a change that leaves the reference out keeps the one stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog

from callcenter.contractors.model.contractors import Contractor, admin_contractor
from callcenter.routing.model.records import ContractorMissing
from callcenter.users.model import Principal

log = structlog.get_logger("callcenter.contractors")


class AdminStore(Protocol):
    async def all(self) -> list[Contractor]: ...

    async def get(self, code: str) -> Contractor | None: ...

    async def add(self, contractor: Contractor, *, at: datetime, actor: str) -> Contractor:
        """ContractorExists if the code is taken."""

    async def replace(self, contractor: Contractor, *, at: datetime,
                      actor: str) -> Contractor:
        """ContractorMissing if there is no such code."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class ContractorsAdmin:
    def __init__(self, store: AdminStore, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.clock = clock

    async def all(self) -> list[Contractor]:
        return await self.store.all()

    async def get(self, code: str) -> Contractor:
        found = await self.store.get(code)
        if found is None:
            raise ContractorMissing(code)
        return found

    async def add(self, user: Principal, data: Mapping[str, Any]) -> Contractor:
        added = await self.store.add(admin_contractor(_given(data)), at=self.clock(),
                                     actor=user.username)
        log.info("contractor_added", code=added.code, by=user.username)
        return added

    async def change(self, user: Principal, code: str, data: Mapping[str, Any]) -> Contractor:
        current = await self.get(code)
        values = _given(data)
        if values.get("webhook_secret_ref") is None:
            values["webhook_secret_ref"] = current.webhook_secret_ref  # left out: kept
        values["code"] = code
        changed = await self.store.replace(admin_contractor(values), at=self.clock(),
                                           actor=user.username)
        log.info("contractor_changed", code=code, by=user.username)
        return changed


def _given(data: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of a contractor that were given (an empty optional string clears it)."""
    known = set(asdict(Contractor(code="", name="", kind="", channels=()))) - {"id"}
    return {key: value for key, value in data.items() if key in known}
