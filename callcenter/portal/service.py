"""Filing an appeal on the portal: spam checks first (refusals logged, nothing stored), then
the form checked as an operator's would be, then the photos (by their bytes, stored in the
attachments archive), then the appeal filed and routed (`AppealFiling`); a failure after the
photos were stored removes them again, so nothing is kept half-way.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import BinaryIO

import structlog

from callcenter.appeals.model.filing import ExternalAppeal
from callcenter.appeals.model.form import FieldProblem, InvalidAppealForm
from callcenter.appeals.model.photos import PhotoRules, check_photos
from callcenter.appeals.service.filing import AppealFiling
from callcenter.appeals.service.photos import check_image
from callcenter.core.throttle import StrikeStore, failed, retry_after, wait_of
from callcenter.portal.model import (
    PortalRules,
    PortalThrottled,
    Spam,
    check_honeypot,
    check_stamp,
    stamp,
)
from callcenter.recordings.service.archive import Archive

log = structlog.get_logger("callcenter.portal")


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded photo as the web layer hands it over."""

    size: int
    head: bytes
    file: BinaryIO


@dataclass(frozen=True, slots=True)
class Submission:
    appeal: ExternalAppeal  # channel web
    stamp: str
    honeypot: str
    photos: Sequence[Upload] = ()
    consent: bool = False  # to the processing of personal data (the law requires it)


class Portal:
    def __init__(self, *, filing: AppealFiling, archive: Archive, photo_rules: PhotoRules,
                 rules: PortalRules, strikes: StrikeStore, secret: bytes,
                 clock: Callable[[], float] = time.time) -> None:
        self.filing = filing
        self.archive = archive
        self.photo_rules = replace(photo_rules, max_count=rules.photos_max)
        self.rules = rules
        self.strikes = strikes
        self.secret = secret
        self._clock = clock

    def stamp(self) -> str:
        return stamp(self.secret, self._clock())

    async def submit(self, submission: Submission, *, client: str) -> str:
        """The appeal's number; `Spam`, `PortalThrottled`, `InvalidAppealForm` or a photo's
        refusal otherwise (nothing stored)."""
        now = self._clock()
        try:
            check_honeypot(submission.honeypot)
            check_stamp(submission.stamp, self.secret, now=now, rules=self.rules)
        except Spam as exc:
            log.warning("portal_submission_refused", reason=exc.reason, client=client)
            raise
        await self._check_allowance(client, now)
        self._check_form(submission)  # the form's problems before any file is kept
        await self._count(client, now)  # before filing: parallel robots cannot all pass
        refs = await self._store_photos(submission.photos)
        try:
            number = await self.filing.file(replace(submission.appeal, photos=tuple(refs)))
        except BaseException:
            for ref in refs:
                await asyncio.to_thread(self.archive.remove, ref)
            raise
        return number

    def _check_form(self, submission: Submission) -> None:
        problems = [] if submission.consent else [FieldProblem("consent", "consent_required")]
        try:
            self.filing.check(submission.appeal)
        except InvalidAppealForm as exc:
            problems = [*exc.problems, *problems]
        if problems:
            raise InvalidAppealForm(problems)

    async def _check_allowance(self, client: str, now: float) -> None:
        key = f"address:{client}"
        wait = wait_of((await self.strikes.strikes([key])).get(key), self.rules.per_address,
                       now)
        if wait > 0:
            log.warning("portal_submission_refused", reason="rate limit", client=client)
            raise PortalThrottled(retry_after(wait))

    async def _count(self, client: str, now: float) -> None:
        key = f"address:{client}"
        current = (await self.strikes.strikes([key])).get(key)
        await self.strikes.save({key: failed(current, self.rules.per_address, now)})

    async def _store_photos(self, photos: Sequence[Upload]) -> list[str]:
        kinds = check_photos([p.size for p in photos], [p.head for p in photos],
                             self.photo_rules)
        for photo in photos:
            await asyncio.to_thread(check_image, photo.file, self.photo_rules)
        refs = [f"portal/{secrets.token_hex(12)}.{kind}" for kind in kinds]
        stored: list[str] = []
        try:
            for ref, photo in zip(refs, photos, strict=True):
                await asyncio.to_thread(self._store, ref, photo.file)
                stored.append(ref)
        except BaseException:
            for ref in stored:
                await asyncio.to_thread(self.archive.remove, ref)
            raise
        return refs

    def _store(self, ref: str, source: BinaryIO) -> None:
        source.seek(0)
        self.archive.produce(ref, lambda target: shutil.copyfileobj(source, target))
