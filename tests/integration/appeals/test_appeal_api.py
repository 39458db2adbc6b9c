"""The appeals API and the appeal pages through the real app on a real database."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx

from callcenter.calls.model.facts import CallAnswered, CallEntered, RecordingAnnounced
from callcenter.calls.store.calls import SqlCallStore
from callcenter.recordings.model.recordings import Announcement, Archived, Digest
from callcenter.recordings.store.recordings import SqlRecordingStore
from callcenter.users.access import SESSION_COOKIE
from tests.integration.users.test_web_auth import sign_in_by_form
from tests.web_rig import WebRig

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
FORM = {"version": 1, "category": "water_none", "street": "вул. Незалежності",
        "house": "12а", "flat": "5", "description": "Немає води"}


async def seed_call(web: WebRig, call_id: str = "1795907974.0") -> str:
    store = SqlCallStore(web.db, pbx=web.config.pbx.name, timezone=web.config.timezone)
    await store.apply([
        CallEntered(call_id, T0, "kyivstar", "mobile", "PJSIP/kyivstar-1", "+380671234567",
                    "0671234567", "Олена", "Київстар"),
        CallAnswered(call_id, T0, "PJSIP/op1001"),
    ])
    async with web.client(await web.token("seeder", "supervisor")) as client:
        found = (await client.get("/api/appeals", params={"q": "0671234567"})).json()
    return str(found["items"][0]["number"])


async def operator(web: WebRig) -> httpx.AsyncClient:
    return web.client(await web.token("olena", "operator", seat="PJSIP/op1001"))


async def test_complete_then_read_the_appeal(web: WebRig) -> None:
    number = await seed_call(web)
    async with await operator(web) as client:
        opened = (await client.get(f"/api/appeals/{number}")).json()
        assert (opened["status"], opened["status_label"], opened["completable"]) == (
            "new", "Нове", True)
        assert opened["call"]["call_id"] == "1795907974.0"
        done = await client.post(f"/api/appeals/{number}/complete",
                                 json={**FORM, "version": opened["version"]})
        assert done.status_code == 200, done.text
        view = done.json()
    assert (view["status"], view["status_label"], view["version"]) == (
        "registered", "Зареєстровано", 2)
    assert view["category_name"] == "Відсутнє холодне водопостачання"
    assert view["address"] == "вул. Незалежності, 12А, кв. 5"
    assert view["opened_at"].endswith("+02:00")  # the configured timezone's offset
    assert (view["completed_by"], view["final"], view["completable"]) == (
        "olena", False, False)
    assert [h["action_label"] for h in view["history"]] == ["Звернення створено", "Форму заповнено"]


SPOOLED = "/var/spool/asterisk/monitor/1795907974.0.wav"


async def test_the_call_shows_the_announced_path_and_the_archived_recordings(
        web: WebRig) -> None:
    """`recording_path` is what Asterisk announced (a spool file the worker deletes once it
    is archived); `recordings` is where the archive keeps it."""
    number = await seed_call(web)
    await SqlCallStore(web.db, pbx=web.config.pbx.name, timezone=web.config.timezone).apply(
        [RecordingAnnounced("1795907974.0", T0, SPOOLED)])
    store = SqlRecordingStore(web.db, pbx=web.config.pbx.name)
    await store.add_pending([Announcement("1795907974.0", SPOOLED, T0)])
    async with await operator(web) as client:
        pending = (await client.get(f"/api/appeals/{number}")).json()["call"]
        [recording] = pending["recordings"]
        await store.mark_archived(recording["id"], Archived(
            original=Digest("a" * 64, 96044), original_path="2026/03/02/r.wav", duration=3.0,
            format="mp3", stored=Digest("b" * 64, 12000), stored_path="2026/03/02/r.mp3"),
            at=T0, original_purge_after=T0, purge_after=T0)
        stored = (await client.get(f"/api/appeals/{number}")).json()["call"]
    assert pending["recording_path"] == stored["recording_path"] == SPOOLED
    assert (recording["state"], recording["stored_path"]) == ("pending", None)
    assert stored["recordings"] == [{
        "id": recording["id"], "state": "stored", "format": "mp3", "duration": 3.0,
        "stored_path": "2026/03/02/r.mp3", "stored_sha256": "b" * 64,
        "original_path": "2026/03/02/r.wav", "original_sha256": "a" * 64}]


async def test_validation_problems_are_per_field_and_in_ukrainian(web: WebRig) -> None:
    number = await seed_call(web)
    async with await operator(web) as client:
        refused = await client.post(f"/api/appeals/{number}/complete", json={
            **FORM, "street": "Незалежносты", "house": "", "description": ""})
        english = await client.post(f"/api/appeals/{number}/complete?lang=en", json={
            **FORM, "category": "nope"})
    assert refused.status_code == 422
    body = refused.json()
    assert body["error_id"] == "invalid_appeal"
    assert body["message"] == "Деякі поля заповнено неправильно."
    problems = {d["field"]: d for d in body["details"]}
    assert set(problems) == {"street", "house", "description"}
    assert problems["street"]["code"] == "unknown_street"
    assert problems["street"]["problem"].startswith("Такої вулиці немає у списку.")
    assert problems["house"]["problem"] == "Це поле обов’язкове."
    assert english.json()["details"] == [{"field": "category", "code": "unknown_category",
                                          "problem": "Choose a category from the list."}]


async def test_hostile_input_is_refused_or_kept_as_text(web: WebRig) -> None:
    number = await seed_call(web)
    async with await operator(web) as client:
        long = await client.post(f"/api/appeals/{number}/complete",
                                 json={**FORM, "description": "я" * 4001})
        extra = await client.post(f"/api/appeals/{number}/complete",
                                  json={**FORM, "status": "closed"})
        huge_query = await client.get("/api/appeals", params={"q": "x" * 201})
        html = "<img src=x onerror=alert(1)> '; DROP TABLE appeals; --\x00"
        done = await client.post(f"/api/appeals/{number}/complete",
                                 json={**FORM, "description": html})
        page = await client.get(f"/appeals/{number}")
    assert long.status_code == 422
    assert long.json()["details"] == [{"field": "description", "code": "string_too_long",
                                       "problem": "Текст задовгий: не більше 4000 символів."}]
    assert extra.status_code == 422 and extra.json()["details"][0]["field"] == "status"
    assert huge_query.status_code == 422
    assert done.status_code == 200
    assert done.json()["description"] == html.rstrip("\x00")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "<img src=x" not in page.text


async def test_a_stale_form_gets_409_and_a_clear_message(web: WebRig) -> None:
    number = await seed_call(web)
    async with await operator(web) as client:
        await client.post(f"/api/appeals/{number}/complete", json=FORM)
        stale = await client.post(f"/api/appeals/{number}/complete",
                                  json={**FORM, "description": "ще раз"})
        again = await client.post(f"/api/appeals/{number}/complete",
                                  json={**FORM, "version": 2})
    assert stale.status_code == 409
    assert stale.json()["error_id"] == "appeal_changed"
    assert stale.json()["message"].startswith("Хтось інший змінив це звернення")
    assert again.status_code == 409 and again.json()["error_id"] == "invalid_transition"


async def test_another_appeal_from_the_same_call(web: WebRig) -> None:
    first = await seed_call(web)
    async with await operator(web) as client:
        added = await client.post("/api/calls/1795907974.0/appeals")
        missing = await client.post("/api/calls/nope/appeals")
        again = (await client.get(f"/api/appeals/{first}")).json()
    assert added.status_code == 201
    assert added.json()["status"] == "new" and added.json()["call"]["call_id"] == "1795907974.0"
    assert [s["number"] for s in again["siblings"]] == [added.json()["number"]]
    assert missing.status_code == 404 and missing.json()["error_id"] == "call_not_found"


async def test_search_through_the_api(web: WebRig) -> None:
    number = await seed_call(web)
    async with await operator(web) as client:
        await client.post(f"/api/appeals/{number}/complete", json=FORM)
        found = (await client.get("/api/appeals", params={"q": "НЕЗАЛЕЖНОСТІ"})).json()
        by_phone = (await client.get("/api/appeals",
                                     params={"phone": "+38 (067) 123-45-67"})).json()
        bad = await client.get("/api/appeals", params={"status": "lost", "date_from": "2026-03-02",
                                                       "date_to": "2026-03-01"})
        bad_date = await client.get("/api/appeals", params={"date_from": "2 March"})
    assert [i["number"] for i in found["items"]] == [number]
    assert found["total"] == 1 and found["items"][0]["status_label"] == "Зареєстровано"
    assert [i["number"] for i in by_phone["items"]] == [number]
    assert bad.status_code == 422
    assert bad.json()["details"][0]["problem"] == "Такого статусу немає."
    assert bad_date.status_code == 422
    assert bad_date.json()["details"][0]["field"] == "date_from"


async def test_reference_data_for_the_page(web: WebRig) -> None:
    async with await operator(web) as client:
        groups = (await client.get("/api/reference/categories")).json()
        english = (await client.get("/api/reference/categories?lang=en")).json()
        typo = (await client.get("/api/reference/streets", params={"q": "незалежносты"})).json()
        former = (await client.get("/api/reference/streets", params={"q": "Радянська"})).json()
        gas = (await client.get("/api/directory", params={"q": "газ"})).json()
    assert groups[0]["label"] == "Водопостачання" and english[0]["label"] == "Water supply"
    option = groups[0]["options"][0]
    assert (option["code"], option["address"]) == ("water_none", "house")
    assert typo[0]["name"] == "вулиця Незалежності" and typo[0]["short"] == "вул. Незалежності"
    assert (former[0]["short"], former[0]["formerly"]) == ("вул. Незалежності", "Радянська")
    assert any("104" in entry["phones"] for entry in gas)


async def test_cookie_sessions_need_the_csrf_token(web: WebRig) -> None:
    number = await seed_call(web)
    await web.user("petro", "operator", seat="PJSIP/op1002")
    async with web.client() as client:
        await sign_in_by_form(client, "petro")
        refused = await client.post(f"/api/appeals/{number}/complete", json=FORM)
        principal = await web.auth.principal(client.cookies[SESSION_COOKIE])
        accepted = await client.post(f"/api/appeals/{number}/complete", json=FORM,
                                     headers={"X-CSRF-Token": principal.csrf_token})
    assert refused.status_code == 403 and refused.json()["error_id"] == "csrf_failed"
    assert accepted.status_code == 200


async def test_an_ended_session_gets_401_on_the_api(web: WebRig) -> None:
    number = await seed_call(web)
    async with await operator(web) as client:
        await web.auth.revoke_all("olena")
        refused = await client.post(f"/api/appeals/{number}/complete", json=FORM)
    assert refused.status_code == 401
    assert refused.json()["error_id"] == "not_signed_in"


async def test_the_pages(web: WebRig) -> None:
    number = await seed_call(web)
    async with await operator(web) as client:
        page = await client.get("/operator")
        appeal = await client.get(f"/appeals/{number}")
        missing = await client.get("/appeals/2026-999999")
        english = await client.get("/operator?lang=en")
    assert page.status_code == 200
    assert 'lang="uk"' in page.text and "Пошук звернень" in page.text
    assert '<optgroup label="Водопостачання">' in page.text
    texts = re.search(r'<script type="application/json" id="cc-texts">(.*?)</script>',
                      page.text, re.S)
    assert texts and json.loads(texts.group(1))["saving"] == "Збереження…"
    assert appeal.status_code == 200 and number in appeal.text
    assert missing.status_code == 404
    assert "Звернення з таким номером немає." in missing.text
    assert "Find an appeal" in english.text


def paths(schema: dict[str, Any]) -> set[str]:
    return set(schema["paths"])


async def test_the_api_is_documented(web: WebRig) -> None:
    async with web.client() as client:
        schema = (await client.get("/openapi.json")).json()
    assert {"/api/appeals", "/api/appeals/{number}", "/api/appeals/{number}/complete",
            "/api/calls/{call_id}/appeals", "/api/reference/categories",
            "/api/reference/streets", "/api/directory"} <= paths(schema)
    assert "/operator" not in paths(schema)
    complete = schema["components"]["schemas"]["CompleteRequest"]
    assert complete["properties"]["description"]["maxLength"] == 4000
    call = schema["components"]["schemas"]["CallView"]["properties"]
    assert "as Asterisk announced it" in call["recording_path"]["description"]
    assert "archived" in call["recordings"]["description"]


async def test_the_contractors_answer_reaches_the_api_the_page_and_openapi(web: WebRig) -> None:
    """What the contractor answered for the resident is what the operator reads out."""
    from sqlalchemy import update

    from callcenter.appeals.tables import Appeal

    number = await seed_call(web)
    async with await operator(web) as client:
        before = (await client.get(f"/api/appeals/{number}")).json()
        async with web.db.transaction() as session:
            await session.execute(update(Appeal).where(Appeal.number == number).values(
                status="done", answer="Трубу замінено, воду подано о 15:00"))
        after = (await client.get(f"/api/appeals/{number}")).json()
        page = (await client.get(f"/appeals/{number}")).text
        schema = (await client.get("/openapi.json")).json()
    assert before["answer"] is None
    assert after["answer"] == "Трубу замінено, воду подано о 15:00"
    assert 'id="appeal-answer"' in page and "Трубу замінено, воду подано о 15:00" in page
    view = schema["paths"]["/api/appeals/{number}"]["get"]["responses"]["200"]
    name = view["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    answer = schema["components"]["schemas"][name]["properties"]["answer"]
    assert "resident" in answer["description"]
