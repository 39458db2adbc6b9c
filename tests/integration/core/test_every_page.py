"""Every page, as each role sees it, in Ukrainian in real Chromium: no code from the
configuration or the database and no English word outside an allow-list of brand and format
names in the visible text; axe-core finds no serious or critical violation; at 390 px no
contractor or public page scrolls sideways.

Set UPDATE_SCREENSHOTS=1 to refresh docs/<role>-page.png (one per role but the operator's,
which test_operator_page.py writes).
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright, expect
from sqlalchemy import select

from callcenter.appeals.tables import AppealHistory
from callcenter.core.web.labels import STATUSES
from callcenter.users.model import SignInFailed
from tests.integration.browser import ARGS, CHROMIUM, require_chromium
from tests.integration.replay_rig import Eventually
from tests.integration.site_rig import Site, seeded_site
from tests.web_rig import PASSWORD

pytestmark = pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)

DOCS = Path(__file__).parents[3] / "docs"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# Brand, product and format names a Ukrainian page may show as they are.
ALLOWED = {"kyivstar", "vodafone", "lifecell", "mp3", "wav", "xlsx", "csv", "sha-256", "open311",
           "en", "uk", "jpeg", "png", "webp", "zip", "ip", "sms", "ctrl", "enter", "esc", "alt",
           "shift", "tab"}
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-/]*")
# E-mail addresses, web addresses and SHA-256 sums are data, not words.
SKIPPED = re.compile(r"\S+@\S+|https?://\S+|(?<!\w)/[\w/.\-]+|\b[0-9a-f]{32,64}\b")
# An admin's identifiers (sign-in names, contractor codes, a new password), marked on the page
# with data-identifier, are what the admin types, and keys (<kbd>) are the keyboard's: both
# are left out of the text read.
VISIBLE_TEXT = """() => {
  const marked = [...document.querySelectorAll("[data-identifier], kbd")];
  marked.forEach((el) => { el.dataset.wasHidden = el.hidden; el.hidden = true; });
  const text = document.title + "\\n" + document.body.innerText;
  marked.forEach((el) => { el.hidden = el.dataset.wasHidden === "true"; });
  return text;
}"""
ROLE_PAGES = {
    "operator": ["/operator", "/appeals/{done}", "/outages", "/outages/{outage}",
                 "/outages/digests", "/outages/announcement"],
    "supervisor": ["/supervisor", "/supervisor/disputes", "/supervisor/board",
                   "/supervisor/overdue", "/supervisor/outbox",
                   "/supervisor/appeals/{recorded}/recordings", "/appeals/{done}",
                   "/operator", "/outages", "/outages/{outage}", "/outages/digests",
                   "/outages/digests/{digest}", "/outages/announcement"],
    "admin": ["/supervisor", "/admin/contractors", "/admin/users", "/admin/open311",
              "/outages/digests/{digest}"],
    "contractor": ["/contractor", "/contractor/appeals/{taken}", "/contractor/appeals/{done}",
                   "/contractor/appeals/{recorded}"],
}
SIGNED_IN_AS = {"operator": "olena", "supervisor": "iryna", "admin": "admin",
                "contractor": "voda"}
SCREENSHOTS = {"supervisor": "/supervisor/appeals/{recorded}/recordings", "admin": "/admin/users",
               "contractor": "/contractor/appeals/{taken}"}


@pytest.fixture
async def site(database_url: str, tmp_path: Path, eventually: Eventually
               ) -> AsyncIterator[Site]:
    async with seeded_site(database_url, tmp_path, eventually) as made:
        yield made


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    require_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def codes_of(site: Site) -> set[str]:
    """The codes people must never read: categories, statuses, trunks, contractors, history
    actions, seats."""
    config = Path("config")
    categories = tomllib.loads((config / "categories.toml").read_text(encoding="utf-8"))
    contractors = tomllib.loads((config / "contractors.toml").read_text(encoding="utf-8"))
    async with site.rig.db.reading() as session:
        actions = set((await session.scalars(select(AppealHistory.action).distinct())).all())
    return ({c["code"] for c in categories["categories"]}
            | {g["code"] for g in categories["groups"]} | set(STATUSES)
            | {c["code"] for c in contractors["contractors"]} | actions
            | {"landline", "mobile", "kyivstar", "vodafone"} | {"PJSIP/op1001"}) - {""}


def foreign_words(text: str, codes: set[str]) -> list[str]:
    found = []
    for word in LATIN.findall(SKIPPED.sub(" ", text)):
        bare = word.strip(".-/")
        if bare.lower() in ALLOWED and bare not in codes:
            continue
        found.append(bare)
    return found


async def signed_in(browser: Browser, site: Site, name: str, viewport: dict[str, int]) -> Page:
    context = await browser.new_context(viewport=viewport, locale="uk-UA",
                                        timezone_id="Europe/Kyiv")
    page = await context.new_page()
    await page.goto(site.live.url + "/login")
    await page.fill("input[name=username]", name)
    await page.fill("input[name=password]", PASSWORD)
    async with page.expect_navigation():
        await page.click("button[type=submit]")
    return page


async def problems_of(page: Page, codes: set[str], axe: Axe) -> list[str]:
    found = []
    words = foreign_words(await page.evaluate(VISIBLE_TEXT), codes)
    if words:
        found.append(f"codes or English: {sorted(set(words))}")
    results = await axe.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in {"serious", "critical"}:
            targets = [n["target"] for n in violation["nodes"]][:3]
            found.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
    return found


async def overflow(page: Page) -> int:
    sizes: Any = await page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    return int(sizes[0]) - int(sizes[1])


async def walk(browser: Browser, site: Site, codes: set[str]) -> list[str]:
    """Every role's pages at 1366x768: the problems found, one line each."""
    axe = Axe()
    failures = []
    for role, paths in ROLE_PAGES.items():
        page = await signed_in(browser, site, SIGNED_IN_AS[role], DESKTOP)
        for template in paths:
            path = template.format(**site.numbers)
            response = await page.goto(site.live.url + path)
            assert response is not None
            if response.status >= 400:
                failures.append(f"{role} {path}: HTTP {response.status}")
                continue
            await page.wait_for_load_state("networkidle")
            failures.extend(f"{role} {path}: {p}" for p in await problems_of(page, codes, axe))
            if os.environ.get("SHOW_PAGES"):
                await page.screenshot(path=f"{os.environ['SHOW_PAGES']}/{role}"
                                      f"{path.replace('/', '_')}.png", full_page=True)
        await page.context.close()
    return failures


