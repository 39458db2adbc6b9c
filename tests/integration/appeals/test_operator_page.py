"""The operator's page in real headless Chromium against the real app and database.

docs/operator-page.png comes from test_operator_desk.py (UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, expect

from callcenter.appeals.model.search import SearchRequest
from callcenter.calls.model.facts import CallAnswered, CallEnded, CallEntered
from callcenter.calls.store.calls import SqlCallStore
from tests.integration.browser import FakePops, chromium, pop, sign_in
from tests.web_rig import LiveWeb

ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
# One engine is enough here: the API tests run on SQLite and PostgreSQL.
pytestmark = pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    async with chromium(tmp_path / "profile") as context:
        yield context


@pytest.fixture
async def desk(live_web: LiveWeb) -> LiveWeb:
    await live_web.rig.user("olena", "operator", seat="PJSIP/op1001")
    return live_web


async def seed_call(live: LiveWeb, call_id: str, *, answered: bool = True,
                    caller: str = "+380671234567") -> str:
    """A call as the intake stores it; returns its automatic appeal's number."""
    rig = live.rig
    store = SqlCallStore(rig.db, pbx=rig.config.pbx.name, timezone=rig.config.timezone)
    facts: list[object] = [CallEntered(call_id, T0, "kyivstar", "mobile", "PJSIP/kyivstar-1",
                                       caller, caller, "Олена Петрів", "Київстар")]
    if answered:
        facts.append(CallAnswered(call_id, T0, "PJSIP/op1001"))
    await store.apply(facts)  # type: ignore[arg-type]
    found = await rig.app.state.appeals.search(SearchRequest(phone=caller))
    return str(found.items[0].number)


async def open_page(browser: BrowserContext, live: LiveWeb) -> tuple[Page, FakePops]:
    page = await browser.new_page()
    pops = FakePops()
    await pops.attach(page)
    await sign_in(page, live)
    await expect(page.locator("#conn-state")).to_have_text("На зв’язку")
    return page, pops


async def choose_category(page: Page, words: str, label: str) -> None:
    """The category found by a word of its name or keywords, picked with Enter."""
    await page.fill("#f-category-input", "")
    await page.locator("#f-category-input").press_sequentially(words, delay=15)
    await expect(page.locator("#category-list li[aria-selected=true]")).to_contain_text(label)
    await page.press("#f-category-input", "Enter")
    await expect(page.locator("#f-category-input")).to_have_value(label)


async def fill_form(page: Page, description: str = "Немає холодної води з ранку") -> None:
    await choose_category(page, "нема води", "Відсутнє холодне водопостачання")
    await page.fill("#f-street", "вул. Незалежності")
    await page.fill("#f-house", "12а")
    await page.fill("#f-flat", "5")
    await page.fill("#f-description", description)


async def load(page: Page, number: str) -> None:
    await page.fill("#load-number", number)
    await page.press("#load-number", "Enter")
    await expect(page.locator("#form-number")).to_have_text(number)
    await expect(page.locator("#f-category-input")).to_be_enabled()


