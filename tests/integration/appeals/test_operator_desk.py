"""The operator's desk through a call, in real Chromium at 1366x768 (a typical operator
monitor): the ring is announced (colour, title, sound, and silence when muted), the caller's
earlier appeals are listed once with the contractor's answers, the call panel, the save
button and the routing result fit the first screen, the category is found by a keyword, the
routing box shows only the category's services, and the keyboard reaches every frequent
action. Pause and resume from the page reach the (simulated) Asterisk.

Set UPDATE_SCREENSHOTS=1 to refresh docs/operator-page.png from the first test.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.integration.appeals.test_operator_page import (
    ROOT,
    choose_category,
    load,
    open_page,
    seed_call,
)
from tests.integration.browser import chromium, pop, sign_in
from tests.integration.pop_stack import pop_stack
from tests.integration.routing_web import import_sample_contractors
from tests.web_rig import LiveWeb

pytestmark = pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
SCREEN = {"width": 1366, "height": 768}
ANSWER = "Трубу замінено, воду подано о 15:00"


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    async with chromium(tmp_path / "profile") as context:
        yield context


@pytest.fixture
async def desk(live_web: LiveWeb) -> LiveWeb:
    await live_web.rig.user("olena", "operator", seat="PJSIP/op1001")
    await import_sample_contractors(live_web.rig)
    return live_web


def line(number: str, status: str, answer: str | None = None) -> dict[str, Any]:
    return {"number": number, "opened_at": "2026-02-01T09:00:00+00:00", "status": status,
            "category": "water_pipe_burst", "address": "вул. Галицька, 5, кв. 3",
            "answer": answer}


def returning_caller(call_id: str, number: str) -> dict[str, Any]:
    """A pop of a caller with a finished appeal, an open one and five calls never completed."""
    message = pop(call_id, number)
    message["card"].update(
        previous_appeals=[line("2026-000011", "done", ANSWER)],
        open_appeals=[line("2026-000012", "in_work")],
        unfinished_appeals=[line(f"2026-00002{i}", "missed") for i in range(5)],
        unfinished_total=7)
    return message


async def tones(page: Page) -> int:
    return int(await page.get_attribute("#operator", "data-tones") or 0)


async def within_first_screen(page: Page, selector: str) -> None:
    box = await page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"], (selector, box)
    assert box["x"] + box["width"] <= SCREEN["width"], (selector, box)


async def test_a_returning_callers_call_from_ring_to_routing_in_the_first_screen(
        browser: BrowserContext, desk: LiveWeb, tmp_path: Path, eventually: Any) -> None:
    number = await seed_call(desk, "1795907974.0")
    page, pops = await open_page(browser, desk)
    await page.set_viewport_size(SCREEN)
    title = await page.title()
    await page.click("#search-title")  # the operator has touched the page: sound may play

    # the ring: colour, title, sound
    pops.send(returning_caller("1795907974.0", number))
    await expect(page.locator("#operator")).to_have_class(re.compile(r"\bringing\b"))
    await expect(page).to_have_title(re.compile(r"^☎ Дзвінок: \+380671234567"))
    await eventually(lambda: tones(page))
    await expect(page.locator("#operator")).to_have_attribute("data-audio", "running")
    assert await page.evaluate("getComputedStyle(document.querySelector('#pop'))"
                               ".backgroundColor") != "rgb(255, 255, 255)"

    # each earlier appeal once; the finished one with the contractor's answer
    await expect(page.locator("#pop-previous li[data-number='2026-000011']")).to_contain_text(
        ANSWER)
    await expect(page.locator("#pop-open-appeals li")).to_have_count(1)
    await expect(page.locator("#pop-open-appeals")).not_to_contain_text("2026-000011")
    await expect(page.locator("#pop-open-appeals")).to_contain_text("відповіді ще немає")
    folded = page.locator("#pop-unfinished")
    await expect(folded.locator("summary")).to_have_text(
        "Попередні дзвінки без заповненої картки: 7")
    await expect(folded.locator("li").first).to_be_hidden()  # folded until opened
    await expect(page.locator("#pop-number")).to_have_class(re.compile(r"\bbig\b"))
    await expect(page.locator("#form-number")).not_to_have_class(re.compile(r"\bbig\b"))
    await expect(page.locator("#form-number-label")).to_have_text("цей дзвінок")
    await page.screenshot(path=str(tmp_path / "ringing-1366.png"))

    # answered: the announcement stops, the timer runs, the caller's history keeps the focus
    pops.send({"type": "answered", "call_id": "1795907974.0", "seat": "PJSIP/op1001",
               "at": "2026-03-02T08:00:05+00:00"})
    await expect(page.locator("#operator")).not_to_have_class(re.compile(r"\bringing\b"))
    await expect(page).to_have_title(title)
    await expect(page.locator("#pop-timer")).to_contain_text("розмова")
    assert await page.evaluate(
        "document.querySelector('#pop').contains(document.activeElement)")
    assert await page.evaluate("window.scrollY") == 0

    # the category by a keyword, the form, the save, the routing: all in the first screen
    await choose_category(page, "прорвало", "Порив водопроводу, витік води")
    assert await page.input_value("#f-category") == "water_pipe_burst"
    await expect(page.locator("#f-emergency")).to_be_checked()
    await expect(page.locator("#f-street")).to_be_focused()
    await page.fill("#f-street", "вул. Незалежності")
    await page.fill("#f-house", "12а")
    await page.fill("#f-description", "Тече труба в підвалі, заливає")
    await page.keyboard.press("Control+Enter")
    await expect(page.locator("#form-message")).to_contain_text(f"Звернення {number}")
    routing = page.locator("#routing")
    await expect(routing.locator(".contractor")).to_contain_text("Івано-Франківськводоекотехпром")
    call_now = routing.locator("ul.contacts").first
    await expect(call_now.locator("li")).to_have_count(1)  # only the category's: a dispatcher
    await expect(call_now).to_contain_text("0342 000 202")  # as read aloud, not +380342000202
    await expect(routing.locator("details.other-services")).not_to_have_attribute("open", "")
    await expect(routing.locator("details.other-services li").first).to_be_hidden()
    await page.screenshot(path=str(tmp_path / "desk-1366.png"))
    for selector in ("#pop", "#save", "#routing"):
        await within_first_screen(page, selector)
    assert await page.evaluate("window.scrollY") == 0
    if os.environ.get("UPDATE_SCREENSHOTS"):
        await page.screenshot(path=str(ROOT / "docs" / "operator-page.png"))

    # "could not get through" is written to the history like a hand-off
    await call_now.locator("button.not-reached-button").click()
    await expect(call_now).to_contain_text("Записано: не вдалося додзвонитися")
    await call_now.locator("button.handoff").click()
    await expect(call_now).to_contain_text("Передачу записано")
    history = (await desk.rig.app.state.appeals.details(number)).history
    assert [h.action for h in history][-2:] == ["handoff_failed", "handoff"]
    assert "не вдалося додзвонитися" in history[-2].comment


async def test_mute_silences_the_ring_and_is_remembered(browser: BrowserContext,
                                                       desk: LiveWeb, eventually: Any) -> None:
    number = await seed_call(desk, "1795907975.0")
    page, pops = await open_page(browser, desk)
    await page.click("#search-title")
    await page.keyboard.press("Alt+KeyM")  # the shortcut mutes
    await expect(page.locator("#sound-on")).not_to_be_checked()
    pops.send(pop("1795907975.0", number))
    await expect(page.locator("#operator")).to_have_class(re.compile(r"\bringing\b"))
    await page.wait_for_timeout(300)
    assert await tones(page) == 0
    await page.reload()  # remembered
    await expect(page.locator("#sound-on")).not_to_be_checked()
    await page.check("#sound-on")
    pops.send(pop("1795907975.0", number))
    await eventually(lambda: tones(page))


async def test_a_pop_over_another_appeal_says_which_number_is_the_calls(
        browser: BrowserContext, desk: LiveWeb) -> None:
    first = await seed_call(desk, "1795907976.0", caller="+380501112233")
    second = await seed_call(desk, "1795907977.0")
    page, pops = await open_page(browser, desk)
    await load(page, first)
    await expect(page.locator("#form-number")).to_have_class(re.compile(r"\bbig\b"))
    await page.fill("#f-description", "Текст іншого звернення")
    pops.send(pop("1795907977.0", second))
    await expect(page.locator("#pop-number")).to_have_text(second)
    await expect(page.locator("#pop-number")).to_have_class(re.compile(r"\bbig\b"))
    form_number = page.locator("#form-number")
    await expect(form_number).to_have_text(first)
    await expect(form_number).not_to_have_class(re.compile(r"\bbig\b"))
    await expect(page.locator("#form-number-label")).to_have_text(
        "у формі інше звернення, не цього дзвінка")
    assert await page.evaluate("document.querySelectorAll('.appeal-number.big').length") == 1


async def test_the_keyboard_reaches_every_frequent_action(browser: BrowserContext,
                                                         desk: LiveWeb, tmp_path: Path) -> None:
    number = await seed_call(desk, "1795907978.0")
    page, _ = await open_page(browser, desk)
    await load(page, number)
    await page.locator("body").press("Escape")
    await page.locator("#pop-title").click()
    await page.keyboard.press("?")
    dialog = page.locator("#keys")
    await expect(dialog).to_be_visible()
    for keys in ("Ctrl+Enter", "Alt+N", "Alt+F", "Alt+P", "Alt+C", "Alt+M"):
        await expect(dialog).to_contain_text(keys)
    await page.screenshot(path=str(tmp_path / "keys.png"))
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await page.keyboard.press("Alt+KeyF")
    await expect(page.locator("#s-q")).to_be_focused()
    await page.keyboard.press("Alt+KeyD")
    await expect(page.locator("#directory-q")).to_be_focused()
    await page.keyboard.press("Alt+KeyC")
    await expect(page.locator("#f-category-input")).to_be_focused()
    await page.keyboard.press("ArrowDown")  # the whole list, then by arrows
    await expect(page.locator("#category-list")).to_be_visible()
    await page.keyboard.type("ліфт")
    await expect(page.locator("#category-list li[role=option]").first).to_contain_text("ліфт")
    await page.keyboard.press("Escape")
    await expect(page.locator("#category-list")).to_be_hidden()
    await page.keyboard.press("Alt+KeyN")  # a new appeal from this call
    await expect(page.locator("#form-message")).to_contain_text("з того самого дзвінка")
    assert await page.text_content("#form-number") != number


async def test_pause_and_resume_from_the_page_reach_asterisk(database_url: str, tmp_path: Path,
                                                             eventually: Any) -> None:
    async with pop_stack(database_url, tmp_path, eventually=eventually, wrap_up=30) as stack, \
            chromium(tmp_path / "profile") as browser:
        await stack.rig.user("olena", "operator", seat="PJSIP/op1001")
        page = await browser.new_page()
        await page.set_viewport_size(SCREEN)
        await sign_in(page, stack.live)
        await expect(page.locator("#conn-state")).to_have_text("На зв’язку")
        member = stack.pbx.queue.members["pjsip/op1001"]

        await page.click("#pause-toggle")
        badge = page.locator("#pause-state")
        await expect(badge).to_have_text(re.compile(r"^Перерва · 0:0\d$"))
        await eventually(lambda: member.paused)
        await expect(page.locator("#pause-toggle")).to_contain_text("Повернутися до роботи")
        await expect(page.locator("#pause-toggle")).to_be_enabled()  # the API has answered
        await page.keyboard.press("Alt+KeyP")
        await expect(badge).to_be_hidden()
        await eventually(lambda: not member.paused)

        # after a call: the wrap-up with the time left, and a ringing call's timer
        call_id = stack.pbx.start_call("pjsip-landline-answered", ring_seconds=60,
                                       talk_seconds=0.05)
        await expect(page.locator("#pop-state")).to_have_text("Дзвонить")
        await stack.pbx.finish_call(call_id)
        await expect(badge).to_have_text(re.compile(r"^Завершення розмови · ще 0:[23]\d$"))
        await expect(page.locator("#pause-toggle")).to_contain_text("Приймати дзвінки")
        await page.click("#pause-toggle")
        await expect(badge).to_be_hidden()
        await eventually(lambda: not member.paused)


async def test_a_reload_during_a_call_shows_it_talking_without_a_ring(
        browser: BrowserContext, desk: LiveWeb) -> None:
    """The hello after a reload carries the live call and the pause as they are now."""
    number = await seed_call(desk, "1795907979.0")
    page, pops = await open_page(browser, desk)
    await page.click("#search-title")
    current = {**pop("1795907979.0", number), "answered_at": "2026-03-02T08:00:05.000Z"}
    pops.send({"type": "hello", "seat": "PJSIP/op1001", "user": "olena", "paused": True,
               "pause": {"type": "paused", "paused": True, "reason": "manual", "until": None,
                         "at": "2026-03-02T08:00:00.000Z"},
               "current": current})
    await expect(page.locator("#pop-number")).to_have_text(number)
    await expect(page.locator("#pop-state")).to_have_text("Розмова триває")
    await expect(page.locator("#pop-timer")).to_contain_text("розмова")
    await expect(page.locator("#pause-state")).to_contain_text("Перерва · ")
    await expect(page.locator("#operator")).not_to_have_class(re.compile(r"\bringing\b"))
    assert await tones(page) == 0