async def phone_widths(browser: Browser, site: Site, codes: set[str]) -> dict[str, int]:
    """How far each contractor and public page scrolls sideways at 390 px (0: not at all)."""
    context = await browser.new_context(viewport=PHONE, locale="uk-UA")
    public = await context.new_page()
    wide = {}
    for path in ("/login", "/portal", "/status", site.numbers["listen"]):
        await public.goto(site.live.url + path)
        wide[path] = await overflow(public)
        assert not await problems_of(public, codes, Axe()), path
    await context.close()
    page = await signed_in(browser, site, "voda", PHONE)
    for template in ROLE_PAGES["contractor"]:
        path = template.format(**site.numbers)
        await page.goto(site.live.url + path)
        wide[path] = await overflow(page)
        if os.environ.get("SHOW_PAGES"):
            await page.screenshot(path=f"{os.environ['SHOW_PAGES']}/phone"
                                  f"{path.replace('/', '_')}.png", full_page=True)
    await page.context.close()
    return wide


async def screenshots(browser: Browser, site: Site, folder: Path) -> None:
    for role, template in SCREENSHOTS.items():
        viewport = PHONE if role == "contractor" else DESKTOP
        page = await signed_in(browser, site, SIGNED_IN_AS[role], viewport)
        await page.goto(site.live.url + template.format(**site.numbers))
        shot = folder / f"{role}-page.png"
        await page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("UPDATE_SCREENSHOTS"):
            shutil.copy(shot, DOCS / f"{role}-page.png")
        await page.context.close()


