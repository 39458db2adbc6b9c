"""Screen pops end to end: the simulator plays calls, real WebSocket clients get the pops.

Every test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import update

from callcenter.appeals.store.queries import list_appeals
from callcenter.appeals.tables import Appeal
from tests.integration.pop_stack import (
    PopStack,
    fast,
    nothing_pending,
    pop_stack,
    receive,
    receive_until,
    types,
    without_cards,
)

LONG_RING = {"ring_seconds": 60.0, "talk_seconds": 0.05}


async def hello_of(stack: PopStack, name: str, seat: str) -> Any:
    ws = await stack.socket(await stack.operator(name, seat))
    hello = await receive(ws)
    assert hello["type"] == "hello"
    return ws, hello


async def test_only_the_rung_seats_get_the_pop_and_the_loser_sees_taken(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack:
        one, hello = await hello_of(stack, "olena", "PJSIP/op1001")
        two, _ = await hello_of(stack, "petro", "PJSIP/op1002")
        three, _ = await hello_of(stack, "ivan", "PJSIP/op1003")
        call_id = await stack.pbx.play("pjsip-landline-answered", caller="0342123456",
                                       caller_name="Олена Петрівна", **fast())
        winner = without_cards(await receive_until(one, "ended"))
        loser = without_cards(await receive_until(two, "taken"))
        assert await nothing_pending(three)  # rung? never: not a queue member here
        assert await nothing_pending(two)  # and the loser gets no "ended"
        metrics = (await stack.live.rig.client().get("/metrics")).text
    assert hello == {"type": "hello", "seat": "PJSIP/op1001", "user": "olena",
                     "paused": False, "pause": None, "current": None}
    assert types(winner) == ["pop", "answered", "ended"]
    pop = winner[0]
    assert (pop["call_id"], pop["seat"]) == (call_id, "PJSIP/op1001")
    card = pop["card"]
    assert (card["caller"], card["caller_name"]) == ("+380342123456", "Олена Петрівна")
    assert (card["line"], card["trunk"], card["carrier"]) == ("landline", "landline", None)
    assert winner[1]["seat"] == "PJSIP/op1001"
    assert winner[2]["outcome"] == "answered"
    assert types(loser) == ["pop", "taken"]
    assert (loser[1]["call_id"], loser[1]["by_seat"]) == (call_id, "PJSIP/op1001")
    assert 'callcenter_pops_sent_total{type="pop"} 2.0' in metrics
    assert "callcenter_pop_latency_seconds_count 2.0" in metrics


async def test_a_ring_that_times_out_then_a_re_ring_is_a_new_pop(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack:
        ws, _ = await hello_of(stack, "olena", "SIP/op1001")
        call_id = await stack.pbx.play("kyivstar-ringnoanswer-abandoned", **fast())
        seen = without_cards(await receive_until(ws, "ended"))
    assert types(seen) == ["pop", "ring_timed_out", "pop", "ended"]
    assert {m["call_id"] for m in seen} == {call_id}
    assert seen[2]["rang_at"] >= seen[0]["rang_at"]
    assert seen[3]["outcome"] == "abandoned"


async def test_a_reload_gets_the_current_pop_back(database_url: str, tmp_path: Path,
                                                 eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack:
        token = await stack.operator("olena", "PJSIP/op1001")
        first = await stack.socket(token)
        await receive(first)
        call_id = stack.pbx.start_call("pjsip-landline-answered", **LONG_RING)
        pop = await receive_until(first, "pop")
        await first.close()
        again = await stack.socket(token)
        hello = await receive(again)
        await stack.pbx.finish_call(call_id)
        after = without_cards(await receive_until(again, "ended"))
    assert hello["current"]["type"] == "pop"
    assert hello["current"]["call_id"] == pop[-1]["call_id"] == call_id
    assert types(after) == ["answered", "ended"]


async def test_an_operator_signing_in_while_the_phone_rings_gets_the_pop(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack:
        supervisor = stack.rig.client(await stack.rig.token("sofia", "supervisor"))
        call_id = stack.pbx.start_call("pjsip-landline-answered", **LONG_RING)

        async def ringing_nobody() -> Any:
            board = (await supervisor.get("/api/board")).json()
            seats = {s["seat"]: s for s in board["seats"]}
            seat = seats.get("PJSIP/op1001")
            return seat and seat["state"] == "ringing" and board

        board = await eventually(ringing_nobody)  # a pop for an operator not signed in
        ws, hello = await hello_of(stack, "olena", "PJSIP/op1001")
        await stack.pbx.finish_call(call_id)
        after = without_cards(await receive_until(ws, "ended"))
        await supervisor.aclose()
    seat = next(s for s in board["seats"] if s["seat"] == "PJSIP/op1001")
    assert (seat["operator"], seat["call_id"]) == (None, call_id)
    assert [w["call_id"] for w in board["waiting"]] == [call_id]
    assert board["waiting"][0]["position"] == 1
    assert board["waiting"][0]["caller"] == "+380342123456"  # supervisors see numbers
    assert hello["current"]["call_id"] == call_id
    assert hello["current"]["card"]["caller"] == "+380342123456"
    assert types(after) == ["answered", "ended"]


async def test_the_card_carries_the_callers_history(database_url: str, tmp_path: Path,
                                                    eventually: Any) -> None:
    """Each earlier appeal is listed once: finished ones with the contractor's answer, open
    ones, and earlier calls' forms never completed apart (the page folds them away)."""
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack:
        ws, _ = await hello_of(stack, "olena", "PJSIP/op1001")
        earlier = []
        for _ in range(3):
            first = await stack.pbx.play("pjsip-vodafone-abandoned", caller="0501234567",
                                         **fast())
            await receive_until(ws, "ended")
            earlier.append(await eventually(lambda first=first: _appeal_of(stack, first)))
        done, working, missed = earlier
        async with stack.listener.db.transaction() as session:
            await session.execute(update(Appeal).where(Appeal.number == done).values(
                status="done", category="water", address="вул. Незалежності, 12А, кв. 5",
                answer="Трубу замінено, воду подано"))
            await session.execute(update(Appeal).where(Appeal.number == working).values(
                status="in_work", category="water"))
        second = stack.pbx.start_call("pjsip-landline-answered", caller="0501234567",
                                      **LONG_RING)
        seen = await receive_until(ws, "pop")
        card = seen[-1]["card"]
        while not card["complete"]:
            update_ = await receive(ws)
            assert (update_["type"], update_["call_id"]) == ("card", second)
            card = update_["card"]
        own = await _appeal_of(stack, second)
        await stack.pbx.finish_call(second)
    assert card["appeal"] == {"number": own, "status": "new"}
    [previous] = card["previous_appeals"]
    assert (previous["number"], previous["status"]) == (done, "done")
    assert (previous["category"], previous["answer"]) == ("water", "Трубу замінено, воду подано")
    assert [a["number"] for a in card["open_appeals"]] == [working]
    assert [a["number"] for a in card["unfinished_appeals"]] == [missed]
    assert card["unfinished_total"] == 1
    assert card["addresses"] == ["вул. Незалежності, 12А, кв. 5"]


async def _appeal_of(stack: PopStack, call_id: str) -> str | None:
    items = await list_appeals(stack.listener.db)
    return next((i.number for i in items if i.call_id == call_id), None)
