"""The archive of the morning digests: what was sent each day and to whom, read back from the
outbox where the digest job put it (a page of days, newest first; one day in full)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from callcenter.outages.model.digests import DigestList, DigestNotFound, SentDigest
from callcenter.outages.service import utcnow


class DigestArchiveStore(Protocol):
    async def sent_digests(self, since: date, before: date) -> list[SentDigest]: ...
    async def newest_digest_before(self, day: date) -> date | None: ...


class DigestArchive:
    def __init__(self, store: DigestArchiveStore, timezone: str, *, days: int = 60,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store, self.timezone, self.days, self.clock = store, timezone, days, clock

    def today(self) -> date:
        return self.clock().astimezone(ZoneInfo(self.timezone)).date()

    async def recent(self, before: date | None = None) -> DigestList:
        """The digests of `days` days before `before` (default: up to today), newest first."""
        end = before or self.today() + timedelta(days=1)
        since = end - timedelta(days=self.days)
        digests = await self.store.sent_digests(since, end)
        older = await self.store.newest_digest_before(since)
        return DigestList(tuple(digests), older + timedelta(days=1) if older else None)

    async def of_day(self, day: date) -> SentDigest:
        found = await self.store.sent_digests(day, day + timedelta(days=1))
        if not found:
            raise DigestNotFound(day.isoformat())
        return found[0]
