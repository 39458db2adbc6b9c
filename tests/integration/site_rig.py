"""A whole desk seeded so that every page has something to show: users of every role, appeals
in several statuses with history, a stored recording, a dispute with a contractor's link,
outbox messages queued and failed, an overdue appeal, an outage and this morning's digest of
it; served on a loopback port."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallFact,
    CallQueued,
)
from callcenter.calls.store.calls import SqlCallStore
from callcenter.outages.model.places import street_place
from callcenter.outages.model.records import Kind, OutageDraft, Utility
from callcenter.outages.service import Outages
from callcenter.outages.wiring import build_digest
from tests.integration.replay_rig import Eventually, SupervisionRig, make_supervision
from tests.integration.routing_web import (
    completed,
    dead_letter_worker,
    import_sample_contractors,
    make_overdue,
)
from tests.web_rig import PASSWORD, LiveWeb, serving

WATER = {"version": 1, "category": "water_none", "street": "вул. Незалежності", "house": "12а",
         "flat": "5", "description": "Третю добу немає холодної води у всьому під'їзді"}
HEATING = {"version": 1, "category": "heating_none", "street": "вул. Галицька", "house": "3",
           "flat": "14", "description": "Холодні батареї в усій квартирі"}
USERS = [("olena", "operator", "Олена Коваль", "PJSIP/op1001", None),
         ("petro", "operator", "Петро Бондар", None, None),
         ("iryna", "supervisor", "Ірина Мельник", None, None),
         ("admin", "admin", "Андрій Шевчук", None, None),
         ("voda", "contractor", "Диспетчер водоканалу", None, "vodokanal")]


@dataclass
class Site:
    rig: SupervisionRig
    live: LiveWeb
    numbers: dict[str, str] = field(default_factory=dict)

    def client(self, token: str) -> httpx.AsyncClient:
        return self.rig.web.client(token)


async def token(rig: SupervisionRig, name: str) -> str:
    signed = await rig.web.auth.sign_in(username=name, password=PASSWORD, kind="bearer")
    return signed.token


async def contractor_answers(rig: SupervisionRig, numbers: dict[str, str]) -> None:
    async with rig.web.client(await token(rig, "voda")) as client:
        for number, action, body in [
            (numbers["taken"], "take", {"comment": "Бригада виїхала"}),
            (numbers["done"], "take", {}),
            (numbers["done"], "done", {"answer": (None, "Подачу води відновлено о 15:00")}),
            (numbers["asked"], "clarify", {"question": "Уточніть номер під'їзду"}),
        ]:
            sent = (await client.post(f"/api/contractor/appeals/{number}/{action}", files=body)
                    if action == "done" else
                    await client.post(f"/api/contractor/appeals/{number}/{action}", json=body))
            assert sent.status_code == 200, sent.text


async def dispute(rig: SupervisionRig, number: str) -> str:
    """A dispute about the appeal and a link for its contractor: the link's path."""
    async with rig.web.client(await token(rig, "iryna")) as client:
        opened = await client.post(f"/api/appeals/{number}/disputes", json={
            "contractor": "vodokanal", "claim": "Водоканал каже, що заявник не назвав під'їзд"})
        assert opened.status_code == 201, opened.text
        dispute_id = opened.json()["id"]
        linked = await client.post(f"/api/appeals/{number}/links",
                                   json={"dispute_id": dispute_id})
        assert linked.status_code == 201, linked.text
        return str(linked.json()["url"]).split("://", 1)[-1].partition("/")[2]


async def seed(rig: SupervisionRig, eventually: Eventually) -> dict[str, str]:
    web = rig.web
    await import_sample_contractors(web)
    for name, role, display, seat, contractor in USERS:
        await web.auth.add_user(username=name, password=PASSWORD, role=role,
                                display_name=display, seat=seat, contractor=contractor)
    numbers: dict[str, Any] = {}
    stored = await rig.stored(eventually)
    numbers["recorded"] = stored.number
    async with web.client(await token(rig, "olena")) as client:
        recorded = await client.post(f"/api/appeals/{stored.number}/complete", json=WATER)
        assert recorded.status_code == 200, recorded.text
        for key in ("taken", "done", "asked", "overdue"):
            numbers[key] = (await completed(web, client, WATER))["number"]
    await contractor_answers(rig, numbers)
    await make_overdue(web, numbers["overdue"])
    seeder = await web.auth.store.find_user("seeder")  # made by seed_call, without a name
    assert seeder is not None
    await web.auth.store.update_user(seeder.id, display_name="Черговий супервізор")
    numbers["listen"] = "/" + await dispute(rig, stored.number)
    worker = dead_letter_worker(web)
    try:
        await worker.workers[0].run_once()
    finally:
        await worker.close()
    async with web.client(await token(rig, "olena")) as client:  # queued, never tried
        numbers["heating"] = (await completed(web, client, HEATING))["number"]
    await calls_today(rig)
    numbers["digest"], numbers["outage"] = await outage_digest(rig)
    return numbers


async def outage_digest(rig: SupervisionRig) -> tuple[str, str]:
    """An emergency outage and this morning's digest of it, queued for two addresses: the
    day's ISO date and the outage's id."""
    service: Outages = rig.web.app.state.outages
    now = datetime.now(UTC)
    [outage_id] = await service.create([OutageDraft(
        Utility.WATER, Kind.EMERGENCY, (street_place("Шевченка", "2-40 парні", service.streets),),
        now - timedelta(hours=3), now + timedelta(hours=5), "Підвіз води о 12:00",
        "Бригада 3")], "iryna")
    config = rig.web.config
    config = config.replace(outages=dataclasses.replace(
        config.outages, digest_emails=("mer@if.example.org", "zastupnyk@if.example.org")))
    await build_digest(config, rig.db).send(now)
    return now.astimezone(ZoneInfo(config.timezone)).date().isoformat(), str(outage_id)


async def calls_today(rig: SupervisionRig) -> None:
    """Three calls in the queue today: answered after 20 s and 40 s, and one abandoned."""
    start = datetime.now(UTC) - timedelta(minutes=10)
    facts: list[CallFact] = []
    for n, (wait, outcome) in enumerate([(20, "answered"), (40, "answered"),
                                         (60, "abandoned")]):
        call_id = f"{int(start.timestamp())}.{n}"
        facts += [CallEntered(call_id, start, "kyivstar", "mobile", "PJSIP/kyivstar-1",
                              f"+38067000000{n}", f"067000000{n}", None, "Київстар"),
                  CallQueued(call_id, start, "1580", n + 1)]
        if outcome == "answered":
            facts.append(CallAnswered(call_id, start + timedelta(seconds=wait), "PJSIP/op1001"))
        facts.append(CallEnded(call_id, start + timedelta(seconds=wait + 60), outcome, 16,
                               "Normal Clearing"))
    await SqlCallStore(rig.db, pbx=rig.web.config.pbx.name,
                       timezone=rig.web.config.timezone).apply(facts)


@asynccontextmanager
async def seeded_site(database_url: str, tmp_path: Path,
                      eventually: Eventually) -> AsyncIterator[Site]:
    rig = await make_supervision(database_url, tmp_path)
    try:
        numbers = await seed(rig, eventually)
        async with serving(rig.web) as live:
            yield Site(rig, live, numbers)
    finally:
        await rig.db.close()
