"""The residents' status page in Debian's headless Chromium on a 390 px wide phone, with
JavaScript off: the SMS link opens the form with the number filled in; a wrong pair says only
"nothing found"; the right one shows the status in Ukrainian, and nothing is wider than the
screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright, expect

from tests.integration.browser import ARGS, CHROMIUM, require_chromium
from tests.integration.residents_rig import Residents, residents
from tests.web_rig import serving

PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def city(database_url: str, tmp_path: Path) -> AsyncIterator[Residents]:
    async with residents(database_url, tmp_path) as made:
        yield made


@asynccontextmanager
async def phone_without_scripts() -> AsyncIterator[BrowserContext]:
    """Chromium as a 390 px phone with JavaScript switched off."""
    require_chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   headless=True, args=ARGS)
        context = await browser.new_context(viewport=PHONE, java_script_enabled=False,
                                            locale="uk-UA", timezone_id="Europe/Kyiv")
        context.set_default_timeout(10_000)
        try:
            yield context
        finally:
            await context.close()
            await browser.close()


async def fits(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


async def test_a_resident_checks_an_appeal_on_a_phone(city: Residents,
                                                       database_url: str) -> None:
    number = await city.call_and_save("+380671234567")
    async with serving(city.web) as live, phone_without_scripts() as browser:
        page = await browser.new_page()
        await page.goto(f"{live.url}/s/{number}")
        await expect(page.locator("h1")).to_have_text("Перевірити звернення")
        await expect(page.locator("#status-number")).to_have_value(number)
        await fits(page)

        await page.fill("#status-key", "4568")
        await page.click("#status-form button[type=submit]")
        await expect(page.locator("#status-problem")).to_have_text(
            "Нічого не знайдено. Перевірте номер звернення та цифри або адресу електронної пошти.")
        await fits(page)
        if "sqlite" in database_url:
            await page.screenshot(path="/tmp/status-form-390.png", full_page=True)

        await page.fill("#status-number", number.replace("-", " "))  # as a phone types it
        await page.fill("#status-key", "4567")
        await page.click("#status-form button[type=submit]")
        await expect(page.locator("#status-text")).to_have_text("Передано виконавцю")
        await expect(page.locator("#status-category")).to_have_text("Протікання даху")
        await expect(page.locator("#status-address")).to_have_text("вулиця Галицька, 3")
        await expect(page.locator("#status-contractor")).to_have_text("УК «Центр»")
        content = await page.content()
        assert "0671234567" not in content and "кв." not in content
        await fits(page)
        if "sqlite" in database_url:
            await page.screenshot(path=str(Path("/tmp") / "status-page-390.png"),
                                  full_page=True)