async def supervisor_context(browser: Browser, site: Site) -> None:
    """Another role's page leads home; the board's figures; queued messages; the dispute
    page's description, operator and history; contractors picked by name."""
    page = await signed_in(browser, site, "iryna", DESKTOP)
    await page.goto(site.live.url + "/operator")
    assert page.url == site.live.url + "/supervisor"
    await page.goto(site.live.url + "/supervisor/board")
    await expect(page.locator("#figure-answered")).to_contain_text("67 %")
    await expect(page.locator("#figure-abandoned")).to_have_text("1")
    await expect(page.locator("#figure-wait")).to_have_text("0:30")
    await page.goto(site.live.url + "/supervisor/outbox")
    await expect(page.locator("#queued")).to_contain_text(site.numbers["heating"])
    await page.goto(f"{site.live.url}/supervisor/appeals/{site.numbers['recorded']}/recordings")
    await expect(page.locator("#appeal-description")).to_contain_text("Третю добу")
    await expect(page.locator("#appeal-operator")).to_have_text("Олена Коваль")
    await expect(page.locator("#appeal-history")).to_contain_text("Відкрито спір")
    picker = page.locator("#open-dispute select[name=contractor] option")
    await expect(picker.filter(has_text="водоекотехпром")).to_have_count(1)
    await page.goto(site.live.url + "/supervisor/overdue")
    await page.locator("form.reassign select[name=contractor]").select_option("teplo")
    await page.fill("form.reassign input[name=reason]", "Водоканал не відповідає")
    async with page.expect_navigation():
        await page.click("form.reassign button[type=submit]")
    await expect(page.locator("#reassigned")).to_contain_text(site.numbers["overdue"])
    await page.context.close()


async def contractor_on_a_phone(browser: Browser, site: Site) -> None:
    """Tap to call, time left, one answer open at a time, a confirmation after answering."""
    page = await signed_in(browser, site, "voda", PHONE)
    await page.goto(site.live.url + "/contractor")
    number = page.locator("#appeals a.appeal-no").first
    assert await number.evaluate("(a) => getComputedStyle(a).whiteSpace") == "nowrap"
    await expect(page.locator(".time-left.overdue")).to_contain_text("прострочено на")
    await page.goto(f"{site.live.url}/contractor/appeals/{site.numbers['taken']}")
    assert (await page.get_attribute("#resident-phone", "href") or "").startswith("tel:+380")
    await expect(page.locator(".time-left")).to_contain_text("залишилось")
    await expect(page.locator("details.answer-choice[open]")).to_have_count(1)
    await expect(page.locator("details.answer-choice").first).to_contain_text("Позначити")
    await page.goto(f"{site.live.url}/contractor/appeals/{site.numbers['recorded']}")
    await page.click("details.answer-choice[open] button.primary")
    await page.wait_for_url("**?saved=take")
    await expect(page.locator("#saved")).to_contain_text("Взято в роботу")
    await page.context.close()


async def admin_manages_users(browser: Browser, site: Site) -> None:
    """Add a user (the password shown once works), refuse a bad seat, disable a user."""
    page = await signed_in(browser, site, "admin", DESKTOP)
    await expect(page.locator("a[href='/admin/contractors']")).to_be_visible()
    await page.click("a[href='/admin/users']")
    form = page.locator("#add-user")
    await form.locator("input[name=display_name]").fill("Тарас Гнатюк")
    await form.locator("input[name=username]").fill("taras")
    await form.locator("select[name=role]").select_option("operator")
    await form.locator("input[name=seat]").fill("PJSIP/op1003")
    async with page.expect_navigation():
        await form.locator("button[type=submit]").click()
    password = await page.locator("#new-password code").inner_text()
    auth = site.rig.web.auth
    assert (await auth.sign_in(username="taras", password=password)).principal.username == "taras"
    seat = page.locator("tr[data-user=olena] form.seat")
    await seat.locator("input[name=seat]").fill("abc")
    async with page.expect_navigation():
        await seat.locator("button").click()
    await expect(page.locator("#users-error")).to_contain_text("PJSIP/op1001")
    async with page.expect_navigation():
        await page.click("tr[data-user=petro] button.disable")
    await expect(page.locator("#users-notice")).to_contain_text("вимкнено")
    with pytest.raises(SignInFailed):
        await auth.sign_in(username="petro", password=PASSWORD)
    await page.context.close()


async def test_every_page_as_each_role(site: Site, browser: Browser, tmp_path: Path) -> None:
    codes = await codes_of(site)
    failures = await walk(browser, site, codes)
    assert not failures, "\n".join(failures)
    wide = await phone_widths(browser, site, codes)
    assert all(extra <= 0 for extra in wide.values()), wide
    await screenshots(browser, site, tmp_path)
    await contractor_on_a_phone(browser, site)
    await supervisor_context(browser, site)
    await admin_manages_users(browser, site)
