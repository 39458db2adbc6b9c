"""The web app with the routing city (tests/integration/routing_seed.py) and SMS to a real
HTTP receiver: calls from real numbers, the operator's save through the API, the outbox
delivered by a real worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select

from callcenter import main
from callcenter.appeals.tables import Appeal
from callcenter.calls.model.facts import CallAnswered, CallEntered
from callcenter.calls.store.calls import SqlCallStore
from callcenter.calls.tables import Call
from callcenter.core import config as configuration
from callcenter.core.database import Database
from callcenter.delivery.senders.email import SmtpSettings
from callcenter.delivery.senders.sms import SmsSettings
from callcenter.delivery.senders.transport import ChannelTransport
from callcenter.delivery.service.worker import OutboxWorker, WorkerSettings
from callcenter.delivery.store import SqlOutboxStore
from tests.integration.contractor_rig import Desk
from tests.integration.loopback_servers import free_port
from tests.integration.routing_seed import build_city
from tests.web_rig import WebRig, web_config

ROOT = Path(__file__).parents[2]
BASE_URL = "https://1580.if.ua"
TOKEN = "sms-token-1"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
FORM = {"version": 1, "category": "roof_leak", "street": "вул. Галицька", "house": "3",
        "flat": "17", "description": "Тече дах, дзвоніть 067 765 43 21"}


@dataclass
class Residents(Desk):
    calls: int = 0

    async def call_and_save(self, caller: str | None, *, raw: str = "", trunk: str = "kyivstar",
                            form: dict[str, object] | None = None) -> str:
        """A call from `caller` (None: withheld); the operator saves its appeal. Its number."""
        self.calls += 1
        call_id = f"1795907974.{self.calls}"
        line = "landline" if trunk == "landline" else "mobile"
        store = SqlCallStore(self.web.db, pbx=self.web.config.pbx.name,
                             timezone=self.web.config.timezone)
        await store.apply([
            CallEntered(call_id, T0, trunk, line, f"PJSIP/{trunk}-{self.calls}", caller,
                        raw or caller or "anonymous", None, None),
            CallAnswered(call_id, T0, "PJSIP/op1001"),
        ])
        async with self.web.db.reading() as session:
            number = str(await session.scalar(
                select(Appeal.number).join(Call, Call.id == Appeal.call_id)
                .where(Call.linkedid == call_id)))
        token = await self.web.token("olena", "operator", seat="PJSIP/op1001")
        async with self.web.client(token) as client:
            saved = await client.post(f"/api/appeals/{number}/complete", json=form or FORM)
        assert saved.status_code == 200, saved.text
        return number

    def public(self, address: str = "203.0.113.7") -> httpx.AsyncClient:
        """A resident's client, from this address, not signed in."""
        transport = httpx.ASGITransport(app=self.web.app, raise_app_exceptions=False,
                                        client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://callcenter.test")


def sms_worker(db: Database, sms_url: str) -> tuple[OutboxWorker, ChannelTransport]:
    transport = ChannelTransport(SmtpSettings(port=free_port(), timeout=2), webhook_timeout=2,
                                 sms=SmsSettings(url=sms_url, token=TOKEN, sender="1580",
                                                 timeout=2))
    worker = OutboxWorker(store=SqlOutboxStore(db), transport=transport, name="sms-test",
                          settings=WorkerSettings(backoff_base=0.01, backoff_max=0.01),
                          jitter=lambda: 0.0)
    return worker, transport


@asynccontextmanager
async def residents(database_url: str, tmp_path: Path, *,
                    sms_url: str = "") -> AsyncIterator[Residents]:
    city = await build_city(database_url, tmp_path)
    attachments = tmp_path / "attachments"
    config = web_config(database_url).replace(
        routing=configuration.RoutingConfig(rules=str(tmp_path / "routing.toml")),
        attachments=configuration.AttachmentsConfig(dir=str(attachments)),
        sms=configuration.SmsConfig(url=sms_url, token=TOKEN,
                                    texts=str(ROOT / "config" / "sms.toml")),
        public=configuration.PublicConfig(base_url=BASE_URL))
    db = Database(database_url)
    app = main.build_web(config, db)
    try:
        yield Residents(city, WebRig(app=app, db=db, auth=app.state.auth, config=config),
                        attachments)
    finally:
        await db.close()
        await city.db.close()
