"""Outages in real Chromium: the public pages on a 390 px phone (nothing wider than the
screen, no script needed), and the operator's page showing the outages of the pop card and of
the address being typed, with one click answering the call's appeal by an outage."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, ViewportSize, expect
from sqlalchemy import select

from callcenter.appeals.tables import Appeal
from callcenter.outages.model.places import Hit, street_place
from callcenter.outages.model.records import Kind, OutageDraft, Utility
from callcenter.outages.service import Outages
from callcenter.pops.model.cards import outage_line
from tests.integration.appeals.test_operator_page import open_page, seed_call
from tests.integration.browser import chromium, pop, sign_in
from tests.integration.routing_web import import_sample_contractors
from tests.sounds import require_tool
from tests.web_rig import LiveWeb

pytestmark = pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    async with chromium(tmp_path / "profile") as context:
        yield context


async def register(live: LiveWeb, street: str, houses: str, utility: Utility,
                   kind: Kind = Kind.EMERGENCY) -> int:
    service: Outages = live.rig.app.state.outages
    [outage_id] = await service.create([OutageDraft(
        utility, kind, (street_place(street, houses, service.streets),),
        datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=5),
        "Підвіз питної води до будинку 15 о 14:00")], "sofia")
    return outage_id


async def test_public_pages_fit_a_phone(browser: BrowserContext, live_web: LiveWeb,
                                        tmp_path: Path) -> None:
    outage_id = await register(live_web, "Незалежності",
                               "1-41 непарні, 2-60 парні, 101, 103, 105А", Utility.WATER)
    await register(live_web, "Галицька", "", Utility.POWER, Kind.PLANNED)
    page = await browser.new_page()
    await page.set_viewport_size(PHONE)
    widths = {}
    for path in ("/vidkliuchennia", f"/vidkliuchennia/{outage_id}",
                 "/vidkliuchennia?street=Незалежності+13"):
        await page.goto(live_web.url + path)
        widths[path] = await page.evaluate("document.documentElement.scrollWidth")
        assert await page.locator("script").count() == 0  # nothing needs a script
        await page.screenshot(path=str(tmp_path / f"public{len(widths)}.png"), full_page=True)
    await page.goto(live_web.url + "/vidkliuchennia")
    await expect(page.locator("#now")).to_contain_text("вул. Незалежності: 1-41 непарні")
    await expect(page.locator("#now")).to_contain_text("вул. Галицька (уся вулиця)")
    assert all(width <= PHONE["width"] for width in widths.values()), widths


async def test_the_operator_sees_outages_and_answers_by_one(browser: BrowserContext,
                                                           live_web: LiveWeb) -> None:
    await live_web.rig.user("olena", "operator", seat="PJSIP/op1001")
    await import_sample_contractors(live_web.rig)
    at_home = await register(live_web, "Шевченка", "", Utility.HEATING)
    typed = await register(live_web, "Незалежності", "1-41 непарні", Utility.WATER)
    service: Outages = live_web.rig.app.state.outages
    number = await seed_call(live_web, "1795907974.0")
    page, pops = await open_page(browser, live_web)
    message = pop("1795907974.0", number)
    message["card"]["outages"] = [outage_line(Hit(await service.get(at_home), "now"),
                                              "Europe/Kyiv")]
    pops.send(message)
    await expect(page.locator("#form-number")).to_have_text(number)
    await expect(page.locator("#outages-panel")).to_be_visible()
    await expect(page.locator(f"#outages-list li[data-outage='{at_home}']")).to_contain_text(
        "відключення теплопостачання")
    await page.fill("#f-street", "вул. Незалежності")
    await page.fill("#f-house", "13")
    await expect(page.locator(f"#outages-list li[data-outage='{typed}']")).to_be_visible()
    await page.fill("#f-house", "14")
    await expect(page.locator(f"#outages-list li[data-outage='{typed}']")).to_have_count(0)
    await page.fill("#f-house", "15")
    await page.click(f"#outages-list li[data-outage='{typed}'] button.attach")
    await expect(page.locator("#outages-said")).not_to_be_empty()
    async with live_web.rig.db.reading() as session:
        status = await session.scalar(select(Appeal.status).where(Appeal.number == number))
    assert status == "consultation"
    assert (await service.get(typed)).calls == 1


async def test_the_staff_page_in_ukrainian(browser: BrowserContext, live_web: LiveWeb,
                                           tmp_path: Path) -> None:
    await live_web.rig.user("sofia", "supervisor")
    await register(live_web, "Незалежності", "1-41 непарні", Utility.WATER)
    page = await browser.new_page()
    await sign_in(page, live_web, "sofia", "/outages")
    await expect(page.locator("h1")).to_have_text("Відключення")
    await page.fill("textarea[name=places]", "вул. Радянська: 2-10 парні\nмікрорайон Каскад")
    await page.fill("input[name=start]", "2099-01-05T09:00")
    await page.click("#new-outage button[type=submit]")
    await expect(page.locator("#history")).to_contain_text("sofia")
    await expect(page.locator(".outage .addresses")).to_contain_text(
        "вул. Незалежності: 2-10 парні")
    await page.screenshot(path=str(tmp_path / "staff_one.png"), full_page=True)
    await page.click("#cancel")
    await expect(page.locator(".outage .state")).to_have_text("скасовано")


async def test_the_board_shows_outages_drawing_calls(browser: BrowserContext,
                                                    live_web: LiveWeb) -> None:
    await live_web.rig.user("sofia", "supervisor")
    await import_sample_contractors(live_web.rig)
    outage_id = await register(live_web, "Незалежності", "1-41 непарні", Utility.WATER)
    number = await seed_call(live_web, "1795907975.0")
    service: Outages = live_web.rig.app.state.outages
    assert await service.attach(outage_id, number, "olena")
    page = await browser.new_page()
    await sign_in(page, live_web, "sofia", "/supervisor/board")
    await expect(page.locator("#outages-drawing")).to_contain_text(
        "вул. Незалежності: 1-41 непарні · дзвінків за останню годину: 1")


async def test_a_supervisor_listens_first_then_switches_the_announcement_on(
        browser: BrowserContext, live_web: LiveWeb, tmp_path: Path) -> None:
    """The whole page in Chromium at 1366x768: the text taken from the outage, the preview
    playing the very WAV that will play, switched on, then an operator sees it without the
    switches."""
    require_tool("espeak-ng")
    announcements = live_web.rig.app.state.announcements
    announcements.sounds.folder = tmp_path / "sounds"
    await live_web.rig.user("sofia", "supervisor")
    outage_id = await register(live_web, "Незалежності", "1-41 непарні", Utility.WATER)
    page = await browser.new_page()
    await page.set_viewport_size({"width": 1366, "height": 768})
    await sign_in(page, live_web, "sofia", f"/outages/{outage_id}")
    await page.click("#announce")
    text = page.locator("textarea[name=text]")
    await expect(text).to_have_value(re.compile(r"^Увага! Аварійне відключення водопост"))
    await page.click("button[value=preview]")
    audio = page.locator("#preview audio")
    seconds = await audio.evaluate(
        "a => new Promise(done => a.readyState >= 1 ? done(a.duration)"
        " : a.addEventListener('loadedmetadata', () => done(a.duration)))")
    await page.screenshot(path=str(tmp_path / "announcement-preview.png"), full_page=True)
    await page.click("#switch-on")
    await expect(page.locator("#switched")).to_be_visible()
    await expect(page.locator("#playing .notice")).to_have_count(1)
    await expect(page.locator("#pbx-state")).to_contain_text("АТС ще нічого не повідомила")
    await page.screenshot(path=str(tmp_path / "announcement-on.png"))
    await page.goto(live_web.url + "/supervisor/board")
    await expect(page.locator("#outages-announced")).to_contain_text(
        "«Увага! Аварійне відключення водопостачання")
    await expect(page.locator("#outages-announced")).to_contain_text(
        "дзвінків: 0, поклали слухавку до черги: 0")
    async with live_web.rig.client(await live_web.rig.token("olena", "operator")) as desk:
        seen = (await desk.get("/outages/announcement")).text
        refused = await desk.post("/outages/announcement", data={"text": "Увага!"})
    assert 3 < seconds < 60
    assert "Увага! Аварійне" in seen and 'id="new-announcement"' not in seen
    assert 'class="off"' not in seen and refused.status_code == 403
