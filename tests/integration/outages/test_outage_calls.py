"""Outages and calls: time moves a planned outage to active (a history row), the pop's
query finds outages at the caller's addresses, one click answers an appeal by an outage (status
consultation, linked, counted; never twice), and many appeals of one utility on one street
with no outage registered are flagged, with one click to register it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from callcenter.appeals.model.statuses import Channel
from callcenter.appeals.rows import appeal_history, open_appeal
from callcenter.appeals.tables import Appeal, AppealCounter
from callcenter.core.database import Database
from callcenter.outages.model.places import street_place
from callcenter.outages.model.records import Kind, OutageDraft, Status, Utility
from callcenter.outages.rows import outages_at
from callcenter.outages.service import Outages
from callcenter.outages.wiring import build_digest
from tests.integration.portal_rig import residents_web


async def new_appeal(db: Database, *, category: str, street: str, house: str) -> str:
    now = datetime.now(UTC)
    year = int(now.astimezone(ZoneInfo("Europe/Kyiv")).year)
    async with db.transaction() as session:
        if await session.scalar(select(AppealCounter.year)
                                .where(AppealCounter.year == year)) is None:
            session.add(AppealCounter(year=year, last=0))
    async with db.transaction() as session:
        opened = await open_appeal(session, timezone="Europe/Kyiv", channel=Channel.PHONE,
                                   opened_at=now, call_pk=None, automatic=False,
                                   caller="+380501234567", caller_name=None, comment="test")
        await session.execute(update(Appeal).where(Appeal.id == opened.id).values(
            category=category, street=street, house=house))
    return opened.number


def draft(service: Outages, houses: str, *, start: timedelta,
          utility: Utility = Utility.WATER) -> OutageDraft:
    return OutageDraft(utility, Kind.EMERGENCY,
                       (street_place("Незалежності", houses, service.streets),),
                       datetime.now(UTC) + start, None, "Бригади працюють")


async def test_time_moves_and_the_pop_query(database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        service: Outages = rig.web.app.state.outages
        now_id, soon_id, later_id = await service.create(
            [draft(service, "1-41 непарні", start=timedelta(minutes=-5)),
             draft(service, "", start=timedelta(seconds=1)),
             draft(service, "", start=timedelta(hours=30))], "sofia")
        assert (await service.get(soon_id)).status == Status.PLANNED
        service.clock = lambda: datetime.now(UTC) + timedelta(minutes=1)
        assert await service.advance() == 1 and await service.advance() == 0
        page = await service.page(soon_id)
        async with rig.web.db.reading() as session:
            at_house = await outages_at(session, [("вулиця Незалежності", "13")],
                                        datetime.now(UTC), 24 * 3600)
            even = await outages_at(session, [("вулиця Незалежності", "14")],
                                    datetime.now(UTC), 24 * 3600)
            elsewhere = await outages_at(session, [("вулиця Шевченка", None)],
                                         datetime.now(UTC), 24 * 3600)
    assert [(e.action, e.status, e.actor) for e in page.history] == [
        ("created", Status.PLANNED, "sofia"), ("status", Status.ACTIVE, "system")]
    assert [(h.outage.id, h.when) for h in at_house] == [(now_id, "now"), (soon_id, "now")]
    assert [h.outage.id for h in even] == [soon_id] and elsewhere == []
    assert later_id not in {h.outage.id for h in at_house}


async def test_one_click_answers_the_appeal_by_the_outage(database_url: str,
                                                          tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        service: Outages = rig.web.app.state.outages
        [outage_id] = await service.create([draft(service, "", start=timedelta(hours=-1))],
                                           "sofia")
        number = await new_appeal(rig.web.db, category="water_none",
                                  street="вулиця Незалежності", house="12")
        token = await rig.web.token("olena", "operator")
        async with rig.web.client(token) as desk:
            first = await desk.post(f"/api/outages/{outage_id}/appeals", json={"number": number})
            again = await desk.post(f"/api/outages/{outage_id}/appeals", json={"number": number})
            missing = await desk.post(f"/api/outages/{outage_id}/appeals",
                                      json={"number": "2026-999999"})
            watch = await desk.get("/api/outages/watch")
        history = await appeal_history(rig.web.db, number)
        async with rig.web.db.reading() as session:
            status = await session.scalar(select(Appeal.status).where(Appeal.number == number))
    assert first.status_code == 200 and first.json()["attached"] is True, first.text
    assert first.json()["calls"] == 1 and again.json() == {**first.json(), "attached": False}
    assert missing.status_code == 404
    assert status == "consultation"
    assert history[-1].comment.startswith("Уже відомо") and history[-1].actor == "olena"
    [drawing] = watch.json()["drawing"]
    assert (drawing["id"], drawing["calls_last_hour"]) == (outage_id, 1)


async def test_many_appeals_and_no_cause_are_flagged(database_url: str,
                                                     tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        service: Outages = rig.web.app.state.outages
        for house in ("1", "2", "3", "4"):
            await new_appeal(rig.web.db, category="water_none", street="вулиця Шевченка",
                             house=house)
        await new_appeal(rig.web.db, category="power_outage", street="вулиця Шевченка",
                         house="5")
        four = await service.probable()
        await new_appeal(rig.web.db, category="water_low_pressure", street="вулиця Шевченка",
                         house="6")
        five = await service.probable()
        token = await rig.web.token("sofia", "supervisor")
        async with rig.web.client(token) as board:
            page = await board.get("/outages")
            made = await board.post("/outages/probable", data={
                "utility": "water", "street": "вулиця Шевченка", "appeals": "5"})
            after = await service.probable()
    assert four == []
    assert [(p.utility, p.street, p.appeals) for p in five] == [
        (Utility.WATER, "вулиця Шевченка", 5)]
    assert 'id="probable"' in page.text and "вулиця Шевченка" in page.text
    assert made.status_code == 303 and after == []


async def test_the_morning_digest_composes_the_day(database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        service: Outages = rig.web.app.state.outages
        await service.create([draft(service, "1-41 непарні", start=timedelta(minutes=-5)),
                              draft(service, "", start=timedelta(days=3))], "sofia")
        digest = await build_digest(rig.web.config, rig.web.db).compose(
            datetime.now(ZoneInfo("Europe/Kyiv")).date())
    assert digest.subject.startswith("1580: відключення на ")
    assert "Аварійні: 1" in digest.text and "вул. Незалежності: 1-41 непарні" in digest.text
    assert "(уся вулиця)" not in digest.text  # the one three days ahead is not today's
