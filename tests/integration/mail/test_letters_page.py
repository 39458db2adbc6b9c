"""The operator's page in Chromium: a letter waits under "Letters to complete" with its
sender, subject and attachment; "Open in the form" loads its appeal, which the operator
completes and saves like a call's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, expect

from callcenter.mail.wiring import build_intake
from tests.integration.browser import FakePops, chromium, sign_in
from tests.integration.mail_rig import OURS, mail_config
from tests.web_rig import LiveWeb

pytestmark = pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    async with chromium(tmp_path / "profile") as context:
        yield context


async def test_a_letter_is_opened_from_the_list(live_web: LiveWeb, browser: BrowserContext,
                                                tmp_path: Path) -> None:
    rig = live_web.rig
    await rig.user("olena", "operator", seat="PJSIP/op1001")
    m = EmailMessage()
    m["From"] = "Андрій <andriy@example.org>"
    m["To"] = OURS
    m["Subject"] = "Не горить ліхтар"
    m["Message-ID"] = "<page1@example.org>"
    m.set_content("Біля будинку 7 на вулиці Мазепи не горить ліхтар")
    m.add_attachment(b"\x89PNG....", maintype="image", subtype="png", filename="ліхтар.png")
    intake = build_intake(mail_config(rig.config.database.url, tmp_path), rig.db)
    intake.archive = rig.app.state.mail_letters.archive  # the files where the web app looks
    taken = await intake.take(m.as_bytes())

    page = await browser.new_page()
    await FakePops().attach(page)
    await sign_in(page, live_web)
    item = page.locator("#letters-list li.letter")
    await expect(item).to_have_count(1)
    await expect(item).to_contain_text(taken.number or "?")
    await expect(item).to_contain_text("Андрій <andriy@example.org>")
    await expect(item).to_contain_text("Не горить ліхтар")
    await expect(item.locator(".letter-files a")).to_have_text("ліхтар.png")
    await item.get_by_role("button", name="Відкрити у формі").click()
    await expect(page.locator("#form-number")).to_have_text(taken.number or "?")
    await expect(page.locator("#f-description")).to_have_value(
        "Не горить ліхтар\n\nБіля будинку 7 на вулиці Мазепи не горить ліхтар")
