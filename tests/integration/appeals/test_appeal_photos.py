"""The contractor's photos for the hotline staff, on real databases: a contractor answers
"done" with photos, then supervisors and operators see them in the appeal's JSON and page and
get the files; contractors are refused the staff endpoint, and a photo of another appeal, a
missing one or a file outside the attachments archive is "not found"."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import expect
from sqlalchemy import update

from callcenter.appeals.tables import AppealAttachmentRow
from tests.integration.browser import chromium, sign_in
from tests.integration.contractor_rig import JPEG, Desk, contractor_desk
from tests.web_rig import serving


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG (red, 8-bit RGB) a browser can decode."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\xd0\x20\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))


PNG = tiny_png()
KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture
async def desk(database_url: str, tmp_path: Path) -> AsyncIterator[Desk]:
    async with contractor_desk(database_url, tmp_path) as made:
        yield made


async def answered(desk: Desk, *photos: tuple[str, bytes, str]) -> str:
    """A routed appeal the contractor `uk` answered "done" with these photos; its number."""
    number = await desk.routed()
    async with desk.web.client(await desk.contractor_user(f"uk-{number}", "uk")) as client:
        done = await client.post(f"/api/contractor/appeals/{number}/done", files=[
            ("answer", (None, "Дах залатано.")), *(("photos", photo) for photo in photos)])
    assert done.status_code == 200, done.text
    return number


async def staff(desk: Desk, role: str) -> httpx.AsyncClient:
    return desk.web.client(await desk.web.token(f"staff-{role}", role))


@pytest.mark.parametrize("role", ["supervisor", "operator"])
async def test_staff_get_the_photos_with_the_appeal(desk: Desk, role: str) -> None:
    number = await answered(desk, ("roof.png", PNG, "image/png"),
                            ("after.jpg", JPEG, "image/jpeg"))
    async with await staff(desk, role) as client:
        view = (await client.get(f"/api/appeals/{number}")).json()
        files = [await client.get(p["url"]) for p in view["photos"]]
        page = await client.get(f"/appeals/{number}")
    rows = await desk.attachments_of(number)
    ids = [a.id for a in rows]
    assert [(p["id"], p["url"], p["actor"]) for p in view["photos"]] == [
        (i, f"/api/appeals/{number}/photos/{i}", f"uk-{number}") for i in ids]
    shown = [datetime.fromisoformat(p["added_at"]) for p in view["photos"]]
    assert shown == [a.added_at for a in rows]
    assert [t.utcoffset() for t in shown] == [t.astimezone(KYIV).utcoffset() for t in shown]
    assert [(f.status_code, f.content) for f in files] == [(200, PNG), (200, JPEG)]
    assert [f.headers["content-type"] for f in files] == ["image/png", "image/jpeg"]
    assert {f.headers["cache-control"] for f in files} == {"private"}
    assert page.status_code == 200 and "Фото виконавця" in page.text
    for i in ids:
        assert f'<img src="/api/appeals/{number}/photos/{i}"' in page.text
        assert f'<a href="/api/appeals/{number}/photos/{i}"' in page.text
    assert f"· uk-{number}" in page.text


async def test_no_photos_nothing_shown(desk: Desk) -> None:
    number = await answered(desk)
    async with await staff(desk, "supervisor") as client:
        view = (await client.get(f"/api/appeals/{number}")).json()
        page = await client.get(f"/appeals/{number}")
    assert view["photos"] == [] and view["status"] == "done"
    assert page.status_code == 200 and "appeal-photos" not in page.text


async def test_contractors_and_anonymous_are_refused(desk: Desk) -> None:
    number = await answered(desk, ("roof.png", PNG, "image/png"))
    [photo] = await desk.attachments_of(number)
    url = f"/api/appeals/{number}/photos/{photo.id}"
    async with desk.web.client(await desk.contractor_user("uk-master", "uk")) as owner:
        as_owner = await owner.get(url)
        own_endpoint = await owner.get(f"/api/contractor/appeals/{number}/photos/{photo.id}")
    async with desk.web.client() as anonymous:
        as_anonymous = await anonymous.get(url)
    assert as_owner.status_code == 403 and as_owner.json()["error_id"] == "forbidden"
    assert PNG not in as_owner.content
    assert (own_endpoint.status_code, own_endpoint.content) == (200, PNG)
    assert as_anonymous.status_code == 401 and PNG not in as_anonymous.content


async def test_another_appeals_or_a_missing_photo_is_not_found(desk: Desk) -> None:
    number = await answered(desk, ("roof.png", PNG, "image/png"))
    other = await answered(desk, ("after.jpg", JPEG, "image/jpeg"))
    [theirs] = await desk.attachments_of(other)
    async with await staff(desk, "supervisor") as client:
        answers = [await client.get(f"/api/appeals/{number}/photos/{theirs.id}"),
                   await client.get(f"/api/appeals/{number}/photos/999999"),
                   await client.get(f"/api/appeals/2026-999999/photos/{theirs.id}")]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert {a.json()["error_id"] for a in answers} == {"photo_not_found"}
    assert all(JPEG not in a.content for a in answers)


async def test_a_file_outside_the_attachments_is_not_served(desk: Desk,
                                                           tmp_path: Path) -> None:
    number = await answered(desk, ("roof.png", PNG, "image/png"))
    [photo] = await desk.attachments_of(number)
    (tmp_path / "secret.png").write_bytes(PNG)
    (desk.attachments / number / "link.png").symlink_to(tmp_path / "secret.png")
    url = f"/api/appeals/{number}/photos/{photo.id}"
    seen = []
    async with await staff(desk, "supervisor") as client:
        for ref in ("../secret.png", str(tmp_path / "secret.png"), f"{number}/link.png",
                    f"{number}/gone.png"):
            await set_ref(desk, photo.id, ref)
            seen.append((await client.get(url)).status_code)
    assert seen == [404, 404, 404, 404]


async def set_ref(desk: Desk, photo_id: int, ref: str) -> None:
    async with desk.city.db.transaction() as session:
        await session.execute(update(AppealAttachmentRow)
                              .where(AppealAttachmentRow.id == photo_id).values(ref=ref))


async def test_a_supervisor_sees_the_photo_on_the_appeal_page(desk: Desk,
                                                              tmp_path: Path) -> None:
    number = await answered(desk, ("roof.png", PNG, "image/png"))
    [photo] = await desk.attachments_of(number)
    url = f"/api/appeals/{number}/photos/{photo.id}"
    await desk.web.user("sofia", "supervisor")
    async with serving(desk.web) as live, chromium(tmp_path / "profile") as browser:
        page = await browser.new_page()
        await sign_in(page, live, "sofia", f"/appeals/{number}")
        image = page.locator("#appeal-photos img")
        await expect(image).to_have_count(1)
        await expect(image).to_have_attribute("src", url)
        await expect(page.locator("#appeal-photos a")).to_have_attribute("href", url)
        await expect(page.locator("#appeal-photos figcaption")).to_contain_text(
            f"uk-{number}")
        await page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=await image.element_handle())
        assert await image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [4, 3]
