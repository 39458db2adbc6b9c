"""The mail intake: one message in, at most one appeal out.

A person's letter becomes an appeal `new` through the appeals' filing (`file_new`), with
its letter row, attachments and the sender's acknowledgement in the same transaction; a
reply naming an appeal joins that appeal's history; auto-replies, bounces, our own mail and
loops are logged and dropped; a letter over the limits is refused (`LetterRefused`) with
nothing stored. Attachments go to the attachments archive first and are removed again if
the letter is not stored, so nothing is kept half-way. A letter taken once (its Message-ID)
is never taken again: delivered twice, it is one appeal.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol

import structlog

from callcenter.appeals.model.filing import ExternalAppeal
from callcenter.appeals.model.form import InvalidAppealForm
from callcenter.appeals.model.statuses import Channel
from callcenter.appeals.service.filing import AppealFiling, NewFilingStore
from callcenter.appeals.service.operators import utc_now
from callcenter.core.errors import DomainError
from callcenter.delivery.model.outbox import NewMessage
from callcenter.delivery.model.residents import mail_refused
from callcenter.mail.model import (
    AttachmentNotFound,
    Letter,
    LetterRefused,
    MailRules,
    Skipped,
    WaitingLetter,
    message_key,
    parse,
    read,
    sender_of,
    skip_reason,
)
from callcenter.recordings.service.archive import Archive

log = structlog.get_logger("callcenter.mail")


@dataclass(frozen=True, slots=True)
class StoredFile:
    ref: str
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class Taken:
    """What became of a message: `appeal` (a new one), `reply` (joined one), `duplicate`
    (taken before), `skipped` (not a person's letter; `reason` says why)."""

    outcome: str
    number: str | None = None
    reason: str = ""


class LetterTakenBefore(DomainError):
    """The letter's key is stored already (a second delivery, or a race between two)."""

    error_id = "mail_taken_before"

    def __init__(self, number: str) -> None:
        super().__init__(f"letter taken before as {number}")
        self.number = number


class MailStore(Protocol):
    async def taken(self, key: str) -> str | None:
        """The number of the appeal a letter with this key went to; None if new."""

    def new_letter(self, letter: Letter, files: Sequence[StoredFile]) -> NewFilingStore:
        """The filing store that writes the appeal with this letter's rows (raising
        `LetterTakenBefore` when its key is there already)."""

    async def add_reply(self, letter: Letter, files: Sequence[StoredFile], *,
                        at: datetime) -> str | None:
        """Join the letter to the appeal it names (a history row `resident_mail`); its
        number, None when there is no such appeal. `LetterTakenBefore` as above."""

    async def enqueue(self, messages: Sequence[NewMessage], *, at: datetime) -> None:
        """Put messages about no appeal in the outbox (a refusal's answer)."""


class LetterReader(Protocol):
    async def waiting(self, *, limit: int = 50) -> list[WaitingLetter]: ...

    async def attachment(self, attachment_id: int) -> StoredFile | None: ...


class Letters:
    """The operators' side: the letters waiting to be completed, their attachments."""

    def __init__(self, reader: LetterReader, archive: Archive) -> None:
        self.reader = reader
        self.archive = archive

    async def waiting(self, limit: int = 50) -> list[WaitingLetter]:
        return await self.reader.waiting(limit=limit)

    async def attachment(self, attachment_id: int) -> tuple[StoredFile, str]:
        """The attachment and its file's path; `AttachmentNotFound` when either is gone."""
        found = await self.reader.attachment(attachment_id)
        path = self.archive.stored(found.ref) if found is not None else None
        if found is None or path is None:
            raise AttachmentNotFound(attachment_id)
        return found, str(path)


class MailIntake:
    def __init__(self, *, store: MailStore, filing: AppealFiling, archive: Archive,
                 rules: MailRules, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.filing = filing
        self.archive = archive
        self.rules = rules
        self._clock = clock

    async def take(self, raw: bytes, *, envelope_sender: str | None = None,
                   source: str = "") -> Taken:
        """Take one message as it came (`source`: smtp, imap; for the logs)."""
        try:
            letter = read(raw, self.rules, envelope_sender=envelope_sender)
        except LetterRefused as exc:
            log.warning("mail_refused", reason=exc.reason, size=len(raw), source=source)
            raise
        if isinstance(letter, Skipped):
            log.info("mail_skipped", reason=letter.reason, key=letter.key,
                     sender=letter.sender, source=source)
            return Taken("skipped", reason=letter.reason)
        known = await self.store.taken(letter.key)
        if known is not None:
            log.info("mail_duplicate", key=letter.key, number=known, source=source)
            return Taken("duplicate", known)
        files = await self._store_files(letter)
        try:
            taken = await self._file(letter, files)
        except LetterTakenBefore as exc:
            await self._remove(files)
            log.info("mail_duplicate", key=letter.key, number=exc.number, source=source)
            return Taken("duplicate", exc.number)
        except BaseException:
            await self._remove(files)
            raise
        log.info("mail_taken", outcome=taken.outcome, number=taken.number, key=letter.key,
                 attachments=len(files), source=source)
        return taken

    async def answer_refusal(self, raw: bytes, refused: LetterRefused) -> None:
        """Tell the sender of a letter already in our mailbox (IMAP) why it was not taken,
        through the outbox; never an auto-reply, a bounce or our own mail."""
        message = parse(raw)
        _, sender = sender_of(message)
        if skip_reason(message, self.rules, sender=sender, envelope_sender=None):
            return
        await self.store.enqueue(mail_refused(message_key(message, raw), sender,
                                              why=refused.why), at=self._clock())
        log.info("mail_refusal_answered", why=refused.why, sender=sender)

    async def _file(self, letter: Letter, files: Sequence[StoredFile]) -> Taken:
        if letter.number is not None:
            number = await self.store.add_reply(letter, files, at=self._clock())
            if number is not None:
                return Taken("reply", number)
        appeal = ExternalAppeal(channel=Channel.EMAIL, category="",
                                description=letter.description,
                                contact_name=letter.sender_name, contact_email=letter.sender)
        try:
            number = await self.filing.file_new(
                appeal, store=self.store.new_letter(letter, files), actor="email")
        except InvalidAppealForm as exc:
            raise LetterRefused("the sender's address is not a valid e-mail address",
                                why="bad_sender") from exc
        return Taken("appeal", number)

    async def _store_files(self, letter: Letter) -> list[StoredFile]:
        stored: list[StoredFile] = []
        folder = f"mail/{secrets.token_hex(12)}"
        try:
            for index, attachment in enumerate(letter.attachments, start=1):
                ref = f"{folder}/{index}"
                await asyncio.to_thread(self.archive.produce, ref, _writer(attachment.data))
                stored.append(StoredFile(ref, attachment.filename, attachment.content_type,
                                         len(attachment.data)))
        except BaseException:
            await self._remove(stored)
            raise
        return stored

    async def _remove(self, files: Sequence[StoredFile]) -> None:
        for f in files:
            await asyncio.to_thread(self.archive.remove, f.ref)


def _writer(data: bytes) -> Callable[[BinaryIO], None]:
    def write(target: BinaryIO) -> None:
        target.write(data)
    return write
