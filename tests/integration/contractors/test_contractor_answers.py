"""Contractors answer on real databases: each answer moves the state machine, lands in the
history, acknowledges the assignment, and only the assigned contractor may give it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.appeals.rows import appeal_history
from callcenter.appeals.tables import Appeal, AppealAttachmentRow
from callcenter.routing.model.records import NotWithContractor, NotYourAppeal, TextRequired
from tests.integration.routing_seed import City, build_city


@pytest.fixture
async def city(database_url: str, tmp_path: Path) -> City:
    built = await build_city(database_url, tmp_path)
    yield built
    await built.db.close()


async def routed(city: City, category: str = "roof_leak") -> tuple[int, int]:
    appeal_id = await city.registered(category, "Галицька 3")
    result = await city.appeal_router.appeal_registered(appeal_id)
    return appeal_id, result.assignment.contractor_id


async def state(city: City, appeal_id: int) -> Appeal:
    async with city.db.transaction() as session:
        found = await session.get(Appeal, appeal_id)
        assert found is not None
        return found


async def last_history(city: City, appeal_id: int) -> tuple[str, str | None, str]:
    appeal = await state(city, appeal_id)
    last = (await appeal_history(city.db, appeal.number))[-1]
    return last.action, last.to_status, last.comment


async def test_take_into_work_acknowledges(city: City) -> None:
    appeal_id, uk = await routed(city)
    city.clock.advance(minutes=20)
    await city.answers.take_into_work(appeal_id, contractor_id=uk, actor="uk-user",
                                      comment="бригада виїхала")
    appeal = await state(city, appeal_id)
    assert (appeal.status, appeal.acknowledged_at) == ("in_work", city.clock.now)
    assert await last_history(city, appeal_id) == ("in_work", "in_work", "бригада виїхала")


async def test_another_contractor_cannot_answer(city: City) -> None:
    appeal_id, _ = await routed(city)
    with pytest.raises(NotYourAppeal):
        await city.answers.take_into_work(appeal_id, contractor_id=city.ids["vodokanal"],
                                          actor="intruder")
    assert (await state(city, appeal_id)).status == "assigned"


async def test_a_planned_date_means_work(city: City) -> None:
    appeal_id, uk = await routed(city)
    await city.answers.set_planned_date(appeal_id, contractor_id=uk, actor="uk-user",
                                        day=date(2026, 12, 10))
    appeal = await state(city, appeal_id)
    assert (appeal.status, appeal.planned_date) == ("in_work", date(2026, 12, 10))
    await city.answers.set_planned_date(appeal_id, contractor_id=uk, actor="uk-user",
                                        day=date(2026, 12, 11), comment="немає матеріалів")
    assert await last_history(city, appeal_id) == (
        "planned", None, "планова дата 2026-12-11: немає матеріалів")
    assert (await state(city, appeal_id)).planned_date == date(2026, 12, 11)


async def test_done_keeps_the_answer_apart_from_the_note_and_stores_photo_refs(
        city: City) -> None:
    appeal_id, uk = await routed(city)
    with pytest.raises(TextRequired):
        await city.answers.mark_done(appeal_id, contractor_id=uk, actor="uk-user", answer="")
    await city.answers.mark_done(appeal_id, contractor_id=uk, actor="uk-user",
                                 answer="Покрівлю відремонтовано.", note="списано 3 м² руберойду",
                                 photos=["uploads/2026/12/a1.jpg", "uploads/2026/12/a2.jpg"])
    appeal = await state(city, appeal_id)
    assert (appeal.status, appeal.answer) == ("done", "Покрівлю відремонтовано.")
    assert await last_history(city, appeal_id) == ("done", "done", "списано 3 м² руберойду")
    async with city.db.transaction() as session:
        refs = (await session.scalars(select(AppealAttachmentRow.ref).where(
            AppealAttachmentRow.appeal_id == appeal_id).order_by(AppealAttachmentRow.id))).all()
    assert refs == ["uploads/2026/12/a1.jpg", "uploads/2026/12/a2.jpg"]
    with pytest.raises(NotWithContractor):
        await city.answers.take_into_work(appeal_id, contractor_id=uk, actor="uk-user")


async def test_not_ours_goes_back_to_the_coordinator_who_reassigns(city: City) -> None:
    appeal_id, uk = await routed(city)
    with pytest.raises(TextRequired):
        await city.answers.not_ours(appeal_id, contractor_id=uk, actor="uk-user", comment="")
    await city.answers.not_ours(appeal_id, contractor_id=uk, actor="uk-user",
                                comment="будинок обслуговує ОСББ")
    assert (await state(city, appeal_id)).status == "redirected"
    with pytest.raises(NotWithContractor):
        await city.answers.mark_done(appeal_id, contractor_id=uk, actor="uk-user", answer="x")
    await city.appeal_router.reassign(appeal_id, contractor="vodokanal", reason="за відповіддю УК",
                                   actor="coordinator")
    appeal = await state(city, appeal_id)
    assert (appeal.status, appeal.contractor_id) == ("assigned", city.ids["vodokanal"])


async def test_clarification_goes_back_to_the_hotline(city: City) -> None:
    appeal_id, uk = await routed(city)
    with pytest.raises(TextRequired):
        await city.answers.ask_clarification(appeal_id, contractor_id=uk, actor="u",
                                             question=" ")
    await city.answers.ask_clarification(appeal_id, contractor_id=uk, actor="uk-user",
                                         question="Який під'їзд?")
    assert await last_history(city, appeal_id) == ("clarification", "clarification",
                                                    "Який під'їзд?")
