"""Routing through the web app on a real database: an appeal completed by the operator is
routed at once (contractor, deadline, whom to call), hand-offs, duplicates, overdue appeals
and reassignment, dead letters, resending and the delivery log."""

from __future__ import annotations

import httpx

from tests.integration.routing_web import (
    GAS,
    completed,
    dead_letter_worker,
    import_sample_contractors,
    make_overdue,
    new_appeal,
    routing_services_of,
)
from tests.web_rig import WebRig


async def operator(web: WebRig) -> httpx.AsyncClient:
    return web.client(await web.token("olena", "operator", seat="PJSIP/op1001"))


async def supervisor(web: WebRig) -> httpx.AsyncClient:
    return web.client(await web.token("sofia", "supervisor"))


async def test_a_completed_appeal_is_routed_at_once_with_whom_to_call(web: WebRig) -> None:
    await import_sample_contractors(web)
    async with await operator(web) as client:
        view = await completed(web, client)
        number = view["number"]
        routing = (await client.get(f"/api/appeals/{number}/routing")).json()
        gas = await client.post(f"/api/appeals/{number}/handoffs",
                                json={"code": "gas", "comment": "диспетчер прийняв"})
        common = await client.post(f"/api/appeals/{number}/handoffs", json={"code": "common"})
        unknown = await client.post(f"/api/appeals/{number}/handoffs", json={"code": "nope"})
        busy = await client.post(f"/api/appeals/{number}/handoffs",
                                 json={"code": "dispatcher", "reached": False})
        history = (await client.get(f"/api/appeals/{number}")).json()["history"]
    assert (view["status"], view["status_label"]) == ("assigned", "Передано виконавцю")
    assert routing["routed"] and routing["contractor"]["code"] == "gas"
    assert (routing["priority"], routing["priority_label"]) == ("emergency", "Аварійний")
    assert routing["deadline"].endswith(("+02:00", "+03:00"))
    assert [(c["code"], c["phone"]) for c in routing["emergency_contacts"]] == [
        ("gas", "104"), ("dispatcher", "+380342000232")]
    assert [c["phone_display"] for c in routing["emergency_contacts"]] == ["104",
                                                                         "0342 000 232"]
    assert routing["contractor"]["night_phone_display"] == "0342 000 232"
    assert "common" in {s["code"] for s in routing["services"]}
    assert (gas.status_code, gas.json()["phone"]) == (201, "104")
    assert (common.status_code, common.json()["phone"]) == (201, "112")
    assert (unknown.status_code, unknown.json()["error_id"]) == (422, "unknown_service")
    handoffs = [h["comment"] for h in history if h["action"] == "handoff"]
    assert handoffs == ["Аварійна газова служба 104: диспетчер прийняв",
                        "Єдиний номер екстрених служб 112"]
    assert busy.status_code == 201, busy.text
    [failed] = [h for h in history if h["action"] == "handoff_failed"]
    assert failed["action_label"] == "Не вдалося додзвонитися"
    assert failed["comment"].startswith("не вдалося додзвонитися: ")


async def test_a_routing_failure_keeps_the_appeal_registered_for_the_sweep(
        web: WebRig) -> None:
    # no contractors in the database yet: routing cannot find even the coordinator
    async with await operator(web) as client:
        view = await completed(web, client)
        before = (await client.get(f"/api/appeals/{view['number']}/routing")).json()
        assert view["status"] == "registered"
        assert (before["routed"], before["contractor"]) == (False, None)
        await import_sample_contractors(web)
        appeal_router = routing_services_of(web).appeal_router
        assert await appeal_router.route_registered() == 1
        assert await appeal_router.route_registered() == 0  # idempotent
        after = (await client.get(f"/api/appeals/{view['number']}/routing")).json()
    assert (after["status"], after["contractor"]["code"]) == ("assigned", "gas")


