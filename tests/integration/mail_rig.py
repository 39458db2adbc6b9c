"""Mail's intake on a migrated database, attachments in a temporary folder, and the real
aiosmtpd receiver on a free loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.core import config as configuration
from callcenter.core.database import Database
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.mail.senders import smtp
from callcenter.mail.service import MailIntake
from callcenter.mail.tables import MailAttachment, MailLetter
from callcenter.mail.wiring import build_intake

OURS = "1580@city.example.org"


def mail_config(database_url: str, tmp_path: Path, **mail: Any) -> configuration.Config:
    config = configuration.load(environ={})
    return config.replace(
        database=configuration.DatabaseConfig(url=database_url),
        attachments=configuration.AttachmentsConfig(dir=str(tmp_path / "attachments")),
        mail=configuration.MailConfig(**{"mode": "smtp", "address": OURS, "port": 0,
                                         "max_message_bytes": 2_000_000, **mail}))


@dataclass
class MailRig:
    db: Database
    intake: MailIntake
    attachments: Path
    port: int = 0

    async def appeals(self) -> list[Appeal]:
        async with self.db.reading() as session:
            return list((await session.scalars(select(Appeal).order_by(Appeal.id))).all())

    async def history(self, number: str) -> list[AppealHistory]:
        async with self.db.reading() as session:
            return list((await session.scalars(
                select(AppealHistory).join(Appeal, Appeal.id == AppealHistory.appeal_id)
                .where(Appeal.number == number).order_by(AppealHistory.id))).all())

    async def outbox(self) -> list[OutboxMessageRow]:
        async with self.db.reading() as session:
            return list((await session.scalars(
                select(OutboxMessageRow).order_by(OutboxMessageRow.id))).all())

    async def count(self, table: Any) -> int:
        async with self.db.reading() as session:
            return int(await session.scalar(select(func.count()).select_from(table)) or 0)

    async def letters(self) -> int:
        return await self.count(MailLetter)

    async def attachment_rows(self) -> int:
        return await self.count(MailAttachment)

    def stored_files(self) -> list[Path]:
        return sorted(p for p in self.attachments.rglob("*") if p.is_file())


@asynccontextmanager
async def mail_intake(database_url: str, tmp_path: Path, **mail: Any
                      ) -> AsyncIterator[MailRig]:
    config = mail_config(database_url, tmp_path, **mail)
    db = Database(database_url)
    try:
        yield MailRig(db, build_intake(config, db), tmp_path / "attachments")
    finally:
        await db.close()


@asynccontextmanager
async def smtp_receiver(database_url: str, tmp_path: Path, **mail: Any
                        ) -> AsyncIterator[MailRig]:
    """The intake behind the real receiver; `rig.port` is where it listens."""
    async with mail_intake(database_url, tmp_path, **mail) as rig:
        handler = smtp.IntakeHandler(rig.intake.take, rig.intake.rules)
        server = await smtp.listen(handler, rig.intake.rules, host="127.0.0.1", port=0)
        rig.port = smtp.bound_port(server)
        try:
            yield rig
        finally:
            server.close()
            await server.wait_closed()
