"""Helpers for the routing web tests: the sample contractors in the web rig's database,
appeals opened by a call and completed through the API, a worker that turns a message into
a dead letter."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update

from callcenter.appeals.tables import Appeal
from callcenter.contractors.service.imports import import_contractors
from callcenter.contractors.store.contractors import SqlContractorStore
from callcenter.routing.wiring import RoutingServices, Worker, build_worker
from tests.integration.appeals.test_appeal_api import seed_call
from tests.integration.loopback_servers import free_port
from tests.web_rig import WebRig

GAS = {"version": 1, "category": "gas_smell", "street": "вул. Незалежності", "house": "12а",
       "flat": "5", "description": "Сильно пахне газом у під'їзді"}
call_ids = iter(range(1795907974, 1795999999))


async def import_sample_contractors(web: WebRig) -> None:
    await import_contractors(Path("config/contractors.toml"), SqlContractorStore(web.db))


def routing_services_of(web: WebRig) -> RoutingServices:
    found: RoutingServices = web.app.state.routing_services
    return found


async def new_appeal(web: WebRig) -> str:
    """An appeal opened by a new answered call (status `new`)."""
    return await seed_call(web, f"{next(call_ids)}.0")


async def completed(web: WebRig, client: httpx.AsyncClient, form: dict[str, Any] = GAS
                    ) -> dict[str, Any]:
    number = await new_appeal(web)
    done = await client.post(f"/api/appeals/{number}/complete", json=form)
    assert done.status_code == 200, done.text
    view: dict[str, Any] = done.json()
    return view


async def make_overdue(web: WebRig, number: str) -> None:
    async with web.db.transaction() as session:
        await session.execute(update(Appeal).where(Appeal.number == number).values(
            deadline=datetime.now(UTC) - timedelta(hours=2)))


def dead_letter_worker(web: WebRig) -> Worker:
    """A worker on the app's services whose SMTP server is not there: one attempt, dead."""
    config = web.config
    config = config.replace(
        smtp=dataclasses.replace(config.smtp, host="127.0.0.1", port=free_port(), timeout=2),
        outbox=dataclasses.replace(config.outbox, max_attempts=1))
    return build_worker(config, name="test", routing_services=routing_services_of(web))
