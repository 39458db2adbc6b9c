"""The web app for the residents' doors (the portal, Open311): the sample contractors and the
default routing rules, attachments in a temporary folder, no minimum fill time unless asked."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from callcenter import main
from callcenter.appeals.tables import Appeal, AppealAttachmentRow
from callcenter.contractors.service.imports import import_contractors
from callcenter.contractors.store.contractors import SqlContractorStore
from callcenter.core import config as configuration
from callcenter.core.database import Database
from callcenter.delivery.tables import OutboxMessageRow
from tests.web_rig import WebRig, web_config

PHOTO_LIMIT = 200_000
STAMP = re.compile(r'name="stamp" value="([^"]+)"')
FORM = {"category": "road_potholes", "street": "вул. Незалежності", "house": "12",
        "description": "Глибока яма на проїжджій частині біля під'їзду",
        "contact_name": "Оксана", "contact_phone": "067 123 45 67",
        "contact_email": "Oksana@Example.org", "consent": "1"}


@dataclass
class Residents:
    web: WebRig
    attachments: Path

    async def stamp(self, client: httpx.AsyncClient) -> str:
        page = await client.get("/portal")
        found = STAMP.search(page.text)
        assert found, page.text[:500]
        return found.group(1)

    async def submit(self, client: httpx.AsyncClient, form: dict[str, str] | None = None,
                     files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
                     **changes: str) -> httpx.Response:
        data = {**(FORM if form is None else form), **changes}
        data.setdefault("stamp", await self.stamp(client))
        return await client.post("/portal", data=data,
                                 files=files or [("photos", ("", b"", "application/octet-stream"))])

    async def appeals(self) -> list[Appeal]:
        async with self.web.db.reading() as session:
            return list((await session.scalars(select(Appeal).order_by(Appeal.id))).all())

    async def appeal(self, number: str) -> Appeal:
        async with self.web.db.reading() as session:
            found = await session.scalar(select(Appeal).where(Appeal.number == number))
            assert found is not None
            return found

    async def outbox(self, number: str) -> list[OutboxMessageRow]:
        async with self.web.db.reading() as session:
            return list((await session.scalars(
                select(OutboxMessageRow).join(Appeal, Appeal.id == OutboxMessageRow.appeal_id)
                .where(Appeal.number == number).order_by(OutboxMessageRow.id))).all())

    async def photos(self, number: str) -> list[AppealAttachmentRow]:
        async with self.web.db.reading() as session:
            return list((await session.scalars(
                select(AppealAttachmentRow).join(Appeal, Appeal.id == AppealAttachmentRow.appeal_id)
                .where(Appeal.number == number))).all())

    async def count(self, table: Any) -> int:
        async with self.web.db.reading() as session:
            return int(await session.scalar(select(func.count()).select_from(table)) or 0)

    def stored_files(self) -> list[Path]:
        return sorted(p for p in self.attachments.rglob("*") if p.is_file())


@asynccontextmanager
async def residents_web(database_url: str, tmp_path: Path,
                        **portal: Any) -> AsyncIterator[Residents]:
    attachments = tmp_path / "attachments"
    config = web_config(database_url).replace(
        attachments=configuration.AttachmentsConfig(dir=str(attachments),
                                                    photo_max_bytes=PHOTO_LIMIT),
        portal=configuration.PortalConfig(**{"min_fill_seconds": 0.0, **portal}))
    db = Database(database_url)
    app = main.build_web(config, db)
    await import_contractors(Path("config/contractors.toml"), SqlContractorStore(db))
    try:
        yield Residents(WebRig(app=app, db=db, auth=app.state.auth, config=config), attachments)
    finally:
        await db.close()
