"""Supervisors replay a recording the real pipeline stored: a reason, one audit row, a ticket
for the session, the MP3 with HTTP Range; nobody else hears it, whatever URL they try."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, update
from structlog.testing import capture_logs

from callcenter.recordings.tables import Recording, ReplayAudit
from tests.integration.replay_rig import Eventually, Stored, SupervisionRig, make_supervision
from tests.web_rig import WebRig


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


async def audit_rows(web: WebRig) -> int:
    async with web.db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(ReplayAudit)) or 0)


async def authorize(client: httpx.AsyncClient, recording_id: str,
                    reason: str = "спір з виконавцем щодо адреси") -> httpx.Response:
    return await client.post(f"/api/recordings/{recording_id}/replays", json={"reason": reason})


async def granted(rig: SupervisionRig, stored: Stored, name: str = "svitlana"
                  ) -> tuple[httpx.AsyncClient, str]:
    """A (new) supervisor's client, and the audio URL of a replay granted to its session."""
    token = await rig.token(name)
    async with rig.web.client(token) as client:
        response = await authorize(client, stored.recording_id)
    assert response.status_code == 201, response.text
    return rig.web.client(token), str(response.json()["audio_url"])


async def test_a_supervisor_lists_replays_and_sees_the_audit(rig: SupervisionRig,
                                                             stored: Stored) -> None:
    async with rig.web.client(await rig.token("svitlana")) as client:
        listing = await client.get(f"/api/appeals/{stored.number}/recordings")
        grant = await authorize(client, stored.recording_id)
        audio = await client.get(grant.json()["audio_url"])
        audit = await client.get(f"/api/recordings/{stored.recording_id}/audit")
    [recording] = listing.json()["recordings"]
    assert recording["id"] == stored.recording_id and recording["state"] == "stored"
    assert recording["format"] == "mp3" and recording["original_kept"] is True
    assert audio.status_code == 200
    assert audio.headers["content-type"] == "audio/mpeg"
    assert audio.headers["accept-ranges"] == "bytes"
    assert audio.headers["cache-control"] == "private, no-store"
    assert audio.content == stored.mp3.read_bytes()
    [entry] = audit.json()
    assert entry["who"] == "svitlana" and entry["via"] == "supervisor"
    assert entry["reason"] == "спір з виконавцем щодо адреси"
    assert entry["client"] == "127.0.0.1"
    assert re.search(r"[+-]\d\d:\d\d$", entry["at"])  # in the configured zone


