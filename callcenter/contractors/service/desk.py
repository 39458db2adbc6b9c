"""The contractor's desk: its own appeals, and its answers given by appeal number.

Everything is scoped by the signed-in user's contractor: an appeal of another contractor is
"not found", exactly like one that does not exist, so nothing reveals that it does. The
answers themselves are `ContractorAnswers`; this adds the look-ups, the photos (checked by
their bytes, stored in the attachments archive before the answer is written, removed again if
the answer is refused) and the history a contractor may see.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import BinaryIO, Protocol

import structlog

from callcenter.appeals.model.photos import PhotoRules, check_photos
from callcenter.appeals.service.photos import PhotoFile, check_image, photo_file
from callcenter.contractors.model.desk import (
    ContractorAppeal,
    ContractorAppealDetails,
    ContractorAppealNotFound,
    NotAContractor,
    visible_history,
)
from callcenter.contractors.service.answers import ContractorAnswers
from callcenter.recordings.service.archive import Archive
from callcenter.users.model import Principal, Role

log = structlog.get_logger("callcenter.desk")
MAX_PAGE = 200


class DeskStore(Protocol):
    async def contractor_id(self, code: str) -> int | None: ...

    async def confirmed(self, contractor_id: int) -> tuple[int, int]:
        """(confirmed by residents, checked with residents) on control calls."""
        ...

    async def appeals(self, contractor_id: int, *, statuses: Sequence[str], limit: int,
                      offset: int) -> tuple[list[ContractorAppeal], int]: ...

    async def appeal(self, contractor_id: int,
                     number: str) -> ContractorAppealDetails | None: ...


@dataclass(frozen=True, slots=True)
class PhotoUpload:
    """An uploaded file as the web layer hands it over: its size, first bytes, and content."""

    size: int
    head: bytes
    file: BinaryIO


@dataclass(frozen=True, slots=True)
class Page:
    items: list[ContractorAppeal]
    total: int
    limit: int
    offset: int
    confirmed: int = 0  # appeals the residents confirmed done on a control call
    checked: int = 0  # appeals checked with the residents

    @property
    def confirmed_percent(self) -> int | None:
        return round(100 * self.confirmed / self.checked) if self.checked else None


class ContractorDesk:
    def __init__(self, *, store: DeskStore, answers: ContractorAnswers, photos: Archive,
                 photo_rules: PhotoRules) -> None:
        self.store = store
        self.answers = answers
        self.photos = photos
        self.photo_rules = photo_rules

    async def contractor_of(self, user: Principal) -> int | None:
        """The id of the user's contractor; None when its code is not (or no longer) in the
        database: such an account sees no appeals."""
        if user.role != Role.CONTRACTOR:
            raise NotAContractor("this account does not belong to a contractor")
        if not user.contractor:
            return None
        return await self.store.contractor_id(user.contractor)

    async def appeals(self, user: Principal, *, statuses: Sequence[str] = (), limit: int = 50,
                      offset: int = 0) -> Page:
        limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
        contractor = await self.contractor_of(user)
        if contractor is None:
            return Page([], 0, limit, offset)
        items, total = await self.store.appeals(contractor, statuses=statuses, limit=limit,
                                                offset=offset)
        confirmed, checked = await self.store.confirmed(contractor)
        return Page(items, total, limit, offset, confirmed, checked)

    async def appeal(self, user: Principal, number: str) -> ContractorAppealDetails:
        _, found = await self._find(user, number)
        return replace(found, history=visible_history(found.history))

    async def take(self, user: Principal, number: str, *, comment: str = "") -> None:
        contractor, appeal_id = await self._own(user, number)
        await self.answers.take_into_work(appeal_id, contractor_id=contractor,
                                          actor=user.username, comment=comment.strip())

    async def plan(self, user: Principal, number: str, *, day: date,
                   comment: str = "") -> None:
        contractor, appeal_id = await self._own(user, number)
        await self.answers.set_planned_date(appeal_id, contractor_id=contractor,
                                            actor=user.username, day=day,
                                            comment=comment.strip())

    async def not_ours(self, user: Principal, number: str, *, reason: str) -> None:
        contractor, appeal_id = await self._own(user, number)
        await self.answers.not_ours(appeal_id, contractor_id=contractor, actor=user.username,
                                    comment=reason)

    async def clarify(self, user: Principal, number: str, *, question: str) -> None:
        contractor, appeal_id = await self._own(user, number)
        await self.answers.ask_clarification(appeal_id, contractor_id=contractor,
                                             actor=user.username, question=question)

    async def done(self, user: Principal, number: str, *, answer: str, note: str = "",
                   photos: Sequence[PhotoUpload] = ()) -> None:
        """Photos are checked first (all refused if one is bad), stored, then the answer is
        written with their refs; if the answer is refused the stored files go again."""
        contractor, appeal_id = await self._own(user, number)
        kinds = check_photos([p.size for p in photos], [p.head for p in photos],
                             self.photo_rules)
        for photo in photos:
            await asyncio.to_thread(check_image, photo.file, self.photo_rules)
        refs = [f"{number}/{secrets.token_hex(12)}.{kind}" for kind in kinds]
        try:
            for ref, photo in zip(refs, photos, strict=True):
                await asyncio.to_thread(self._store_photo, ref, photo.file)
            await self.answers.mark_done(appeal_id, contractor_id=contractor,
                                         actor=user.username, answer=answer, photos=refs,
                                         note=note.strip())
        except BaseException:
            for ref in refs:
                await asyncio.to_thread(self.photos.remove, ref)
            raise
        log.info("photos_stored", number=number, count=len(refs))

    async def photo(self, user: Principal, number: str, photo_id: int) -> PhotoFile:
        """The file of one of the appeal's photos (inside the attachments archive)."""
        found = await self.appeal(user, number)
        return await photo_file(self.photos, found.photos, photo_id, number=number)

    def _store_photo(self, ref: str, source: BinaryIO) -> None:
        source.seek(0)
        self.photos.produce(ref, lambda target: shutil.copyfileobj(source, target))

    async def _own(self, user: Principal, number: str) -> tuple[int, int]:
        contractor, found = await self._find(user, number)
        return contractor, found.appeal.id

    async def _find(self, user: Principal,
                    number: str) -> tuple[int, ContractorAppealDetails]:
        contractor = await self.contractor_of(user)
        found = None if contractor is None else await self.store.appeal(contractor, number)
        if contractor is None or found is None:
            raise ContractorAppealNotFound(number)
        return contractor, found
