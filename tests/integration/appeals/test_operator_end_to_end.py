"""The whole desk in real Chromium: a call the fake Asterisk plays rings the operator's seat,
the page pops it over the real WebSocket, the operator completes the appeal and finds it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.integration.appeals.test_operator_page import choose_category
from tests.integration.browser import chromium, sign_in
from tests.integration.pop_stack import pop_stack

# One engine: the pop and page tests run on both.
pytestmark = pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
NUMBER = re.compile(r"^\d{4}-\d{6}$")


async def test_a_ringing_call_pops_is_completed_and_found(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack, \
            chromium(tmp_path / "profile") as browser:
        await stack.rig.user("olena", "operator", seat="PJSIP/op1001")
        page = await browser.new_page()
        await sign_in(page, stack.live)
        await expect(page.locator("#conn-state")).to_have_text("На зв’язку")

        call_id = stack.pbx.start_call("pjsip-landline-answered", ring_seconds=60,
                                       talk_seconds=0.05)
        await expect(page.locator("#pop-caller")).to_have_text("+380342123456")
        await expect(page.locator("#pop-state")).to_have_text("Дзвонить")
        await expect(page.locator("#pop-number")).to_have_text(NUMBER)
        number = (await page.locator("#pop-number").text_content() or "").strip()
        await expect(page.locator("#form-number")).to_have_text(number)

        await stack.pbx.finish_call(call_id)  # answered at op1001, then hung up
        await choose_category(page, "нема води", "Відсутнє холодне водопостачання")
        await page.fill("#f-street", "вул. Незалежності")
        await page.fill("#f-house", "12а")
        await page.fill("#f-description", "Немає холодної води з ранку")
        await page.press("#f-description", "Control+Enter")
        await expect(page.locator("#form-message")).to_contain_text(
            f"Звернення {number} зареєстровано")

        await page.fill("#s-q", "0342123456")
        await page.press("#s-q", "Enter")
        row = page.locator("#search-results tbody tr", has_text=number)
        await expect(row).to_contain_text("Зареєстровано")
        await page.screenshot(path=str(tmp_path / "desk.png"), full_page=True)
        # read while the stack's database is open (after it closes a read would leak a connection)
        details = await stack.rig.app.state.appeals.details(number)
    assert (tmp_path / "desk.png").stat().st_size > 10_000
    assert (details.status, details.summary.address) == ("registered",
                                                         "вул. Незалежності, 12А")
    assert details.call is not None and details.call.operator == "PJSIP/op1001"


async def test_the_board_shows_a_waiting_caller_and_the_ringing_seat(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually) as stack, \
            chromium(tmp_path / "profile") as browser:
        await stack.rig.user("olena", "operator", seat="PJSIP/op1001")
        await stack.rig.user("sofia", "supervisor")
        page = await browser.new_page()
        await sign_in(page, stack.live, "sofia", "/supervisor/board")
        await expect(page.locator("h1")).to_have_text("Табло в реальному часі")

        call_id = stack.pbx.start_call("pjsip-landline-answered", ring_seconds=60,
                                       talk_seconds=0.05)
        waiting = page.locator("#waiting tr")
        await expect(waiting).to_have_count(1)
        await expect(waiting).to_contain_text("+380342123456")
        await expect(page.locator("#waiting-count")).to_have_text("1")
        ringing = page.locator("#seats")  # a seat is named by its operator, never PJSIP/...
        await expect(ringing).to_contain_text("дзвонить")
        await expect(ringing).not_to_contain_text("PJSIP")

        await stack.pbx.finish_call(call_id)  # answered, then hung up
        await expect(waiting).to_have_count(0)
        await expect(ringing).not_to_contain_text("дзвонить")
        await page.screenshot(path=str(tmp_path / "board.png"), full_page=True)