async def test_pop_complete_find_and_switch_language(browser: BrowserContext, desk: LiveWeb,
                                                    tmp_path: Path) -> None:
    number = await seed_call(desk, "1795907974.0")
    page, pops = await open_page(browser, desk)
    assert await page.get_attribute("html", "lang") == "uk"
    pops.send(pop("1795907974.0", number))
    await expect(page.locator("#pop-number")).to_have_text(number)
    await expect(page.locator("#pop-caller")).to_have_text("+380671234567")
    await expect(page.locator("#pop-carrier")).to_have_text("Київстар")
    await expect(page.locator("#pop-state")).to_have_text("Дзвонить")
    await expect(page.locator("#pop-previous")).to_contain_text(
        "Подачу тепла відновлено <b>о 15:00</b>")  # shown as text, never as HTML
    await expect(page.locator("#form-number")).to_have_text(number)
    pops.send({"type": "answered", "call_id": "1795907974.0", "seat": "PJSIP/op1001",
               "at": "2026-03-02T08:00:05+00:00"})
    await expect(page.locator("#pop-state")).to_have_text("Розмова триває")
    await expect(page.locator("#pop-history")).to_be_focused()  # a returning caller

    # an address used before fills the address fields
    await page.click("#pop-addresses button")
    await expect(page.locator("#f-street")).to_have_value("вул. Галицька")
    await expect(page.locator("#f-house")).to_have_value("5")
    await expect(page.locator("#f-flat")).to_have_value("3")

    # the category, then a street with a typo picked from the suggestions by keyboard
    await choose_category(page, "нема води", "Відсутнє холодне водопостачання")
    await expect(page.locator("#f-emergency")).to_be_checked()  # the category's default
    await page.fill("#f-street", "")
    await page.locator("#f-street").press_sequentially("незалежносты", delay=20)
    option = page.locator("#street-list li[aria-selected=true]")
    await expect(option).to_contain_text("вул. Незалежності")
    await page.press("#f-street", "Enter")
    await expect(page.locator("#f-street")).to_have_value("вул. Незалежності")
    await expect(page.locator("#f-house")).to_be_focused()
    await page.fill("#f-house", "12а")
    await page.press("#f-house", "Enter")  # moves on, never saves half a form
    await expect(page.locator("#f-flat")).to_be_focused()
    await expect(page.locator("#form-status")).to_have_text("Нове")
    await page.fill("#f-flat", "5")
    await page.fill("#f-description", "<b>Немає</b> холодної води з ранку")
    await page.press("#f-description", "Control+Enter")
    await expect(page.locator("#form-message")).to_contain_text(
        f"Звернення {number} зареєстровано")
    await expect(page.locator("#form-status")).to_have_text("Зареєстровано")
    await expect(page.locator("#f-category-input")).to_be_disabled()
    stored = await desk.rig.app.state.appeals.details(number)
    assert (stored.status, stored.summary.address) == ("registered",
                                                       "вул. Незалежності, 12А, кв. 5")

    # found again, in another case
    await page.fill("#s-q", "НЕЗАЛЕЖНОСТІ")
    await page.press("#s-q", "Enter")
    row = page.locator("#search-results tbody tr")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text(number)
    await expect(row).to_contain_text("Зареєстровано")
    await page.fill("#directory-q", "газ")
    await expect(page.locator("#directory-results")).to_contain_text("104")
    await page.screenshot(path=str(tmp_path / "operator-page.png"), full_page=True)
    assert (tmp_path / "operator-page.png").stat().st_size > 10_000
    async with page.expect_popup() as opened:
        await row.locator("a").click()
    view = await opened.value
    await expect(view.locator("#appeal-number")).to_have_text(number)
    await expect(view.locator("#appeal-description")).to_have_text(
        "<b>Немає</b> холодної води з ранку")
    await expect(view.locator("#appeal-history")).to_contain_text("olena")

    # English on request
    await page.click("a.lang")
    await expect(page.locator("#search-title")).to_have_text("Find an appeal")
    assert await page.get_attribute("html", "lang") == "en"


async def test_a_failed_save_keeps_everything_typed(browser: BrowserContext,
                                                    desk: LiveWeb) -> None:
    number = await seed_call(desk, "1795907975.0", answered=False)
    page, _ = await open_page(browser, desk)
    await load(page, number)
    await fill_form(page, description="")

    # 422: the problem is shown next to the field, in Ukrainian
    await page.click("#save")
    await expect(page.locator(".field-error[data-field=description]")).to_have_text(
        "Це поле обов’язкове.")
    await expect(page.locator("#f-description")).to_be_focused()
    await page.fill("#f-description", "Тече труба в підвалі")

    # the network fails
    await page.route("**/api/appeals/*/complete", lambda route: route.abort())
    await page.click("#save")
    await expect(page.locator("#form-message")).to_contain_text("Сервер недоступний")
    await page.unroute("**/api/appeals/*/complete")

    # the call ended unanswered meanwhile: the appeal changed (missed), the save gets 409
    rig = desk.rig
    await SqlCallStore(rig.db, pbx="pbx1", timezone=rig.config.timezone).apply(
        [CallEnded("1795907975.0", T0, "abandoned", 16, "")])
    await page.click("#save")
    message = page.locator("#form-message")
    await expect(message).to_contain_text("Хтось інший змінив це звернення")
    await expect(message).to_contain_text("Статус звернення зараз: Пропущений дзвінок.")
    for selector, value in (("#f-street", "вул. Незалежності"), ("#f-house", "12а"),
                            ("#f-flat", "5"), ("#f-description", "Тече труба в підвалі")):
        await expect(page.locator(selector)).to_have_value(value)
    await page.click("#save")  # having read the message, the operator saves again
    await expect(message).to_contain_text(f"Звернення {number} зареєстровано")


async def test_a_stale_page_and_an_ended_session_keep_the_draft(browser: BrowserContext,
                                                                desk: LiveWeb) -> None:
    number = await seed_call(desk, "1795907976.0")
    page, _ = await open_page(browser, desk)
    await load(page, number)
    await fill_form(page, description="Перший текст")

    # a stale CSRF token: reload (the form comes back from the draft), then save
    await page.evaluate("document.querySelector('meta[name=csrf-token]').content = 'stale'")
    await page.click("#save")
    await expect(page.locator("#form-message")).to_contain_text("Сторінка застаріла")
    await page.click("#form-message button")
    await expect(page.locator("#form-message")).to_contain_text(
        f"Відновлено незбережену форму звернення {number}")
    await expect(page.locator("#f-description")).to_have_value("Перший текст")
    await expect(page.locator("#f-house")).to_have_value("12а")

    # the session ends (revoked): sign in again, the draft is still there
    await desk.rig.auth.revoke_all("olena")
    await page.fill("#f-description", "Другий текст")
    await page.click("#save")
    await expect(page.locator("#form-message")).to_contain_text("Ваш сеанс завершився")
    await page.click("#form-message a")
    await page.fill("input[name=username]", "olena")
    await page.fill("input[name=password]", "correct horse battery")
    await page.click("#login-form button[type=submit]")
    await page.wait_for_url("**/operator")
    await expect(page.locator("#f-description")).to_have_value("Другий текст")
    await page.click("#save")
    await expect(page.locator("#form-message")).to_contain_text(
        f"Звернення {number} зареєстровано")
    stored = await desk.rig.app.state.appeals.details(number)
    assert stored.summary.description == "Другий текст"


