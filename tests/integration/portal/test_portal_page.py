"""The portal in Chromium: no horizontal scrolling on a 390 px phone nor at 1366 px, no
Content-Security-Policy violation, a resident files an appeal with a photo without
JavaScript, and with it the street suggestions offer the official name."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.integration.browser import ARGS, CHROMIUM, require_chromium
from tests.integration.contractor_rig import JPEG
from tests.integration.portal_rig import residents_web
from tests.web_rig import serving

ROOT = Path(__file__).resolve().parents[3]


async def fits(page: Page) -> bool:
    return bool(await page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


async def fill(page: Page, tmp_path: Path) -> None:
    await page.select_option("#category", "road_potholes")
    await page.fill("input[name=street]", "вул. Незалежності")
    await page.fill("input[name=house]", "12")
    await page.fill("textarea[name=description]", "Яма біля зупинки, вже двоє впали")
    photo = tmp_path / "yama.jpg"
    photo.write_bytes(JPEG)
    await page.set_input_files("input[name=photos]", str(photo))
    await page.fill("input[name=contact_name]", "Оксана")
    await page.fill("input[name=contact_phone]", "0671234567")
    await page.check("input[name=consent]")


@pytest.mark.parametrize("width", [390, 1366])
async def test_a_resident_files_without_javascript(database_url: str, tmp_path: Path,
                                                   width: int) -> None:
    require_chromium()
    from playwright.async_api import async_playwright

    async with residents_web(database_url, tmp_path) as rig, serving(rig.web) as live, \
            async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = await browser.new_context(viewport={"width": width, "height": 900},
                                            java_script_enabled=False, locale="uk-UA")
        violations: list[str] = []
        page = await context.new_page()
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)
        await page.goto(live.url + "/portal")
        await expect(page.locator("h1")).to_have_text("Повідомити місту про проблему")
        assert await fits(page), f"the form scrolls sideways at {width} px"
        await page.screenshot(path=str(tmp_path / f"portal-{width}.png"), full_page=True)
        if os.environ.get("UPDATE_SCREENSHOTS") and width == 390:
            await page.screenshot(path=str(ROOT / "docs" / "portal-390.png"), full_page=True)
        await fill(page, tmp_path)
        await page.click("button.send")
        number = page.locator("#appeal-number")
        await expect(number).to_have_text(re.compile(r"^\d{4}-\d{6}$"))
        assert await fits(page)
        await page.screenshot(path=str(tmp_path / f"portal-done-{width}.png"), full_page=True)
        appeal = await rig.appeal(await number.inner_text())
        assert appeal.channel == "web" and appeal.status == "assigned"
        assert len(await rig.photos(appeal.number)) == 1
        await browser.close()
    assert violations == []


async def test_street_suggestions_with_javascript(database_url: str, tmp_path: Path) -> None:
    require_chromium()
    from playwright.async_api import async_playwright

    async with residents_web(database_url, tmp_path) as rig, serving(rig.web) as live, \
            async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(f"{m.text} {m.location.get('url')}")
                if m.type == "error" and "favicon" not in str(m.location.get("url")) else None)
        await page.goto(live.url + "/portal")
        await page.fill("#street", "незал")
        await expect(page.locator("#street-list option[value='вул. Незалежності']")
                     ).to_have_count(1)
        await page.fill("input[name=q]", "ліхтар")
        await page.click("#category-search button")
        await expect(page.locator("#category option[value='street_lighting']")).to_have_count(1)
        await expect(page.locator("#category option[value='road_potholes']")).to_have_count(0)
        await browser.close()
    assert errors == []
