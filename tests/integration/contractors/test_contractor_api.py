"""The contractors' API on real databases: scoped to the signed-in contractor (another's
appeal is 404, like a missing one), each answer moves the status and lands in the history,
photos are judged by their bytes, and hostile input is refused without losing anything."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.integration.contractor_rig import JPEG, PHOTO_LIMIT, PNG, Desk, contractor_desk
from tests.integration.routing_seed import CALLER


@pytest.fixture
async def desk(database_url: str, tmp_path: Path) -> AsyncIterator[Desk]:
    async with contractor_desk(database_url, tmp_path) as made:
        yield made


async def uk_client(desk: Desk) -> httpx.AsyncClient:
    return desk.web.client(await desk.contractor_user("uk-master", "uk"))


async def test_a_contractor_lists_only_its_appeals_most_urgent_and_newest_first(
        desk: Desk) -> None:
    masked = await desk.routed("roof_leak")
    callback = await desk.routed("stairwell")  # the rule allows a call-back
    water = await desk.routed("water_none")  # vodokanal's
    async with await uk_client(desk) as client:
        page = (await client.get("/api/contractor/appeals")).json()
        one = (await client.get("/api/contractor/appeals?limit=1&offset=1")).json()
    assert [a["number"] for a in page["items"]] == [callback, masked]
    assert page["total"] == 2 and water not in str(page)
    phones = {a["number"]: (a["resident_phone"], a["callback"]) for a in page["items"]}
    assert phones == {masked: ("+38067***4567", False), callback: (CALLER, True)}
    assert [a["number"] for a in one["items"]] == [masked] and one["total"] == 2
    async with desk.web.client(await desk.contractor_user("vk", "vodokanal")) as client:
        theirs = (await client.get("/api/contractor/appeals")).json()
    assert [a["number"] for a in theirs["items"]] == [water]
    assert theirs["items"][0]["priority"] == "emergency"


async def test_the_status_filter(desk: Desk) -> None:
    first, second = await desk.routed(), await desk.routed()
    async with await uk_client(desk) as client:
        assert (await client.post(f"/api/contractor/appeals/{first}/take", json={})).is_success
        in_work = (await client.get("/api/contractor/appeals?status=in_work")).json()
        both = (await client.get("/api/contractor/appeals?status=in_work,assigned")).json()
        bad = await client.get("/api/contractor/appeals?status=nonsense")
    assert [a["number"] for a in in_work["items"]] == [first]
    assert {a["number"] for a in both["items"]} == {first, second}
    assert bad.status_code == 422


async def test_another_contractors_appeal_is_not_found_and_untouched(desk: Desk) -> None:
    water = await desk.routed("water_none")
    async with await uk_client(desk) as client:
        theirs = await client.get(f"/api/contractor/appeals/{water}")
        missing = await client.get("/api/contractor/appeals/2026-999999")
        take = await client.post(f"/api/contractor/appeals/{water}/take", json={})
        done = await client.post(f"/api/contractor/appeals/{water}/done",
                                 files={"answer": (None, "Зроблено")})
        photo = await client.get(f"/api/contractor/appeals/{water}/photos/1")
    assert theirs.status_code == missing.status_code == take.status_code == 404
    assert done.status_code == photo.status_code == 404
    assert theirs.json() == missing.json() | {} and theirs.json()["error_id"] == "appeal_not_found"
    assert (await desk.appeal(water)).status == "assigned"


async def test_other_roles_are_refused(desk: Desk) -> None:
    number = await desk.routed()
    for role, expected in (("operator", 403), ("supervisor", 403), ("admin", 403)):
        async with desk.web.client(await desk.web.token(f"u-{role}", role)) as client:
            assert (await client.get("/api/contractor/appeals")).status_code == expected
            response = await client.post(f"/api/contractor/appeals/{number}/take", json={})
            assert response.status_code == expected, role
    async with desk.web.client() as client:
        assert (await client.get("/api/contractor/appeals")).status_code == 401
        assert (await client.post(f"/api/contractor/appeals/{number}/take",
                                  json={})).status_code == 401
    assert (await desk.appeal(number)).status == "assigned"


async def test_take_plan_and_done_with_a_photo(desk: Desk) -> None:
    number = await desk.routed()
    async with await uk_client(desk) as client:
        taken = await client.post(f"/api/contractor/appeals/{number}/take",
                                  json={"comment": "бригада виїхала"})
        planned = await client.post(f"/api/contractor/appeals/{number}/plan",
                                    json={"date": "2026-12-10", "comment": "чекаємо труби"})
        done = await client.post(
            f"/api/contractor/appeals/{number}/done",
            data={"answer": "Дах залатано.", "internal_note": "витрачено 2 листи шиферу"},
            files=[("photos", ("roof.png", PNG, "image/png")),
                   ("photos", ("after.jpg", JPEG, "image/jpeg"))])
        assert taken.status_code == planned.status_code == done.status_code == 200, done.text
        view = done.json()
        photo = await client.get(view["photos"][0]["url"])
    assert taken.json()["status"] == "in_work"
    assert planned.json()["planned_date"] == "2026-12-10"
    assert (view["status"], view["answer"]) == ("done", "Дах залатано.")
    assert photo.status_code == 200 and photo.content == PNG
    assert photo.headers["content-type"] == "image/png"
    appeal = await desk.appeal(number)
    assert (appeal.status, appeal.answer, str(appeal.planned_date)) == (
        "done", "Дах залатано.", "2026-12-10")
    rows = [(h.action, h.to_status, h.comment, h.actor) for h in await desk.history(number)]
    assert rows[-3:] == [
        ("in_work", "in_work", "бригада виїхала", "uk-master"),
        ("planned", None, "планова дата 2026-12-10: чекаємо труби", "uk-master"),
        ("done", "done", "витрачено 2 листи шиферу", "uk-master")]
    refs = [a.ref for a in await desk.attachments_of(number)]
    assert len(refs) == 2 and refs[0].startswith(f"{number}/") and refs[0].endswith(".png")
    assert refs[1].endswith(".jpg")
    assert [p.read_bytes() for p in desk.stored_files()] in ([PNG, JPEG], [JPEG, PNG])
    shown = [(h["action"], h["comment"]) for h in view["history"]]
    assert ("done", "витрачено 2 листи шиферу") in shown
    assert all(h["actor"] in {"1580", "uk-master"} for h in view["history"])


async def test_not_ours_and_clarify(desk: Desk) -> None:
    first, second = await desk.routed(), await desk.routed()
    async with await uk_client(desk) as client:
        empty = await client.post(f"/api/contractor/appeals/{first}/not-ours",
                                  json={"reason": "  "})
        ours = await client.post(f"/api/contractor/appeals/{first}/not-ours",
                                 json={"reason": "Будинок обслуговує інша УК"})
        asked = await client.post(f"/api/contractor/appeals/{second}/clarify",
                                  json={"question": "Який під'їзд?"})
    assert (empty.status_code, empty.json()["error_id"]) == (422, "text_required")
    assert (ours.status_code, ours.json()["status"]) == (200, "redirected")
    assert (asked.status_code, asked.json()["status"]) == (200, "clarification")
    assert [(h.action, h.comment) for h in await desk.history(first)][-1] == (
        "not_ours", "Будинок обслуговує інша УК")
    assert [(h.action, h.to_status) for h in await desk.history(second)][-1] == (
        "clarification", "clarification")


async def test_invalid_transitions_are_409(desk: Desk) -> None:
    number = await desk.routed()
    async with await uk_client(desk) as client:
        await client.post(f"/api/contractor/appeals/{number}/take", json={})
        again = await client.post(f"/api/contractor/appeals/{number}/take", json={})
        await client.post(f"/api/contractor/appeals/{number}/done",
                          files={"answer": (None, "Так")})
        after = await client.post(f"/api/contractor/appeals/{number}/clarify",
                                  json={"question": "?"})
        late_photo = await client.post(f"/api/contractor/appeals/{number}/done",
                                       data={"answer": "Ще раз"},
                                       files=[("photos", ("a.png", PNG, "image/png"))])
    assert (again.status_code, again.json()["error_id"]) == (409, "invalid_transition")
    assert (after.status_code, after.json()["error_id"]) == (409, "not_with_contractor")
    assert late_photo.status_code == 409
    assert desk.stored_files() == []  # the refused answer's photo did not stay behind
    assert (await desk.appeal(number)).answer == "Так"


def bomb_png(side: int = 30_000) -> bytes:
    """A decompression bomb: a valid 1-bit PNG of side x side black pixels, about 100 KB that
    a browser would expand to side x side pixels (30000 x 30000 = 900 megapixels)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    packer, row = zlib.compressobj(9), bytes(1 + side // 8)
    pixels = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("photo, status, error_id", [
    (("big.png", PNG + bytes(PHOTO_LIMIT), "image/png"), 413, "photo_too_large"),
    (("fake.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg"), 415, "invalid_photo"),
    (("empty.png", b"", "image/png"), 415, "invalid_photo"),
    (("cut.png", PNG[:20], "image/png"), 415, "invalid_photo"),  # the magic, then nothing
    (("bomb.png", bomb_png(), "image/png"), 413, "photo_too_many_pixels"),
])
async def test_bad_photos_are_refused_and_nothing_changes(
        desk: Desk, photo: tuple[str, bytes, str], status: int, error_id: str) -> None:
    number = await desk.routed()
    async with await uk_client(desk) as client:
        response = await client.post(
            f"/api/contractor/appeals/{number}/done", data={"answer": "Зроблено"},
            files=[("photos", ("ok.png", PNG, "image/png")), ("photos", photo)])
    assert (response.status_code, response.json()["error_id"]) == (status, error_id)
    appeal = await desk.appeal(number)
    assert (appeal.status, appeal.answer) == ("assigned", None)
    assert await desk.attachments_of(number) == [] and desk.stored_files() == []


async def test_too_many_photos(desk: Desk) -> None:
    number = await desk.routed()
    async with await uk_client(desk) as client:
        response = await client.post(
            f"/api/contractor/appeals/{number}/done", data={"answer": "Зроблено"},
            files=[("photos", (f"{i}.png", PNG, "image/png")) for i in range(4)])
    assert response.status_code == 413 and desk.stored_files() == []


async def test_a_path_in_the_file_name_is_ignored(desk: Desk, tmp_path: Path) -> None:
    number = await desk.routed()
    async with await uk_client(desk) as client:
        response = await client.post(
            f"/api/contractor/appeals/{number}/done", data={"answer": "Зроблено"},
            files=[("photos", ("../../../escape.png", PNG, "text/plain"))])
    assert response.status_code == 200, response.text
    [stored] = desk.stored_files()
    assert stored.parent == desk.attachments / number and "escape" not in stored.name
    assert not list(tmp_path.rglob("escape*"))


async def test_non_utf8_input_is_refused_cleanly(desk: Desk) -> None:
    number = await desk.routed()
    async with await uk_client(desk) as client:
        as_json = await client.post(f"/api/contractor/appeals/{number}/not-ours",
                                    content=b'{"reason": "\xff\xfe bad"}',
                                    headers={"Content-Type": "application/json"})
        boundary = "xyz"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"answer\"\r\n\r\n"
                .encode() + b"\xff\xfe\xfd" + f"\r\n--{boundary}--\r\n".encode())
        as_form = await client.post(
            f"/api/contractor/appeals/{number}/done", content=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        too_long = await client.post(f"/api/contractor/appeals/{number}/done",
                                     files={"answer": (None, "я" * 4001)})
        as_json_done = await client.post(f"/api/contractor/appeals/{number}/done",
                                         json={"answer": "Зроблено"})
    assert as_json.status_code in (400, 422) and as_json.json()["error_id"], as_json.text
    assert as_form.status_code in (400, 422) and as_form.json()["error_id"], as_form.text
    assert as_json_done.status_code == 415
    assert too_long.status_code == 422 and too_long.json()["error_id"] == "text_too_long"
    appeal = await desk.appeal(number)
    assert (appeal.status, appeal.answer) == ("assigned", None)