async def test_another_appeal_from_the_same_call(browser: BrowserContext,
                                                 desk: LiveWeb) -> None:
    number = await seed_call(desk, "1795907977.0")
    page, pops = await open_page(browser, desk)
    pops.send(pop("1795907977.0", number))
    await expect(page.locator("#form-number")).to_have_text(number)
    await fill_form(page)
    await page.click("#add-another")  # the first one is not saved yet
    await expect(page.locator("#form-message")).to_contain_text("Спершу збережіть")
    await page.click("#save")
    await expect(page.locator("#form-message")).to_contain_text("зареєстровано")
    await page.click("#add-another")
    await expect(page.locator("#form-message")).to_contain_text("додано з того самого дзвінка")
    second = await page.locator("#form-number").text_content()
    assert second and second != number
    await expect(page.locator("#f-street")).to_have_value("вулиця Незалежності")  # kept
    await expect(page.locator("#f-description")).to_have_value("")
    await page.check("#f-consultation")
    await page.click("#save")
    await expect(page.locator("#form-message")).to_contain_text(
        f"Збережено як консультацію: звернення {second} закрито.")
    await expect(page.locator("#call-appeals")).to_contain_text(number)


async def test_a_pop_never_overwrites_unsaved_text(browser: BrowserContext,
                                                   desk: LiveWeb) -> None:
    first = await seed_call(desk, "1795907978.0")
    second = await seed_call(desk, "1795907979.0", caller="+380501112233")
    page, pops = await open_page(browser, desk)
    await load(page, first)
    await fill_form(page)
    pops.send(pop("1795907979.0", second, caller="+380501112233"))
    await expect(page.locator("#pop-number")).to_have_text(second)
    await expect(page.locator("#form-number")).to_have_text(first)
    await expect(page.locator("#pop-open")).to_be_visible()
    await expect(page.locator("#f-description")).to_have_value("Немає холодної води з ранку")
    pops.send({"type": "taken", "call_id": "1795907979.0", "by_seat": "PJSIP/op1002",
               "at": "2026-03-02T08:00:06+00:00"})
    await expect(page.locator("#pop-state")).to_have_text(
        "Дзвінок прийняв інший оператор")  # no seat on the page
    pops.send({"type": "ended", "call_id": "1795907979.0", "outcome": "abandoned",
               "at": "2026-03-02T08:00:09+00:00"})
    await expect(page.locator("#pop-state")).to_have_text(
        "Дзвінок завершено: Абонент не дочекався")


async def test_the_socket_comes_back_and_says_when_it_cannot(browser: BrowserContext,
                                                             desk: LiveWeb) -> None:
    page = await browser.new_page()
    pops = FakePops(close_codes=[1011])  # the first connection drops, the next one holds
    await pops.attach(page)
    await sign_in(page, desk)
    banner = page.locator("#banner")
    await expect(banner).to_contain_text("Немає зв’язку з сервером")
    await expect(page.locator("#conn-state")).to_have_text("Немає зв’язку")
    await expect(page.locator("#conn-state")).to_have_text("На зв’язку", timeout=15_000)
    await expect(banner).to_be_hidden()
    assert len(pops.sockets) == 2

    refused = await browser.new_page()
    no_seat = FakePops(close_codes=[4409])
    await no_seat.attach(refused)
    await refused.goto(desk.url + "/operator")
    await expect(refused.locator("#banner")).to_contain_text("виберіть робоче місце")
    await expect(refused.locator("#conn-state")).to_have_text("Немає зв’язку")
    assert len(no_seat.sockets) == 1  # no retrying a refusal


async def test_the_directory_and_search_problems(browser: BrowserContext,
                                                 desk: LiveWeb) -> None:
    page, _ = await open_page(browser, desk)
    await page.fill("#directory-q", "газ аварійна")
    await expect(page.locator("#directory-results")).to_contain_text("104")
    await page.fill("#search-form input[name=phone]", "12")
    await page.press("#search-form input[name=phone]", "Enter")
    await expect(page.locator("#search-summary")).to_contain_text("Це не номер телефону.")
