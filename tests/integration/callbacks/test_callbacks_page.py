"""The call-backs page in headless Chromium at 1366x768, against the simulated Asterisk: take
the longest-waiting item, one click to call, record the outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from callcenter.appeals.model.statuses import Status
from tests.integration.browser import chromium, sign_in
from tests.integration.callbacks.test_callback_calls import RESIDENT, SEAT, rig
from tests.integration.callbacks_rig import T0
from tests.web_rig import serving


async def test_an_operator_calls_a_resident_back_and_records_the_check(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually) as r:
        r.pbx.callback_seconds = (0.2, 1.0)
        await r.web.user("maria", "operator", seat=SEAT)
        appeal = await r.seed.appeal(Status.DONE, caller=RESIDENT, at=T0, contractor=True)
        async with serving(r.web) as live, chromium(tmp_path / "profile") as browser:
            page = await browser.new_page()
            await page.set_viewport_size({"width": 1366, "height": 768})
            await sign_in(page, live, "maria", "/operator/callbacks")
            row = page.locator(f"#worklist tr[data-appeal='{appeal}']")
            await row.wait_for()
            assert "Перевірка виконання" in await row.inner_text()
            await row.locator("button.take").click()
            await page.locator("#current").wait_for()
            await eventually(lambda: _status_is(r, appeal, "on_check"))
            await page.click("#call-button")
            await page.locator("#outcome-form").wait_for()
            await page.check("input[name=outcome][value=confirmed]")
            await page.fill("textarea[name=words]", "Так, воду дали, дякую")
            await page.locator("#call-state").filter(has_text="завершено").wait_for()
            await page.click("#outcome-form button[type=submit]")
            await page.locator("#call-state").filter(has_text="Збережено").wait_for()
            await eventually(lambda: _status_is(r, appeal, "closed"))
            await page.locator("#empty").wait_for()
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 1366


async def _status_is(r: Any, appeal: int, status: str) -> bool:
    return bool(await r.seed.status(appeal) == status)


async def test_a_missed_caller_reached_is_completed_in_the_operators_form(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually) as r:
        r.pbx.callback_seconds = (0.2, 0.5)
        await r.web.user("maria", "operator", seat=SEAT)
        appeal = await r.seed.appeal(Status.MISSED, caller=RESIDENT, at=T0)
        number = r.seed.numbers[appeal]
        async with serving(r.web) as live, chromium(tmp_path / "profile") as browser:
            page = await browser.new_page()
            await page.set_viewport_size({"width": 1366, "height": 768})
            await sign_in(page, live, "maria", "/operator/callbacks")
            await page.locator(f"#worklist tr[data-appeal='{appeal}'] button.take").click()
            await page.click("#call-button")
            await page.locator("#outcome-form").wait_for()
            await page.check("input[name=outcome][value=reached]")
            await page.locator("#call-state").filter(has_text="завершено").wait_for()
            await page.click("#outcome-form button[type=submit]")
            await page.locator("#call-state a").click()
            await page.wait_for_url("**/operator?appeal=*")
            await page.locator("#form-number").filter(has_text=number).wait_for()
        assert await r.seed.status(appeal) == "missed"  # completed in the form, as any
