"""Routing on the pages, in real headless Chromium against the real app and database: the
operator saves an emergency and sees the contractor, the deadline and whom to call, records a
hand-off, and is offered a duplicate to link; a supervisor resends a dead letter and
reassigns an overdue appeal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.async_api import BrowserContext, Page, expect

from callcenter.appeals.rows import appeal_history
from tests.integration.appeals.test_operator_page import choose_category, load
from tests.integration.browser import FakePops, chromium, sign_in
from tests.integration.routing_web import (
    GAS,
    completed,
    dead_letter_worker,
    import_sample_contractors,
    make_overdue,
    new_appeal,
    routing_services_of,
)
from tests.web_rig import PASSWORD, LiveWeb

# One engine is enough here: the API tests run on SQLite and PostgreSQL.
pytestmark = pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    async with chromium(tmp_path / "profile") as context:
        yield context


@pytest.fixture
async def city(live_web: LiveWeb) -> LiveWeb:
    await live_web.rig.user("olena", "operator", seat="PJSIP/op1001")
    await live_web.rig.user("sofia", "supervisor")
    await import_sample_contractors(live_web.rig)
    return live_web


async def operator_page(browser: BrowserContext, live: LiveWeb) -> Page:
    page = await browser.new_page()
    await FakePops().attach(page)
    await sign_in(page, live)
    return page


async def supervisor_page(browser: BrowserContext, live: LiveWeb, target: str) -> Page:
    page = await browser.new_page()
    await page.goto(f"{live.url}/login?next={quote(target)}")
    await page.fill("input[name=username]", "sofia")
    await page.fill("input[name=password]", PASSWORD)
    async with page.expect_navigation():
        await page.click("button[type=submit]")
    return page


async def fill_gas(page: Page) -> None:
    await page.fill("#f-street", "вул. Незалежності")
    await page.fill("#f-house", "12а")
    await page.fill("#f-description", GAS["description"])
    await choose_category(page, "пахне газом", "Запах газу")


async def test_saving_shows_the_contractor_and_records_a_hand_off(
        browser: BrowserContext, city: LiveWeb) -> None:
    number = await new_appeal(city.rig)
    page = await operator_page(browser, city)
    await load(page, number)
    await fill_gas(page)
    await page.press("#f-description", "Control+Enter")

    routing = page.locator("#routing")
    await expect(routing.locator(".contractor")).to_contain_text("«Газмережі»")
    await expect(routing.locator(".deadline")).to_contain_text("Аварійний")
    await expect(page.locator("#form-status")).to_have_text("Передано виконавцю")
    gas = routing.locator("ul.contacts li[data-code=gas]")
    await expect(gas).to_contain_text("Аварійна газова служба: 104")
    await expect(routing.locator("li[data-code=dispatcher] .phone")).to_have_text(
        "0342 000 232")  # as read aloud
    await gas.locator("button.handoff").click()
    await expect(gas.locator(".handed")).to_have_text("Передачу записано")
    history = await appeal_history(city.rig.db, number)
    assert [h.comment for h in history if h.action == "handoff"] == [
        "Аварійна газова служба 104"]


async def test_the_operator_links_a_duplicate_instead_of_sending_it(
        browser: BrowserContext, city: LiveWeb) -> None:
    async with city.rig.client(await city.rig.token("api-olena", "operator")) as client:
        first = (await completed(city.rig, client))["number"]
    number = await new_appeal(city.rig)
    page = await operator_page(browser, city)
    await load(page, number)
    await fill_gas(page)

    offer = page.locator(f"#duplicates li[data-number='{first}']")
    await expect(offer).to_contain_text("Передано виконавцю")
    await offer.locator("button.link-duplicate").click()
    await expect(page.locator("#form-message")).to_contain_text(
        f"Звернення {number} позначено як дублікат звернення {first}")
    await expect(page.locator("#form-status")).to_have_text("Дублікат")
    await expect(page.locator("#duplicates")).to_be_hidden()
    routing = await routing_services_of(city.rig).appeal_router.routing(number)
    assert (routing.appeal.status, routing.assignment) == ("duplicate", None)


async def test_a_supervisor_resends_a_dead_letter(browser: BrowserContext,
                                                  city: LiveWeb) -> None:
    async with city.rig.client(await city.rig.token("api-olena", "operator")) as client:
        number = (await completed(city.rig, client))["number"]
    worker = dead_letter_worker(city.rig)
    try:
        assert await worker.workers[0].run_once() == 1
    finally:
        await worker.close()
    page = await supervisor_page(browser, city, "/supervisor")
    await page.click("a[href='/supervisor/outbox']")
    row = page.locator("#dead-letters tbody tr")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text(number)
    await expect(page.locator("#delivery-log tbody tr")).to_contain_text("не доставлено")
    async with page.expect_navigation():
        await row.locator("button.resend").click()
    await expect(page.locator("#resent")).to_contain_text("знову в черзі")
    await expect(page.locator("#no-dead-letters")).to_be_visible()
    await page.goto(f"{city.url}/supervisor/outbox?contractor=ads")
    await expect(page.locator("#delivery-log")).to_have_count(0)
    assert await routing_services_of(city.rig).outbox.dead_letters() == []


async def test_a_supervisor_reassigns_an_overdue_appeal(browser: BrowserContext,
                                                        city: LiveWeb) -> None:
    async with city.rig.client(await city.rig.token("api-olena", "operator")) as client:
        number = (await completed(city.rig, client))["number"]
    await make_overdue(city.rig, number)
    page = await supervisor_page(browser, city, "/supervisor/overdue")
    row = page.locator(f"#overdue tr[data-appeal='{number}']")
    await expect(row).to_contain_text("Передано виконавцю")
    await expect(row).to_contain_text("Газмережі")  # the contractor's name, not its code
    await expect(row.locator("select[name=contractor] option[value=nobody]")).to_have_count(0)

    await row.locator("select[name=contractor]").select_option("ads")
    await row.locator("input[name=reason]").fill("газовики не їдуть")
    async with page.expect_navigation():
        await row.locator("button[type=submit]").click()
    await expect(page.locator("#reassigned")).to_contain_text(f"Звернення {number}")
    routing = await routing_services_of(city.rig).appeal_router.routing(number)
    assert routing.assignment is not None and routing.assignment.contractor == "ads"
