"""Routing a registered appeal on real SQLite and PostgreSQL: one transaction, the decision
with its reason, the assignment, the history and the outbox; reassignment; duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from callcenter.appeals.rows import appeal_history
from callcenter.appeals.tables import Appeal
from callcenter.core.errors import InvalidTransition
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.routing.model.policy import EmergencyContact
from callcenter.routing.model.records import (
    AppealNotFound,
    ContractorNotFound,
    TextRequired,
)
from callcenter.routing.tables import RoutingDecisionRow
from tests.integration.routing_seed import CALLER, City, build_city


@pytest.fixture
async def city(database_url: str, tmp_path: Path) -> City:
    built = await build_city(database_url, tmp_path)
    yield built
    await built.db.close()


async def appeal_row(city: City, appeal_id: int) -> Appeal:
    async with city.db.transaction() as session:
        found = await session.get(Appeal, appeal_id)
        assert found is not None
        return found


async def outbox(city: City, appeal_id: int) -> list[OutboxMessageRow]:
    async with city.db.transaction() as session:
        return list((await session.scalars(select(OutboxMessageRow).where(
            OutboxMessageRow.appeal_id == appeal_id).order_by(OutboxMessageRow.id))).all())


async def test_a_registered_appeal_is_routed_in_one_go(city: City) -> None:
    appeal_id = await city.registered("water_pipe_burst", "вул. Незалежності, 5")
    routed = await city.appeal_router.appeal_registered(appeal_id)

    assert routed.decision is not None and not routed.already
    assert (routed.assignment.contractor, routed.assignment.rule_id) == ("vodokanal", "water")
    assert routed.decision.emergency_contacts == (
        EmergencyContact("dispatcher", "Черговий диспетчер виконавця: Водоканал",
                         "+380342000202"),)
    appeal = await appeal_row(city, appeal_id)
    assert (appeal.status, appeal.contractor_id, appeal.priority, appeal.delivery) == (
        "assigned", city.ids["vodokanal"], "emergency", "pending")
    assert appeal.deadline == city.clock.now.replace(hour=12)  # 4h for emergencies
    assert appeal.address_key == "незалежності|5"
    async with city.db.transaction() as session:
        decision = await session.scalar(select(RoutingDecisionRow))
    assert decision is not None and decision.rule_id == "water"
    assert decision.reason.startswith("правило «water»: група «water»")
    assert json.loads(decision.emergency_contacts)[0]["phone"] == "+380342000202"
    history = await appeal_history(city.db, appeal.number)
    assert [(h.action, h.from_status, h.to_status) for h in history][-1] == (
        "assigned", "registered", "assigned")
    assert history[-1].comment.startswith("vodokanal: правило «water»")
    messages = await outbox(city, appeal_id)
    assert [(m.channel, m.state, m.required) for m in messages] == [
        ("email", "pending", True), ("webhook", "pending", True)]
    assert messages[0].idempotency_key == f"appeal:{appeal_id}:assignment:{decision.id}:email"
    payload = json.loads(messages[1].payload)
    assert payload["appeal"]["resident_phone"] == "+38067***4567"
    assert payload["appeal"]["address"] == "вул. Незалежності, 5"


async def test_routing_twice_changes_nothing(city: City) -> None:
    appeal_id = await city.registered("roof_leak", "Галицька 3")
    first = await city.appeal_router.appeal_registered(appeal_id)
    again = await city.appeal_router.appeal_registered(appeal_id)
    assert again.already and again.assignment == first.assignment
    assert len(await outbox(city, appeal_id)) == 1
    async with city.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(RoutingDecisionRow)) == 1


async def test_a_call_back_rule_shows_the_full_number(city: City) -> None:
    appeal_id = await city.registered("stairwell", "Галицька 3")
    await city.appeal_router.appeal_registered(appeal_id)
    [message] = await outbox(city, appeal_id)
    assert json.loads(message.payload)["appeal"]["resident_phone"] == CALLER


async def test_no_silent_drop_the_coordinator_gets_it_with_the_reason(city: City) -> None:
    cases = [("power_outage", "виконавця «ghost» немає в довіднику"),
             ("gas_smell", "виконавця «gas-off» вимкнено"),
             ("noise", "немає правила для категорії «noise»"),
             (None, "категорію не вказано")]
    for category, why in cases:
        appeal_id = await city.registered(category, "Галицька 3")
        routed = await city.appeal_router.appeal_registered(appeal_id)
        assert routed.assignment.contractor == "coordinator"
        assert why in routed.assignment.reason
        [message] = await outbox(city, appeal_id)
        assert message.recipient == "coordinator@1580.example.org"
        assert json.loads(message.payload)["appeal"]["resident_phone"] == CALLER


async def test_the_coordinator_keeps_an_emergency_urgent(city: City) -> None:
    appeal_id = await city.registered("gas_smell", "Галицька 3")
    routed = await city.appeal_router.appeal_registered(appeal_id)
    assert routed.decision is not None
    assert (routed.assignment.priority, routed.assignment.deadline) == (
        "emergency", city.clock.now.replace(hour=9))
    assert [c.phone for c in routed.decision.emergency_contacts] == ["104", None]


async def test_only_registered_appeals_are_routed(city: City) -> None:
    appeal_id = await city.registered("roof_leak", "Галицька 3")
    async with city.db.transaction() as session:
        appeal = await session.get(Appeal, appeal_id)
        assert appeal is not None
        appeal.status = "new"
    with pytest.raises(InvalidTransition):
        await city.appeal_router.appeal_registered(appeal_id)
    assert await outbox(city, appeal_id) == []
    with pytest.raises(AppealNotFound):
        await city.appeal_router.appeal_registered(999_999)


async def test_the_decision_and_the_outbox_commit_together_or_not_at_all(city: City) -> None:
    """A database refusing the webhook row rolls back the decision and the assignment too."""
    async with city.db.transaction() as session:
        for statement in _refuse_webhooks(city.db.dialect):
            await session.execute(text(statement))
    appeal_id = await city.registered("water_pipe_burst", "Галицька 3")
    with pytest.raises(Exception, match="refused"):
        await city.appeal_router.appeal_registered(appeal_id)
    appeal = await appeal_row(city, appeal_id)
    assert (appeal.status, appeal.contractor_id, appeal.delivery) == ("registered", None, "none")
    assert await outbox(city, appeal_id) == []
    async with city.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(RoutingDecisionRow)) == 0
    assert [h.action for h in await appeal_history(city.db, appeal.number)] == [
        "opened", "registered"]


def _refuse_webhooks(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return ["CREATE TRIGGER refuse BEFORE INSERT ON outbox WHEN NEW.channel = 'webhook' "
                "BEGIN SELECT RAISE(ABORT, 'webhooks refused'); END"]
    return ["ALTER TABLE outbox ADD CONSTRAINT refused CHECK (channel <> 'webhook')"]


async def test_reassignment_with_a_reason(city: City) -> None:
    appeal_id = await city.registered("roof_leak", "Галицька 3")
    first = await city.appeal_router.appeal_registered(appeal_id)
    async with city.db.transaction() as session:  # as if a worker had delivered it
        await session.execute(update(OutboxMessageRow).values(state="sent"))
    await city.answers.take_into_work(appeal_id, contractor_id=city.ids["uk"], actor="uk-user")
    city.clock.advance(hours=1)
    second = await city.appeal_router.reassign(appeal_id, contractor="vodokanal",
                                            reason="прорив труби, не покрівля", actor="sup")
    assert second.id != first.assignment.id and second.rule_id is None
    assert second.reason == "перепризначено (sup): прорив труби, не покрівля"
    appeal = await appeal_row(city, appeal_id)
    assert (appeal.status, appeal.contractor_id, appeal.acknowledged_at) == (
        "assigned", city.ids["vodokanal"], None)
    assert appeal.deadline == first.assignment.deadline  # the law's clock keeps running
    events = [(m.event, m.recipient) for m in await outbox(city, appeal_id)]
    assert ("appeal.withdrawn", "uk@uk.example.com") in events
    assert ("appeal.assigned", "dispatch@vodokanal.example.org") in events
    history = await appeal_history(city.db, appeal.number)
    assert (history[-1].action, history[-1].from_status, history[-1].actor) == (
        "reassigned", "in_work", "sup")


async def test_reassignment_before_delivery_cancels_what_was_not_sent(city: City) -> None:
    appeal_id = await city.registered("water_pipe_burst", "Галицька 3")
    await city.appeal_router.appeal_registered(appeal_id)
    await city.appeal_router.reassign(appeal_id, contractor="uk", reason="підвал, не мережа",
                                   actor="sup")
    rows = [(m.event, m.recipient, m.state) for m in await outbox(city, appeal_id)]
    assert rows == [
        ("appeal.assigned", "dispatch@vodokanal.example.org", "cancelled"),
        ("appeal.assigned", "http://127.0.0.1:9/h", "cancelled"),
        ("appeal.assigned", "uk@uk.example.com", "pending"),
    ]  # the old contractor never heard of it: no withdrawal either


async def test_reassignment_needs_a_reason_and_a_known_active_contractor(city: City) -> None:
    appeal_id = await city.registered("roof_leak", "Галицька 3")
    await city.appeal_router.appeal_registered(appeal_id)
    with pytest.raises(TextRequired):
        await city.appeal_router.reassign(appeal_id, contractor="vodokanal", reason=" ",
                                       actor="sup")
    for code in ("ghost", "gas-off"):
        with pytest.raises(ContractorNotFound):
            await city.appeal_router.reassign(appeal_id, contractor=code, reason="x", actor="sup")
    assert len(await outbox(city, appeal_id)) == 1


async def test_duplicates_are_offered_and_linked_not_sent_again(city: City) -> None:
    first = await city.registered("water_pipe_burst", "вул. Незалежності, 12А")
    await city.appeal_router.appeal_registered(first)
    second = await city.registered("water_pipe_burst", "Незалежності 12 а")
    found = await city.appeal_router.duplicates_of("water_pipe_burst", "Незалежності 12 а",
                                                exclude=second)
    assert [a.id for a in found] == [first]
    assert await city.appeal_router.duplicates_of("roof_leak", "Незалежності 12А") == []
    assert await city.appeal_router.duplicates_of("water_pipe_burst", "Незалежності 12Б") == []
    assert await city.appeal_router.duplicates_of("water_pipe_burst", None) == []
    await city.appeal_router.link_duplicate(second, original_id=first, actor="op1")
    appeal = await appeal_row(city, second)
    assert (appeal.status, appeal.duplicate_of_id) == ("duplicate", first)
    with pytest.raises(InvalidTransition):
        await city.appeal_router.appeal_registered(second)
    assert await outbox(city, second) == []


async def test_a_closed_appeal_is_no_duplicate(city: City) -> None:
    first = await city.registered("water_pipe_burst", "Галицька 7")
    await city.appeal_router.appeal_registered(first)
    async with city.db.transaction() as session:
        appeal = await session.get(Appeal, first)
        assert appeal is not None
        appeal.status = "closed"
    assert await city.appeal_router.duplicates_of("water_pipe_burst", "Галицька 7") == []


async def test_a_preview_shows_whom_to_call_before_registration(city: City) -> None:
    city.clock.advance(hours=14)  # 00:00 in Kyiv: duty time
    gas = await city.appeal_router.preview("gas_smell", "Галицька 3")
    assert (gas.contractor, gas.fallback) == ("coordinator", True)  # gas-off is inactive
    assert [(c.label, c.phone) for c in gas.emergency_contacts] == [
        ("Аварійна газова служба", "104"),
        ("Черговий диспетчер виконавця: Координатор 1580", None)]
    water = await city.appeal_router.preview("water_pipe_burst", "Галицька 3")
    assert (water.contractor, water.duty) == ("vodokanal", True)
    assert water.emergency_contacts[0].phone == "+380342000202"
    async with city.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(RoutingDecisionRow)) == 0


async def test_an_emergency_hand_off_is_recorded(city: City) -> None:
    appeal_id = await city.registered("gas_smell", "Галицька 3")
    routed = await city.appeal_router.appeal_registered(appeal_id)
    assert routed.decision is not None
    gas = routed.decision.emergency_contacts[0]
    await city.appeal_router.record_handoff(appeal_id, contact=gas, actor="op1",
                                         comment="передано о 10:02")
    appeal = await appeal_row(city, appeal_id)
    history = await appeal_history(city.db, appeal.number)
    assert (history[-1].action, history[-1].comment) == (
        "handoff", "Аварійна газова служба 104: передано о 10:02")


async def test_the_coordinator_always_gets_the_full_number_and_others_the_masked_one(
        city: City) -> None:
    """Reassigned to the coordinator (the hotline itself), the resident's number goes in full,
    whatever the previous rule said; reassigned on from there, it is masked again."""
    appeal_id = await city.registered("roof_leak", "Галицька 3")
    await city.appeal_router.appeal_registered(appeal_id)
    await city.appeal_router.reassign(appeal_id, contractor="coordinator", reason="з'ясувати",
                                      actor="sup")
    await city.appeal_router.reassign(appeal_id, contractor="vodokanal", reason="мережа",
                                      actor="sup")
    phones = [(m.recipient, json.loads(m.payload)["appeal"]["resident_phone"])
              for m in await outbox(city, appeal_id) if m.event == "appeal.assigned"]
    assert phones == [("uk@uk.example.com", "+38067***4567"),
                      ("coordinator@1580.example.org", CALLER),
                      ("dispatch@vodokanal.example.org", "+38067***4567"),
                      ("http://127.0.0.1:9/h", "+38067***4567")]
