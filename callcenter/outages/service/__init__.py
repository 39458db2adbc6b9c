"""Outages' use cases: the register (entered by staff, by contractors, by a sheet), time
moving planned outages to active, the address check for screen pops, the public lists and
feeds, appeals answered by an outage, probable unreported outages and the morning digest."""

from __future__ import annotations

import time as clock_time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from callcenter.core.folding import fold
from callcenter.delivery.model.outbox import EMAIL, NewMessage
from callcenter.outages.model.digests import DIGEST_EVENT, digest_key
from callcenter.outages.model.places import Hit, OutageIndex, address_of
from callcenter.outages.model.records import (
    FINAL,
    NotYourOutage,
    Outage,
    OutageDraft,
    OutageEvent,
    OutageMoveRefused,
    OutageNotFound,
    OutagePage,
    Status,
    Utility,
    check_draft,
    check_move,
    first_status,
)
from callcenter.outages.model.sheet import SheetResult, parse_sheet, read_rows
from callcenter.outages.model.texts import digest_subject, digest_text
from callcenter.reference.model.addresses import House
from callcenter.reference.model.street_search import StreetIndex
from callcenter.reference.model.streets import Street

ATTACHED = "Уже відомо: відключення зареєстровано, аварійні бригади працюють"


class OutageStore(Protocol):
    async def add(self, drafts: Sequence[OutageDraft], statuses: Sequence[Status],
                  at: datetime, actor: str) -> list[int]: ...
    async def edit(self, outage_id: int, draft: OutageDraft, at: datetime, actor: str,
                   status: Status) -> None: ...
    async def move(self, outage_id: int, current: Status, status: Status, at: datetime,
                   actor: str, comment: str = "") -> bool: ...
    async def due(self, now: datetime) -> list[tuple[int, Status]]: ...
    async def get(self, outage_id: int) -> Outage | None: ...
    async def not_over(self) -> list[Outage]: ...
    async def touching(self, since: datetime, *, contractor: str | None = None,
                       limit: int = 500) -> list[Outage]: ...
    async def latest(self, limit: int) -> list[Outage]: ...
    async def history(self, outage_id: int) -> list[OutageEvent]: ...
    async def attach(self, outage_id: int, number: str, at: datetime, actor: str,
                     comment: str) -> bool: ...
    async def drawing_calls(self, since: datetime) -> list[tuple[int, int]]: ...
    async def appeals_by_street(self, categories: Sequence[str], since: datetime
                                ) -> list[tuple[str, str, int]]: ...


@dataclass(frozen=True)
class OutageSettings:
    timezone: str = "Europe/Kyiv"
    soon_hours: float = 24.0
    probable_calls: int = 5
    probable_window_minutes: int = 30
    refresh_seconds: float = 30.0  # other processes' changes reach this one's index so soon


@dataclass(frozen=True, slots=True)
class Probable:
    """Many appeals of one utility on one street and no outage registered there."""

    utility: Utility
    street: str  # as the appeals hold it (`вулиця Незалежності`)
    appeals: int


@dataclass(frozen=True, slots=True)
class Digest:
    subject: str
    text: str


def utcnow() -> datetime:
    return datetime.now(UTC)


