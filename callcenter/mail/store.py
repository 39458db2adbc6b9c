"""The mail store: letters and their attachments, written in the transaction that files
their appeal (`appeals.rows.file_new`, `delivery.rows.insert_messages`) or appends to one;
and the operators' list of letters waiting to be completed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.appeals.model.filing import NewFiling
from callcenter.appeals.model.statuses import Status
from callcenter.appeals.rows import add_history, file_new
from callcenter.appeals.tables import Appeal
from callcenter.core.database import Database
from callcenter.delivery.model.outbox import NewMessage
from callcenter.delivery.rows import insert_messages
from callcenter.mail.model import AttachmentInfo, Letter, WaitingLetter
from callcenter.mail.service import LetterTakenBefore, StoredFile
from callcenter.mail.tables import MailAttachment, MailLetter

REPLY_NOTE_MAX = 2000  # characters of a reply quoted in the history


class SqlMailStore:
    def __init__(self, db: Database, *, timezone: str) -> None:
        self._db = db
        self._timezone = timezone

    async def taken(self, key: str) -> str | None:
        async with self._db.reading() as session:
            return await session.scalar(
                select(Appeal.number).join(MailLetter, MailLetter.appeal_id == Appeal.id)
                .where(MailLetter.key == key))

    def new_letter(self, letter: Letter, files: Sequence[StoredFile]) -> _NewLetter:
        return _NewLetter(self, letter, files)

    async def add_reply(self, letter: Letter, files: Sequence[StoredFile], *,
                        at: datetime) -> str | None:
        try:
            async with self._db.transaction() as session:
                appeal_id = await session.scalar(
                    select(Appeal.id).where(Appeal.number == letter.number))
                if appeal_id is None:
                    return None
                await self._letter(session, letter, files, appeal_id=appeal_id,
                                   kind="reply", at=at)
                await add_history(session, appeal_id, at=at, actor="email",
                                  action="resident_mail", comment=reply_note(letter, files))
        except IntegrityError:
            raise LetterTakenBefore(await self.taken(letter.key) or "?") from None
        return letter.number

    async def file(self, filing: NewFiling, letter: Letter, files: Sequence[StoredFile], *,
                   at: datetime, actor: str,
                   messages: Callable[[str], Sequence[NewMessage]]) -> str:
        try:
            async with self._db.transaction() as session:
                opened = await file_new(session, self._db.dialect, filing,
                                        timezone=self._timezone, at=at, actor=actor)
                await self._letter(session, letter, files, appeal_id=opened.id,
                                   kind="appeal", at=at)
                await insert_messages(session, self._db.dialect, messages(opened.number),
                                      appeal_id=opened.id, decision_id=None,
                                      contractor_id=None, at=at)
        except IntegrityError:
            raise LetterTakenBefore(await self.taken(letter.key) or "?") from None
        return opened.number

    async def enqueue(self, messages: Sequence[NewMessage], *, at: datetime) -> None:
        async with self._db.transaction() as session:
            await insert_messages(session, self._db.dialect, messages, appeal_id=None,
                                  decision_id=None, contractor_id=None, at=at)

    async def _letter(self, session: AsyncSession, letter: Letter,
                      files: Sequence[StoredFile], *, appeal_id: int, kind: str,
                      at: datetime) -> None:
        letter_id = await session.scalar(insert(MailLetter).values(
            key=letter.key, appeal_id=appeal_id, kind=kind, sender=letter.sender,
            sender_name=letter.sender_name, subject=letter.subject, text=letter.text,
            received_at=at).returning(MailLetter.id))
        for f in files:
            await session.execute(insert(MailAttachment).values(
                letter_id=letter_id, ref=f.ref, filename=f.filename,
                content_type=f.content_type, size=f.size))

    async def waiting(self, *, limit: int = 50) -> list[WaitingLetter]:
        """Letters whose appeal is still `new`, oldest first, with their attachments."""
        async with self._db.reading() as session:
            rows = (await session.execute(
                select(MailLetter, Appeal.number)
                .join(Appeal, Appeal.id == MailLetter.appeal_id)
                .where(Appeal.status == Status.NEW.value, Appeal.channel == "email",
                       MailLetter.kind == "appeal")
                .order_by(MailLetter.id).limit(limit))).all()
            ids = [letter.id for letter, _ in rows]
            files = (await session.scalars(
                select(MailAttachment).where(MailAttachment.letter_id.in_(ids))
                .order_by(MailAttachment.id))).all() if ids else []
        by_letter: dict[int, list[AttachmentInfo]] = {}
        for f in files:
            by_letter.setdefault(f.letter_id, []).append(
                AttachmentInfo(f.id, f.filename, f.content_type, f.size))
        return [WaitingLetter(number=number, sender=letter.sender,
                              sender_name=letter.sender_name, subject=letter.subject,
                              text=letter.text, received_at=letter.received_at,
                              attachments=by_letter.get(letter.id, []))
                for letter, number in rows]

    async def attachment(self, attachment_id: int) -> StoredFile | None:
        async with self._db.reading() as session:
            row = await session.get(MailAttachment, attachment_id)
        if row is None:
            return None
        return StoredFile(row.ref, row.filename, row.content_type, row.size)


class _NewLetter:
    """The appeals' `NewFilingStore` for one letter: the appeal and the letter together."""

    def __init__(self, store: SqlMailStore, letter: Letter,
                 files: Sequence[StoredFile]) -> None:
        self._store = store
        self._letter = letter
        self._files = files

    async def file_new(self, filing: NewFiling, *, at: datetime, actor: str,
                       messages: Callable[[str], Sequence[NewMessage]]) -> str:
        return await self._store.file(filing, self._letter, self._files, at=at, actor=actor,
                                      messages=messages)


def reply_note(letter: Letter, files: Sequence[StoredFile]) -> str:
    """The history's comment: who wrote (in the comment, so the privacy purge scrubs it with
    the rest), what, and the attachments' names."""
    text = letter.description[:REPLY_NOTE_MAX]
    names = ", ".join(f.filename for f in files)
    return f"{letter.sender}:\n{text}" + (f"\n[attachments: {names}]" if names else "")
