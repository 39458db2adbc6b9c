"""Disputes over a real stored recording: legal hold, notes, a decision, every step in the
appeal's history; a contractor's time-limited link that plays only its recording, audited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from callcenter.appeals import rows as appeal_rows
from callcenter.appeals.model.statuses import Channel
from callcenter.appeals.rows import open_appeal
from callcenter.appeals.store import queries as appeal_queries
from callcenter.calls.model.facts import CallEntered
from callcenter.calls.store.calls import SqlCallStore
from callcenter.recordings.tables import ContractorLink, Recording
from tests.integration.recording_rig import T0
from tests.integration.replay_rig import Eventually, Stored, SupervisionRig, make_supervision


@pytest.fixture
async def rig(database_url: str, tmp_path: Path) -> AsyncIterator[SupervisionRig]:
    made = await make_supervision(database_url, tmp_path)
    try:
        yield made
    finally:
        await made.db.close()


@pytest.fixture
async def stored(rig: SupervisionRig, eventually: Eventually) -> Stored:
    return await rig.stored(eventually)


async def held(rig: SupervisionRig, recording_id: str) -> bool:
    async with rig.db.reading() as session:
        return bool(await session.scalar(select(Recording.legal_hold).where(
            Recording.id == recording_id)))


async def open_dispute(client: httpx.AsyncClient, number: str,
                       contractor: str = "vodokanal") -> dict[str, object]:
    response = await client.post(f"/api/appeals/{number}/disputes", json={
        "contractor": contractor, "claim": "Виконавець каже, що про підвал не говорили."})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_dispute_holds_the_recordings_and_writes_the_history(rig: SupervisionRig,
                                                                     stored: Stored) -> None:
    async with rig.web.client(await rig.token("svitlana")) as client:
        dispute = await open_dispute(client, stored.number)
        on_hold = await held(rig, stored.recording_id)
        note = await client.post(f"/api/disputes/{dispute['id']}/notes",
                                 json={"text": "Прослухали: підвал названо на 0:42."})
        closed = await client.post(f"/api/disputes/{dispute['id']}/close",
                                   json={"decision": "Претензію визнано: виконавець виїжджає."})
        late_note = await client.post(f"/api/disputes/{dispute['id']}/notes",
                                      json={"text": "ще"})
        closed_again = await client.post(f"/api/disputes/{dispute['id']}/close",
                                         json={"decision": "x"})
        listed = await client.get(f"/api/appeals/{stored.number}/disputes")
        still_open = await client.get("/api/disputes")
    assert dispute["state"] == "open" and dispute["contractor"] == "vodokanal"
    assert on_hold and await held(rig, stored.recording_id)  # closing keeps the hold
    assert note.status_code == 201
    assert closed.json()["state"] == "closed" and closed.json()["closed_by"] == "svitlana"
    assert late_note.status_code == closed_again.status_code == 409
    assert late_note.json()["error_id"] == "dispute_closed"
    [view] = listed.json()
    assert [n["text"] for n in view["notes"]] == ["Прослухали: підвал названо на 0:42."]
    assert still_open.json() == []
    history = await appeal_rows.appeal_history(rig.db, stored.number)
    steps = [h.action for h in history if h.actor == "svitlana"]
    assert steps == ["dispute_opened", "dispute_note", "dispute_closed"]
    assert "1 recording(s) on legal hold" in history[-3].comment
    assert all(h.from_status == h.to_status for h in history[-3:])


async def test_the_hold_is_released_only_after_every_dispute_is_closed(
        rig: SupervisionRig, stored: Stored) -> None:
    url = f"/api/appeals/{stored.number}/hold/release"
    async with rig.web.client(await rig.token("svitlana")) as client:
        dispute = await open_dispute(client, stored.number)
        refused = await client.post(url, json={"reason": "Спір вирішено усно"})
        held_while_open = await held(rig, stored.recording_id)
        await client.post(f"/api/disputes/{dispute['id']}/close",
                          json={"decision": "Претензію знято."})
        no_reason = await client.post(url, json={"reason": "  "})
        released = await client.post(url, json={"reason": "Рішення виконано, запис не потрібен"})
        again = await client.post(url, json={"reason": "ще раз"})
        unknown = await client.post("/api/appeals/2026-999999/hold/release",
                                    json={"reason": "нема такого"})
    assert refused.status_code == 409 and refused.json()["error_id"] == "dispute_still_open"
    assert held_while_open
    assert no_reason.status_code == 422
    assert released.status_code == 200 and released.json() == {"released": 1}
    assert not await held(rig, stored.recording_id)
    assert again.json() == {"released": 0}  # nothing left on hold; still in the history
    assert unknown.status_code == 404
    history = await appeal_rows.appeal_history(rig.db, stored.number)
    releases = [h.comment for h in history if h.action == "legal_hold_released"]
    assert releases == ["1 recording(s) released: Рішення виконано, запис не потрібен",
                        "0 recording(s) released: ще раз"]


@pytest.mark.parametrize(("body", "error_id"), [
    ({"contractor": "Водоканал!", "claim": "x"}, "invalid_dispute"),
    ({"contractor": "water", "claim": "   "}, "invalid_text"),
    ({"contractor": "water", "claim": "x" * 4001}, "invalid_text"),
    ({"contractor": "water"}, "validation"),
])
async def test_bad_dispute_input_is_refused(rig: SupervisionRig, stored: Stored,
                                            body: dict[str, str], error_id: str) -> None:
    async with rig.web.client(await rig.token("svitlana")) as client:
        response = await client.post(f"/api/appeals/{stored.number}/disputes", json=body)
        listed = await client.get(f"/api/appeals/{stored.number}/disputes")
    assert response.status_code == 422 and response.json()["error_id"] == error_id
    assert listed.json() == []
    assert not await held(rig, stored.recording_id)


async def test_unknown_appeals_and_disputes_are_404(rig: SupervisionRig) -> None:
    async with rig.web.client(await rig.token("svitlana")) as client:
        answers = [
            await client.post("/api/appeals/2026-999999/disputes",
                              json={"contractor": "water", "claim": "x"}),
            await client.post("/api/disputes/999/notes", json={"text": "x"}),
            await client.post("/api/disputes/999/close", json={"decision": "x"}),
            await client.post("/api/links/999/revoke"),
        ]
    assert [a.status_code for a in answers] == [404] * 4


@dataclass(frozen=True)
class Given:
    url: str
    link: dict[str, Any]

    @property
    def token(self) -> str:
        return self.url.rsplit("/", 1)[1]


async def give_link(client: httpx.AsyncClient, number: str, **body: object) -> Given:
    response = await client.post(f"/api/appeals/{number}/links", json=body)
    assert response.status_code == 201, response.text
    return Given(response.json()["url"], response.json()["link"])


async def test_a_contractor_link_plays_its_recording_and_is_audited(rig: SupervisionRig,
                                                                    stored: Stored) -> None:
    async with rig.web.client(await rig.token("svitlana")) as client:
        dispute = await open_dispute(client, stored.number)
        given = await give_link(client, stored.number, dispute_id=dispute["id"])
        token = given.token
        async with rig.web.client() as contractor:
            page = await contractor.get(f"/listen/{token}")
            grant = await contractor.post(f"/listen/{token}/replays",
                                          json={"recording_id": stored.recording_id})
            audio = await contractor.get(grant.json()["audio_url"],
                                         headers={"Range": "bytes=100-199"})
            seek = await contractor.get(grant.json()["audio_url"],
                                        headers={"Range": "bytes=-100"})
        audit = await client.get(f"/api/recordings/{stored.recording_id}/audit")
    link = given.link
    assert link["contractor"] == "vodokanal" and link["state"] == "active"
    assert given.url.startswith("http://callcenter.test/listen/")
    expires = datetime.fromisoformat(link["expires_at"])
    assert timedelta(hours=71) < expires - datetime.now(UTC) <= timedelta(hours=72)
    assert page.status_code == 200 and "<audio" in page.text
    assert "noindex" in page.headers["x-robots-tag"]
    assert audio.status_code == seek.status_code == 206
    assert audio.content == stored.mp3.read_bytes()[100:200]
    [entry] = audit.json()
    assert entry["who"] == f"contractor link {link['id']}"
    assert entry["via"] == "contractor_link" and entry["link_id"] == link["id"]
    assert entry["client"] == "127.0.0.1" and "vodokanal" in entry["reason"]
    history = await appeal_rows.appeal_history(rig.db, stored.number)
    assert history[-1].action == "contractor_link_given"


async def test_a_link_works_only_for_its_recording(rig: SupervisionRig, stored: Stored,
                                                   eventually: Eventually) -> None:
    other = await rig.stored(eventually, call_id="1764365999.7", seconds=2.0)
    async with rig.web.client(await rig.token("svitlana")) as client:
        mine = (await give_link(client, stored.number, contractor="water",
                                recording_id=stored.recording_id, hours=2)).token
        theirs = (await give_link(client, other.number, contractor="water")).token
        not_in_appeal = await client.post(f"/api/appeals/{stored.number}/links", json={
            "contractor": "water", "recording_id": other.recording_id})
    async with rig.web.client() as contractor:
        foreign = await contractor.post(f"/listen/{mine}/replays",
                                        json={"recording_id": other.recording_id})
        grant = (await contractor.post(f"/listen/{theirs}/replays",
                                       json={"recording_id": other.recording_id})).json()
        crossed = await contractor.get(
            f"/listen/{mine}/recordings/{other.recording_id}/audio?grant={grant['grant']}")
        crossed_link = await contractor.get(
            f"/listen/{mine}/recordings/{stored.recording_id}/audio?grant={grant['grant']}")
        as_supervisor = await contractor.get(
            f"/api/recordings/{other.recording_id}/audio?grant={grant['grant']}")
    assert not_in_appeal.status_code == 404
    assert foreign.status_code == 404 and foreign.json()["error_id"] == "recording_not_found"
    assert crossed.status_code == crossed_link.status_code == 403
    assert as_supervisor.status_code == 401


async def test_expired_and_revoked_links_stop_at_once(rig: SupervisionRig,
                                                      stored: Stored) -> None:
    async with rig.web.client(await rig.token("svitlana")) as client:
        expiring = (await give_link(client, stored.number, contractor="water")).token
        revoking = await give_link(client, stored.number, contractor="water")
    async with rig.web.client() as contractor:
        grants = [(await contractor.post(f"/listen/{t}/replays", json={
            "recording_id": stored.recording_id})).json()["audio_url"]
            for t in (expiring, revoking.token)]
    async with rig.db.transaction() as session:  # time passes for the first link
        await session.execute(update(ContractorLink).where(
            ContractorLink.id != revoking.link["id"]).values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    async with rig.web.client(await rig.token("svitlana")) as client:
        revoked = await client.post(f"/api/links/{revoking.link['id']}/revoke")
    async with rig.web.client() as contractor:
        answers = {
            "expired page": await contractor.get(f"/listen/{expiring}",
                                                 headers={"Accept": "text/html"}),
            "expired replay": await contractor.post(f"/listen/{expiring}/replays", json={
                "recording_id": stored.recording_id}),
            "expired audio": await contractor.get(grants[0]),
            "revoked page": await contractor.get(f"/listen/{revoking.token}"),
            "revoked audio": await contractor.get(grants[1], headers={"Range": "bytes=0-1"}),
            "unknown": await contractor.get("/listen/" + "x" * 43),
        }
    assert revoked.json()["state"] == "revoked" and revoked.json()["revoked_by"] == "svitlana"
    assert {k: v.status_code for k, v in answers.items()} == {
        "expired page": 410, "expired replay": 410, "expired audio": 410,
        "revoked page": 410, "revoked audio": 410, "unknown": 404}
    assert "Термін дії посилання минув" in answers["expired page"].text
    assert answers["revoked audio"].json()["error_id"] == "link_revoked"
    history = await appeal_rows.appeal_history(rig.db, stored.number)
    assert history[-1].action == "contractor_link_revoked"


@pytest.mark.parametrize("role", ["operator", "contractor"])
async def test_only_supervisors_handle_disputes(rig: SupervisionRig, stored: Stored,
                                                role: str) -> None:
    async with rig.web.client(await rig.token(f"x-{role}", role)) as client:
        answers = [
            await client.post(f"/api/appeals/{stored.number}/disputes",
                              json={"contractor": "water", "claim": "x"}),
            await client.get(f"/api/appeals/{stored.number}/disputes"),
            await client.get("/api/disputes"),
            await client.post(f"/api/appeals/{stored.number}/links",
                              json={"contractor": "water"}),
            await client.get("/supervisor/disputes"),
            await client.post(f"/api/appeals/{stored.number}/hold/release",
                              json={"reason": "хочу"}),
        ]
    assert [a.status_code for a in answers] == [403] * len(answers)
    assert not await held(rig, stored.recording_id)


async def test_the_supervisor_pages_list_disputes_and_appeals(rig: SupervisionRig,
                                                              stored: Stored) -> None:
    async with rig.web.client(await rig.token("svitlana")) as client:
        await open_dispute(client, stored.number)
        landing = await client.get("/supervisor")
        listing = await client.get("/supervisor/disputes")
        found = await client.get("/supervisor/recordings", params={"number": stored.number})
        missing = await client.get("/supervisor/appeals/2026-999999/recordings")
        english = await client.get("/supervisor/disputes?lang=en")  # remembered from now on
    assert 'href="/supervisor/disputes"' in landing.text
    assert 'href="/supervisor/board"' in landing.text
    assert "Відкриті спори" in listing.text and "vodokanal" in listing.text
    assert f"/supervisor/appeals/{stored.number}/recordings" in listing.text
    assert "Open disputes" in english.text
    assert found.status_code == 303
    assert found.headers["location"] == f"/supervisor/appeals/{stored.number}/recordings"
    assert missing.status_code == 404 and "Звернення з таким номером немає." in missing.text


async def test_a_dispute_about_an_appeal_without_recordings(rig: SupervisionRig) -> None:
    await SqlCallStore(rig.db, pbx="pbx1", timezone="Europe/Kyiv").apply([
        CallEntered("1764365400.2", T0, "landline", "landline", "PJSIP/landline-1",
                    "+380342523456", "523456", None, None)])
    [appeal] = await appeal_queries.list_appeals(rig.db)
    async with rig.web.client(await rig.token("svitlana")) as client:
        await open_dispute(client, appeal.number)
        page = await client.get(f"/supervisor/appeals/{appeal.number}/recordings")
    assert page.status_code == 200 and "У цього звернення немає записів." in page.text
    history = await appeal_rows.appeal_history(rig.db, appeal.number)
    assert "0 recording(s) on legal hold" in history[-1].comment


async def test_an_appeal_added_from_the_same_call_shares_its_recording(
        rig: SupervisionRig, stored: Stored) -> None:
    async with rig.db.transaction() as session:
        call_pk = await session.scalar(select(Recording.call_id).where(
            Recording.id == stored.recording_id))
        opened = await open_appeal(session, timezone="Europe/Kyiv", channel=Channel.PHONE,
                                   opened_at=T0, call_pk=call_pk, automatic=False,
                                   caller=None, caller_name=None, comment="second problem")
    second = opened.number
    async with rig.web.client(await rig.token("svitlana")) as client:
        listed = await client.get(f"/api/appeals/{second}/recordings")
        token = (await give_link(client, second, contractor="teplo")).token
    async with rig.web.client() as contractor:
        grant = await contractor.post(f"/listen/{token}/replays",
                                      json={"recording_id": stored.recording_id})
    assert [r["id"] for r in listed.json()["recordings"]] == [stored.recording_id]
    assert grant.status_code == 201
