"""The web app with the routing city of routing_seed: contractors, rules, routed appeals,
and contractor users to sign in."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from callcenter import main
from callcenter.appeals.tables import Appeal, AppealAttachmentRow, AppealHistory
from callcenter.core import config as configuration
from callcenter.core.database import Database
from tests.integration.routing_seed import CALLER, City, build_city
from tests.web_rig import PASSWORD, WebRig, web_config

PHOTO_LIMIT = 200_000


def real_image(kind: str, size: tuple[int, int] = (4, 3)) -> bytes:
    """A real image a browser can decode (the desk reads every upload's header)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (208, 32, 32)).save(buffer, kind)
    return buffer.getvalue()


PNG = real_image("PNG")
JPEG = real_image("JPEG")


@dataclass
class Desk:
    city: City
    web: WebRig
    attachments: Path

    async def routed(self, category: str = "roof_leak", address: str = "Галицька 3", *,
                     caller: str | None = CALLER) -> str:
        """A registered appeal, routed by the rules; its number."""
        appeal_id = await self.city.registered(category, address, caller=caller)
        await self.city.appeal_router.appeal_registered(appeal_id)
        return await self.number(appeal_id)

    async def number(self, appeal_id: int) -> str:
        async with self.city.db.reading() as session:
            return str(await session.scalar(select(Appeal.number).where(Appeal.id == appeal_id)))

    async def contractor_user(self, name: str, contractor: str) -> str:
        await self.web.user(name, "contractor", contractor=contractor)
        signed = await self.web.auth.sign_in(username=name, password=PASSWORD, kind="bearer")
        return signed.token

    async def appeal(self, number: str) -> Appeal:
        async with self.city.db.reading() as session:
            found = await session.scalar(select(Appeal).where(Appeal.number == number))
            assert found is not None
            return found

    async def history(self, number: str) -> list[AppealHistory]:
        async with self.city.db.reading() as session:
            return list((await session.scalars(
                select(AppealHistory).join(Appeal, Appeal.id == AppealHistory.appeal_id)
                .where(Appeal.number == number).order_by(AppealHistory.id))).all())

    async def attachments_of(self, number: str) -> list[AppealAttachmentRow]:
        async with self.city.db.reading() as session:
            return list((await session.scalars(
                select(AppealAttachmentRow).join(Appeal, Appeal.id == AppealAttachmentRow.appeal_id)
                .where(Appeal.number == number))).all())

    def stored_files(self) -> list[Path]:
        return sorted(p for p in self.attachments.rglob("*") if p.is_file())


@asynccontextmanager
async def contractor_desk(database_url: str, tmp_path: Path) -> AsyncIterator[Desk]:
    city = await build_city(database_url, tmp_path)
    attachments = tmp_path / "attachments"
    config = web_config(database_url).replace(
        routing=configuration.RoutingConfig(rules=str(tmp_path / "routing.toml")),
        attachments=configuration.AttachmentsConfig(dir=str(attachments),
                                                    photo_max_bytes=PHOTO_LIMIT, photos_max=3))
    db = Database(database_url)
    app = main.build_web(config, db)
    try:
        yield Desk(city, WebRig(app=app, db=db, auth=app.state.auth, config=config), attachments)
    finally:
        await db.close()
        await city.db.close()
