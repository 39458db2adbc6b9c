"""The contractor's page in Debian's headless Chromium: sign in as a contractor, see only the
own appeal, take it into work, plan it, mark it done with a photo (a refused photo first: the
form keeps the answer and shows why); then the database and the history say so."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.integration.browser import chromium
from tests.integration.contractor_rig import PNG, Desk, contractor_desk
from tests.web_rig import PASSWORD, LiveWeb, serving


@pytest.fixture
async def desk(database_url: str, tmp_path: Path) -> AsyncIterator[Desk]:
    async with contractor_desk(database_url, tmp_path) as made:
        yield made


async def sign_in(page: Page, live: LiveWeb, name: str) -> None:
    await page.goto(live.url + "/contractor")
    await page.fill("input[name=username]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await page.wait_for_url("**/contractor")


async def test_a_contractor_answers_an_appeal_in_the_browser(desk: Desk,
                                                             tmp_path: Path) -> None:
    ours = await desk.routed("roof_leak")
    theirs = await desk.routed("water_none")
    await desk.contractor_user("uk-master", "uk")
    planned = date.today() + timedelta(days=5)
    async with serving(desk.web) as live, chromium(tmp_path / "profile") as browser:
        page = await browser.new_page()
        await sign_in(page, live, "uk-master")
        rows = page.locator("#appeals tbody tr")
        await expect(rows).to_have_count(1)
        await expect(rows.first).to_have_attribute("data-number", ours)
        assert theirs not in await page.content()

        await page.click(f"a[href='/contractor/appeals/{ours}']")
        await expect(page.locator("#resident-phone")).to_have_text("+38067***4567")
        await page.click("#take-form button[type=submit]")
        await expect(page.locator("#appeal-status")).to_have_text("У роботі")

        await expect(page.locator("#saved")).to_have_text("Збережено: Взято в роботу.")
        await page.click("details.answer-choice summary:has-text('Встановити планову дату')")
        await page.fill("#plan-form input[name=date]", planned.isoformat())
        await page.fill("#plan-form input[name=comment]", "чекаємо матеріали")
        await page.click("#plan-form button[type=submit]")
        await expect(page.locator("#planned-date")).to_have_text(planned.strftime("%d.%m.%Y"))

        done = page.locator("#done-form")
        await done.locator("textarea[name=answer]").fill("Дах залатано, протікання немає.")
        await done.locator("textarea[name=internal_note]").fill("2 листи шиферу")
        await done.locator("input[name=photos]").set_input_files(
            [{"name": "roof.png", "mimeType": "image/png", "buffer": b"not an image"}])
        await done.locator("button[type=submit]").click()
        await expect(done.locator(".error")).to_contain_text("JPEG, PNG")
        await expect(done.locator("textarea[name=answer]")).to_have_value(
            "Дах залатано, протікання немає.")
        await done.locator("input[name=photos]").set_input_files(
            [{"name": "roof.png", "mimeType": "image/png", "buffer": PNG}])
        await done.locator("button[type=submit]").click()
        await expect(page.locator("#appeal-status")).to_have_text("Виконано")
        await expect(page.locator("#resident-answer")).to_have_text(
            "Дах залатано, протікання немає.")
        await expect(page.locator("#photos img")).to_have_count(1)
        assert await page.locator("#answers").count() == 0

        await page.goto(live.url + f"/contractor/appeals/{theirs}")
        await expect(page.locator("h1")).to_have_text("Звернення з таким номером немає.")
        await page.goto(live.url + "/contractor?lang=en")
        await expect(page.locator("h1")).to_have_text("Our appeals")

    appeal = await desk.appeal(ours)
    assert (appeal.status, appeal.planned_date, appeal.answer) == (
        "done", planned, "Дах залатано, протікання немає.")
    history = [(h.action, h.comment, h.actor) for h in await desk.history(ours)]
    assert history[-3:] == [
        ("in_work", "", "uk-master"),
        ("planned", f"планова дата {planned.isoformat()}: чекаємо матеріали", "uk-master"),
        ("done", "2 листи шиферу", "uk-master")]
    assert [p.read_bytes() for p in desk.stored_files()] == [PNG]
    assert (await desk.appeal(theirs)).status == "assigned"