async def test_a_duplicate_is_offered_and_linked_instead_of_sent(web: WebRig) -> None:
    await import_sample_contractors(web)
    async with await operator(web) as client:
        first = (await completed(web, client))["number"]
        second = await new_appeal(web)
        offered = await client.get(f"/api/appeals/{second}/duplicates", params={
            "category": "gas_smell", "address": "Незалежності, 12А"})
        other_place = await client.get(f"/api/appeals/{second}/duplicates", params={
            "category": "gas_smell", "address": "вул. Незалежності, 14"})
        linked = await client.post(f"/api/appeals/{second}/link", json={"original": first})
        itself = await client.post(f"/api/appeals/{first}/link", json={"original": first})
        again = await client.get(f"/api/appeals/{second}")
    assert [d["number"] for d in offered.json()] == [first]
    assert offered.json()[0]["status_label"] == "Передано виконавцю"
    assert other_place.json() == []
    assert linked.status_code == 200, linked.text
    assert (linked.json()["status"], linked.json()["routed"]) == ("duplicate", False)
    assert again.json()["history"][-1]["comment"] == f"дублікат звернення {first}"
    assert (itself.status_code, itself.json()["error_id"]) == (409, "invalid_transition")


async def test_overdue_appeals_are_listed_and_reassigned(web: WebRig) -> None:
    await import_sample_contractors(web)
    async with await operator(web) as client:
        number = (await completed(web, client))["number"]
    await make_overdue(web, number)
    async with await supervisor(web) as client:
        overdue = (await client.get("/api/appeals/overdue")).json()
        no_reason = await client.post(f"/api/appeals/{number}/reassign",
                                      json={"contractor": "ads", "reason": ""})
        nobody = await client.post(f"/api/appeals/{number}/reassign",
                                   json={"contractor": "nobody", "reason": "тест"})
        done = await client.post(f"/api/appeals/{number}/reassign",
                                 json={"contractor": "ads", "reason": "газовики не їдуть"})
        routing = (await client.get(f"/api/appeals/{number}/routing")).json()
    assert [(o["number"], o["contractor"], o["status_label"]) for o in overdue] == [
        (number, "gas", "Передано виконавцю")]
    assert no_reason.status_code == 422
    assert (nobody.status_code, nobody.json()["error_id"]) == (422, "contractor_not_found")
    assert done.status_code == 200, done.text
    assert done.json()["contractor"] == "ads"
    assert routing["contractor"]["code"] == "ads"
    assert routing["reason"] == "перепризначено (sofia): газовики не їдуть"


async def test_dead_letters_are_listed_resent_and_logged(web: WebRig) -> None:
    await import_sample_contractors(web)
    async with await operator(web) as client:
        number = (await completed(web, client, {**GAS, "category": "gas_smell"}))["number"]
    worker = dead_letter_worker(web)
    try:
        assert await worker.workers[0].run_once() == 1
    finally:
        await worker.close()
    async with await supervisor(web) as client:
        dead = (await client.get("/api/outbox/dead")).json()
        log = (await client.get("/api/outbox/log", params={"contractor": "gas"})).json()
        other_log = (await client.get("/api/outbox/log", params={"contractor": "ads"})).json()
        resent = await client.post(f"/api/outbox/{dead[0]['id']}/resend")
        twice = await client.post(f"/api/outbox/{dead[0]['id']}/resend")
        after = (await client.get("/api/outbox/dead")).json()
    assert [(d["appeal_number"], d["contractor"], d["channel"], d["state"]) for d in dead] == [
        (number, "gas", "email", "dead")]
    assert [(a["appeal_number"], a["ok"]) for a in log] == [(number, False)]
    assert log[0]["error"]
    assert other_log == []
    assert (resent.status_code, resent.json()["state"], resent.json()["attempts"]) == (
        200, "pending", 0)
    assert (twice.status_code, twice.json()["error_id"]) == (404, "message_not_found")
    assert after == []