async def test_range_requests_are_answered_and_are_one_replay(rig: SupervisionRig,
                                                              stored: Stored) -> None:
    data = stored.mp3.read_bytes()
    size = len(data)
    client, url = await granted(rig, stored)
    async with client:
        first = await client.get(url, headers={"Range": "bytes=0-99"})
        middle = await client.get(url, headers={"Range": f"bytes={size // 2}-{size // 2 + 999}"})
        suffix = await client.get(url, headers={"Range": "bytes=-500"})
        open_end = await client.get(url, headers={"Range": f"bytes={size - 10}-"})
        beyond = await client.get(url, headers={"Range": f"bytes={size}-{size + 10}"})
        head = await client.head(url)
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-99/{size}"
    assert first.content == data[:100]
    assert middle.status_code == 206 and middle.content == data[size // 2:size // 2 + 1000]
    assert middle.headers["content-type"] == "audio/mpeg"
    assert suffix.status_code == 206 and suffix.content == data[-500:]
    assert suffix.headers["content-range"] == f"bytes {size - 500}-{size - 1}/{size}"
    assert open_end.content == data[-10:]
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(size)
    assert await audit_rows(rig.web) == 1  # every Range request above rode the one ticket


async def test_multiple_ranges_come_as_multipart(rig: SupervisionRig, stored: Stored) -> None:
    data = stored.mp3.read_bytes()
    client, url = await granted(rig, stored)
    async with client:
        response = await client.get(url, headers={"Range": "bytes=0-9, 100-109"})
    assert response.status_code == 206
    assert response.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert data[:10] in response.content and data[100:110] in response.content
    assert f"Content-Range: bytes 100-109/{len(data)}".encode() in response.content


@pytest.mark.parametrize(("header", "status"), [
    ("bytes=5-2", 400),  # start after end
    ("items=0-1", 400),  # not bytes
    ("bytes=abc", 400),  # nothing numeric
    ("bytes=", 400),
    ("bytes=-0", 416),  # an empty suffix
    ("bytes=0-99999999999999999999999999", 206),  # clamped to the file
    ("bytes=" + ",".join(f"{i}-{i}" for i in range(0, 400, 2)), 200),  # too many: whole file
    ("bytes=0-10,5-20", 206),  # overlapping: merged into one
])
async def test_hostile_range_headers_get_a_clear_answer(rig: SupervisionRig, stored: Stored,
                                                        header: str, status: int) -> None:
    client, url = await granted(rig, stored)
    async with client:
        response = await client.get(url, headers={"Range": header})
    assert response.status_code == status, response.text
    if status == 206 and header.endswith(",5-20"):
        assert response.headers["content-range"].startswith("bytes 0-20/")


@pytest.mark.parametrize("role", ["operator", "contractor"])
async def test_operators_and_contractors_get_403_whatever_url(rig: SupervisionRig,
                                                              stored: Stored, role: str) -> None:
    _, url = await granted(rig, stored)  # a valid grant of a supervisor, leaked
    async with rig.web.client(await rig.token(f"someone-{role}", role)) as client:
        answers = [
            await client.get(f"/api/appeals/{stored.number}/recordings"),
            await authorize(client, stored.recording_id),
            await client.get(url),
            await client.get(url, headers={"Range": "bytes=0-99"}),
            await client.get(f"/api/recordings/{stored.recording_id}/audio?grant=x"),
            await client.get(f"/api/recordings/{stored.recording_id}/audit"),
            await client.post(f"/api/appeals/{stored.number}/evidence", data={"reason": "xyz"}),
            await client.get(f"/supervisor/appeals/{stored.number}/recordings"),
        ]
    assert [a.status_code for a in answers] == [403] * len(answers)
    assert await audit_rows(rig.web) == 1


async def test_anonymous_clients_are_asked_to_sign_in(rig: SupervisionRig,
                                                      stored: Stored) -> None:
    _, url = await granted(rig, stored)
    async with rig.web.client() as client:
        audio = await client.get(url)
        page = await client.get(f"/supervisor/appeals/{stored.number}/recordings",
                                headers={"Accept": "text/html"})
    assert audio.status_code == 401
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


async def test_a_grant_is_bound_to_its_session_and_recording(rig: SupervisionRig,
                                                             stored: Stored,
                                                             eventually: Eventually) -> None:
    other = await rig.stored(eventually, call_id="1764365999.7", seconds=2.0)
    _, url = await granted(rig, stored, "svitlana")
    grant = url.split("grant=")[1]
    async with rig.web.client(await rig.token("petro")) as petro, \
            rig.web.client(await rig.token("svitlana")) as same_user_new_session:
        stolen = await petro.get(url)
        other_session = await same_user_new_session.get(url)
        other_recording = await petro.get(
            f"/api/recordings/{other.recording_id}/audio?grant={grant}")
        no_grant = await petro.get(f"/api/recordings/{stored.recording_id}/audio")
        guessed = await petro.get(f"/api/recordings/{'0' * 32}/audio?grant={grant}")
    for refused in (stolen, other_session, other_recording, guessed):
        assert refused.status_code == 403, refused.text
        assert refused.json()["error_id"] == "replay_not_authorized"
    assert no_grant.status_code == 422


async def test_a_ticket_expires(database_url: str, tmp_path: Path,
                                eventually: Eventually) -> None:
    rig = await make_supervision(database_url, tmp_path, grant_minutes=0.05)  # 3 s
    try:
        stored = await rig.stored(eventually)
        client, url = await granted(rig, stored)
        async with client:
            assert (await client.get(url, headers={"Range": "bytes=0-9"})).status_code == 206

            async def refused() -> bool:
                return (await client.get(url)).status_code == 403

            await eventually(refused, timeout=30)
    finally:
        await rig.db.close()


@pytest.mark.parametrize("reason", [None, "", "   ", "ok", "x" * 501, "\x00\x01\x02"])
async def test_a_reason_is_required(rig: SupervisionRig, stored: Stored,
                                    reason: str | None) -> None:
    body = {} if reason is None else {"reason": reason}
    async with rig.web.client(await rig.token("svitlana")) as client:
        response = await client.post(f"/api/recordings/{stored.recording_id}/replays",
                                     json=body)
    assert response.status_code == 422
    assert response.json()["error_id"] == "invalid_reason"
    assert response.json()["message"] == "Вкажіть, навіщо ви слухаєте (щонайменше 3 символи)."
    assert await audit_rows(rig.web) == 0


async def test_a_cookie_session_needs_the_csrf_token(rig: SupervisionRig,
                                                     stored: Stored) -> None:
    async with await rig.browser("svitlana") as browser:
        token = browser.headers.pop("X-CSRF-Token")
        forged = await authorize(browser, stored.recording_id)
        evidence = await browser.post(f"/api/appeals/{stored.number}/evidence",
                                      data={"reason": "на запит суду"})
        browser.headers["X-CSRF-Token"] = token
        genuine = await authorize(browser, stored.recording_id)
        audio = await browser.get(genuine.json()["audio_url"], headers={"Range": "bytes=0-1"})
    assert forged.status_code == 403 and forged.json()["error_id"] == "csrf_failed"
    assert evidence.status_code == 403 and evidence.json()["error_id"] == "csrf_failed"
    assert genuine.status_code == 201 and audio.status_code == 206
    assert await audit_rows(rig.web) == 1


async def test_a_file_gone_from_the_archive_is_a_clear_logged_error(rig: SupervisionRig,
                                                                     stored: Stored) -> None:
    client, url = await granted(rig, stored)
    stored.mp3.unlink()
    async with client:
        with capture_logs() as logs:
            audio = await client.get(url)
            again = await authorize(client, stored.recording_id)
    for response in (audio, again):
        assert response.status_code == 410
        assert response.json()["error_id"] == "recording_file_missing"
        assert "архіві" in response.json()["message"]
    missing = [e for e in logs if e["event"] == "recording_file_missing"]
    assert len(missing) == 2 and missing[0]["recording"] == stored.recording_id
    assert missing[0]["log_level"] == "error"
    assert await audit_rows(rig.web) == 1  # the refused second replay wrote nothing


async def test_a_path_leaving_the_archive_is_refused(rig: SupervisionRig, stored: Stored,
                                                     tmp_path: Path) -> None:
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(b"not yours")
    async with rig.db.transaction() as session:
        await session.execute(update(Recording).where(Recording.id == stored.recording_id)
                              .values(stored_path="../secret.mp3"))
    async with rig.web.client(await rig.token("svitlana")) as client:
        with capture_logs() as logs:
            response = await authorize(client, stored.recording_id)
        traversal = await client.get("/api/recordings/..%2F..%2Fsecret/audio?grant=x")
    assert response.status_code == 410
    assert any(e["event"] == "recording_path_outside_archive" for e in logs)
    assert traversal.status_code in (403, 404)


async def test_a_recording_without_a_file_cannot_be_replayed(rig: SupervisionRig,
                                                             stored: Stored) -> None:
    async with rig.db.transaction() as session:
        await session.execute(update(Recording).where(Recording.id == stored.recording_id)
                              .values(state="purged"))
    async with rig.web.client(await rig.token("svitlana")) as client:
        response = await authorize(client, stored.recording_id)
        unknown = await authorize(client, "f" * 32)
        no_appeal = await client.get("/api/appeals/2026-999999/recordings")
    assert response.status_code == 409
    assert response.json()["error_id"] == "recording_unavailable"
    assert unknown.status_code == 404 and no_appeal.status_code == 404


async def test_nobody_can_edit_the_audit(rig: SupervisionRig, stored: Stored) -> None:
    await granted(rig, stored)
    url = f"/api/recordings/{stored.recording_id}/audit"
    async with rig.web.client(await rig.token("admin-a", "admin")) as admin:
        answers = [await admin.delete(url), await admin.put(url, json={}),
                   await admin.patch(url, json={})]
        listed = await admin.get(url)
    assert [a.status_code for a in answers] == [405, 405, 405]
    assert len(listed.json()) == 1


async def test_the_api_is_documented(rig: SupervisionRig) -> None:
    async with rig.web.client() as client:
        schema = (await client.get("/openapi.json")).json()
    paths = schema["paths"]
    for path in ("/api/appeals/{number}/recordings", "/api/recordings/{recording_id}/replays",
                 "/api/recordings/{recording_id}/audio", "/api/recordings/{recording_id}/audit",
                 "/api/appeals/{number}/evidence", "/api/appeals/{number}/disputes",
                 "/api/disputes/{dispute_id}/close", "/api/appeals/{number}/links",
                 "/api/links/{link_id}/revoke", "/listen/{token}/replays"):
        assert path in paths, path
    audio = paths["/api/recordings/{recording_id}/audio"]["get"]
    assert "206" in audio["responses"] and "audio/mpeg" in audio["responses"]["206"]["content"]
