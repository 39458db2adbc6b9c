"""The escalation sweep on real databases: idempotent, raced by two sweepers, overdue list."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.appeals.rows import appeal_history
from callcenter.appeals.tables import Appeal
from callcenter.core.database import Database
from callcenter.delivery.model.notices import Notifier
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.routing.service.escalation import Escalation
from callcenter.routing.store import SqlRoutingStore
from tests.integration.routing_seed import City, build_city


@pytest.fixture
async def city(database_url: str, tmp_path: Path) -> City:
    built = await build_city(database_url, tmp_path)
    yield built
    await built.db.close()


async def events(city: City) -> list[tuple[str, str, str]]:
    async with city.db.transaction() as session:
        rows = (await session.scalars(select(OutboxMessageRow).order_by(OutboxMessageRow.id)))
        return [(r.event, r.channel, r.recipient) for r in rows.all()]


async def test_silence_brings_a_reminder_then_the_manager_and_supervisors(city: City) -> None:
    appeal_id = await city.registered("water_pipe_burst", "Галицька 3")  # emergency: 1h window
    await city.appeal_router.appeal_registered(appeal_id)
    assert await city.escalation.sweep() == 0
    city.clock.advance(minutes=59)
    assert await city.escalation.sweep() == 0
    city.clock.advance(minutes=1)
    assert await city.escalation.sweep() == 2  # e-mail and webhook to the contractor
    assert await city.escalation.sweep() == 0  # idempotent
    city.clock.advance(hours=1)
    assert await city.escalation.sweep() == 2
    assert await city.escalation.sweep() == 0
    assert (await events(city))[2:] == [
        ("appeal.reminder", "email", "dispatch@vodokanal.example.org"),
        ("appeal.reminder", "webhook", "http://127.0.0.1:9/h"),
        ("appeal.escalated", "email", "boss@vodokanal.example.org"),
        ("appeal.escalated", "email", "sup@1580.example.org"),
    ]
    async with city.db.transaction() as session:
        number = await session.scalar(select(Appeal.number).where(Appeal.id == appeal_id))
    history = [h.action for h in await appeal_history(city.db, str(number))]
    assert history.count("reminder") == 1 and history.count("escalated") == 1


async def test_an_answer_stops_the_reminders(city: City) -> None:
    appeal_id = await city.registered("water_pipe_burst", "Галицька 3")
    routed = await city.appeal_router.appeal_registered(appeal_id)
    city.clock.advance(minutes=30)
    await city.answers.take_into_work(appeal_id, contractor_id=routed.assignment.contractor_id,
                                      actor="v")
    city.clock.advance(hours=5)
    assert await city.escalation.sweep() == 0


async def test_ordinary_appeals_wait_a_working_day(city: City) -> None:
    appeal_id = await city.registered("roof_leak", "Галицька 3")  # Wednesday 10:00 Kyiv
    await city.appeal_router.appeal_registered(appeal_id)
    city.clock.advance(hours=23, minutes=59)
    assert await city.escalation.sweep() == 0
    city.clock.advance(minutes=1)
    assert await city.escalation.sweep() == 1  # uk has e-mail only


async def test_two_sweepers_racing_enqueue_each_reminder_once(city: City,
                                                            database_url: str) -> None:
    for n in range(10):
        appeal_id = await city.registered("water_pipe_burst", f"Галицька {n + 1}")
        await city.appeal_router.appeal_registered(appeal_id)
    city.clock.advance(hours=3)
    other_db = Database(database_url)
    notifier = Notifier(public_base_url="https://x", timezone="Europe/Kyiv",
                        supervisors=("sup@1580.example.org",))
    rival = Escalation(store=SqlRoutingStore(other_db), rules=city.rules, notifier=notifier,
                       clock=city.clock)
    try:
        counts = await asyncio.gather(city.escalation.sweep(), rival.sweep(),
                                      city.escalation.sweep(), rival.sweep())
    finally:
        await other_db.close()
    assert sum(counts) == 10 * 4  # 2 reminders + 2 escalation e-mails per appeal, once
    assert len(await events(city)) == 10 * 2 + 10 * 4


async def test_overdue_appeals_are_listed_for_supervisors(city: City) -> None:
    late = await city.registered("water_pipe_burst", "Галицька 3")  # 4h deadline
    done = await city.registered("water_pipe_burst", "Галицька 5")
    ordinary = await city.registered("roof_leak", "Галицька 7")  # 15 days
    for appeal_id in (late, done, ordinary):
        await city.appeal_router.appeal_registered(appeal_id)
    vodokanal = city.ids["vodokanal"]
    await city.answers.take_into_work(late, contractor_id=vodokanal, actor="v")
    await city.answers.mark_done(done, contractor_id=vodokanal, actor="v", answer="Усунуто")
    assert await city.escalation.overdue() == []
    city.clock.advance(hours=4, seconds=1)
    overdue = await city.escalation.overdue()
    assert [(o.status, o.contractor, o.priority) for o in overdue] == [
        ("in_work", "vodokanal", "emergency")]
    assert overdue[0].address == "Галицька 3"