class Outages:
    def __init__(self, store: OutageStore, streets: StreetIndex,
                 districts: Mapping[str, tuple[Street, ...]], settings: OutageSettings,
                 groups: Mapping[str, Sequence[str]] | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store, self.streets, self.districts = store, streets, districts
        self.settings, self.clock = settings, clock
        self.groups = groups or {}  # utility -> its category codes
        self._index: OutageIndex | None = None
        self._loaded = 0.0

    @property
    def timezone(self) -> str:
        return self.settings.timezone

    # --- the register ---

    async def create(self, drafts: Sequence[OutageDraft], actor: str) -> list[int]:
        for draft in drafts:
            check_draft(draft)
        now = self.clock()
        ids = await self.store.add(drafts, [first_status(d, now) for d in drafts], now, actor)
        self._index = None
        return ids

    async def edit(self, outage_id: int, draft: OutageDraft, actor: str, *,
                   contractor: str | None = None) -> None:
        outage = await self.get(outage_id, contractor=contractor)
        check_draft(draft)
        if outage.status in FINAL:
            check_move(outage_id, outage.status, Status.ACTIVE)  # raises: a closed one stays
        status = first_status(draft, self.clock()) if outage.status == Status.PLANNED \
            else outage.status
        await self.store.edit(outage_id, draft, self.clock(), actor, status)
        self._index = None

    async def move(self, outage_id: int, status: Status, actor: str, comment: str = "", *,
                   contractor: str | None = None) -> None:
        outage = await self.get(outage_id, contractor=contractor)
        current = outage.status_at(self.clock())
        if current != outage.status:  # time moved it first: record that, then the person
            await self.store.move(outage_id, outage.status, current, outage.starts_at,
                                  "system")
        check_move(outage_id, current, status)
        await self.store.move(outage_id, current, status, self.clock(), actor, comment)
        self._index = None

    async def advance(self) -> int:
        """Time's moves: planned outages whose start has come become active (history rows
        by "system"). Idempotent; returns how many moved."""
        now, moved = self.clock(), 0
        for outage_id, status in await self.store.due(now):
            outage = await self.store.get(outage_id)
            if outage is not None and await self.store.move(
                    outage_id, status, Status.ACTIVE, outage.starts_at, "system"):
                moved += 1
        if moved:
            self._index = None
        return moved

    async def get(self, outage_id: int, *, contractor: str | None = None) -> Outage:
        outage = await self.store.get(outage_id)
        if outage is None:
            raise OutageNotFound(outage_id)
        if contractor is not None and outage.contractor != contractor:
            raise NotYourOutage(outage_id)
        return outage

    async def page(self, outage_id: int, *, contractor: str | None = None) -> OutagePage:
        outage = await self.get(outage_id, contractor=contractor)
        return OutagePage(outage, tuple(await self.store.history(outage_id)))

    async def listing(self, *, contractor: str | None = None,
                      days: int = 7) -> list[Outage]:
        """Outages not over and those that changed in the last `days`."""
        since = self.clock() - timedelta(days=days)
        return await self.store.touching(since, contractor=contractor)

    async def latest(self, limit: int = 50) -> list[Outage]:
        return await self.store.latest(limit)

    async def import_sheet(self, name: str, content: bytes, actor: str, *,
                           contractor: str | None = None) -> tuple[SheetResult, list[int]]:
        """Every row checked; any problem: nothing imported (the problems returned)."""
        result = parse_sheet(read_rows(name, content), self.streets, tz=self.timezone,
                             contractor=contractor)
        if result.problems or not result.drafts:
            return result, []
        return result, await self.create(result.drafts, actor)

    # --- the address check ---

    async def index(self) -> OutageIndex:
        if self._index is None or clock_time.monotonic() - self._loaded > \
                self.settings.refresh_seconds:
            self._index = OutageIndex(await self.store.not_over())
            self._loaded = clock_time.monotonic()
        return self._index

    async def at_address(self, text: str) -> list[Hit]:
        """Outages now or soon at a typed address (`Незалежності 12`; a street alone: any
        place on it)."""
        address = address_of(text, self.streets)
        if address is None:
            return []
        return await self.at_house(address.street_key, address.house)

    async def at_house(self, street_key: str, house: House | None) -> list[Hit]:
        index = await self.index()
        return index.find(street_key, house, self.clock(), self.settings.soon_hours * 3600)

    async def at_addresses(self, texts: Sequence[str]) -> list[Hit]:
        found: dict[int, Hit] = {}
        for text in texts:
            for one in await self.at_address(text):
                found.setdefault(one.outage.id, one)
        return sorted(found.values(), key=lambda h: (h.when != "now", h.outage.starts_at))

    # --- calls ---

    async def attach(self, outage_id: int, number: str, actor: str) -> bool:
        """One click on the pop: the appeal is answered by the outage ("already known, crews
        at work"), not routed; the outage counts it."""
        outage = await self.get(outage_id)
        if outage.status in FINAL:
            raise OutageMoveRefused(outage_id, outage.status, "appeal")
        done = await self.store.attach(outage.id, number.strip(), self.clock(), actor,
                                       ATTACHED)
        self._index = None
        return done

    async def drawing_calls(self, minutes: int = 60) -> list[tuple[Outage, int]]:
        since = self.clock() - timedelta(minutes=minutes)
        result = []
        for outage_id, count in await self.store.drawing_calls(since):
            outage = await self.store.get(outage_id)
            if outage is not None:
                result.append((outage, count))
        return result

    async def probable(self) -> list[Probable]:
        """Streets where `probable_calls` appeals of one utility came within the window and no
        outage of that utility is registered now there."""
        s = self.settings
        since = self.clock() - timedelta(minutes=s.probable_window_minutes)
        utility_of = {c: Utility(u) for u, codes in self.groups.items() for c in codes
                      if u in Utility.__members__.values()}
        if not utility_of:
            return []
        counts: dict[tuple[Utility, str], int] = {}
        for category, street, appeals in await self.store.appeals_by_street(
                list(utility_of), since):
            key = (utility_of[category], street)
            counts[key] = counts.get(key, 0) + appeals
        index, found = await self.index(), []
        for (utility, street), appeals in sorted(counts.items(), key=lambda i: -i[1]):
            if appeals < s.probable_calls:
                continue
            hits = index.find(fold(street), None, self.clock(), 0)
            if not any(h.outage.utility == utility for h in hits):
                found.append(Probable(utility, street, appeals))
        return found


class DigestMail(Protocol):
    async def send_mail(self, messages: Sequence[NewMessage], at: datetime) -> int:
        """Into the outbox (a message whose key exists is not sent again); how many new."""


class OutagesDigest:
    """The morning digest's subject and text for a day (sent by the scheduler)."""

    def __init__(self, store: OutageStore, timezone: str, *, mail: DigestMail | None = None,
                 recipients: Sequence[str] = ()) -> None:
        self.store, self.timezone = store, timezone
        self.mail, self.recipients = mail, tuple(recipients)

    async def send(self, due: datetime) -> int:
        """The scheduler's daily job: the digest of the local day `due` falls on, to every
        recipient through the outbox, once (keyed by day and address: a catch-up or a second
        process sends nothing twice). The outbox keeps it (subject and text) for later."""
        if self.mail is None or not self.recipients:
            return 0
        day = due.astimezone(ZoneInfo(self.timezone)).date()
        digest = await self.compose(day)
        messages = [NewMessage(digest_key(day, to), DIGEST_EVENT, EMAIL, to,
                               {"event": DIGEST_EVENT, "day": day.isoformat(),
                                "subject": digest.subject, "text": digest.text})
                    for to in self.recipients]
        return await self.mail.send_mail(messages, due)

    async def compose(self, day: date) -> Digest:
        start = datetime.combine(day, time(), ZoneInfo(self.timezone))
        outages = await self.store.touching(start - timedelta(days=1), limit=5000)
        return Digest(digest_subject(day), digest_text(outages, day, self.timezone))
