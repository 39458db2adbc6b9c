"""Residents' personal data: the retention purge and a resident's request to see or erase.

`purge` anonymizes every appeal closed more than `keep_years` ago that is not under legal hold
(an appeal whose recording is held counts as held) and logs the run with its counts. `show`
and `erase` serve a resident who names an appeal and the phone it was filed with.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

import structlog

from callcenter.residents.model.privacy import (
    PersonalData,
    PersonNotFound,
    PurgeReport,
    UnderLegalHold,
    cutoff_of,
)

log = structlog.get_logger("callcenter.privacy")


class PrivacyStore(Protocol):
    async def due(self, cutoff: datetime) -> list[tuple[int, str, bool]]:
        """(id, number, held) of appeals closed before the cutoff, not anonymized yet."""

    async def anonymize(self, appeal_id: int, *, at: datetime, actor: str,
                        reason: str) -> None:
        """Remove the resident's data from the appeal, its call and its messages, with a
        history row; in one transaction."""

    async def personal_data(self, number: str, phone: str) -> PersonalData | None:
        """The appeal's personal data if the phone is its caller's or contact phone."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class Privacy:
    def __init__(self, store: PrivacyStore, *, keep_years: int,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.keep_years = keep_years
        self.clock = clock

    async def purge(self, *, dry_run: bool = False, actor: str = "privacy") -> PurgeReport:
        now = self.clock()
        cutoff = cutoff_of(now, self.keep_years)
        due = await self.store.due(cutoff)
        free = [(appeal_id, number) for appeal_id, number, held in due if not held]
        if not dry_run:
            for appeal_id, _ in free:
                await self.store.anonymize(appeal_id, at=now, actor=actor,
                                           reason=f"retention: closed before "
                                                  f"{cutoff.date().isoformat()}")
        report = PurgeReport(cutoff=cutoff, due=len(due), held=len(due) - len(free),
                             anonymized=0 if dry_run else len(free), dry_run=dry_run,
                             numbers=tuple(number for _, number in free))
        log.info("privacy_purge", cutoff=cutoff.isoformat(), due=report.due, held=report.held,
                 anonymized=report.anonymized, dry_run=dry_run)
        return report

    async def show(self, number: str, phone: str) -> PersonalData:
        found = await self.store.personal_data(number.strip(), phone)
        if found is None:
            raise PersonNotFound(number)
        log.info("privacy_shown", number=found.number)
        return found

    async def erase(self, number: str, phone: str, *, actor: str) -> PersonalData:
        """Anonymize the appeal at the resident's request; returns what it held."""
        found = await self.show(number, phone)
        if found.held:
            raise UnderLegalHold(found.number)
        await self.store.anonymize(found.appeal_id, at=self.clock(), actor=actor,
                                   reason="the resident's request")
        log.info("privacy_erased", number=found.number, actor=actor)
        return found
