"""The database goes away while an operator saves (PostgreSQL behind a real TCP proxy that is
cut): the API answers 503, the page says so and keeps the form, and saving works again when
the database is back."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import expect

from callcenter import main
from callcenter.core import migrate
from callcenter.core.database import Database
from tests.conftest import create_pg_database, drop_pg_database, require_postgres
from tests.integration.appeals.test_operator_page import fill_form, load, seed_call
from tests.integration.browser import FakePops, chromium, sign_in
from tests.integration.core.test_database_outage import TcpProxy
from tests.web_rig import LiveWeb, WebRig, serving, web_config


@pytest.fixture
async def proxied_desk() -> AsyncIterator[tuple[LiveWeb, TcpProxy]]:
    require_postgres()
    name = await create_pg_database()
    proxy = TcpProxy()
    await proxy.restore()
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{proxy.port}/{name}"
    await asyncio.to_thread(migrate.upgrade, url)
    config = web_config(url)
    db = Database(url)
    app = main.build_web(config, db)
    rig = WebRig(app=app, db=db, auth=app.state.auth, config=config)
    try:
        await rig.user("olena", "operator", seat="PJSIP/op1001")
        async with serving(rig) as live:
            yield live, proxy
    finally:
        await db.close()
        with contextlib.suppress(AssertionError):
            await proxy.cut()
        await drop_pg_database(name)


@pytest.mark.postgres
async def test_a_save_while_the_database_is_away(proxied_desk: tuple[LiveWeb, TcpProxy],
                                                 tmp_path: Path) -> None:
    live, proxy = proxied_desk
    number = await seed_call(live, "1795907990.0")
    async with chromium(tmp_path / "profile") as browser:
        page = await browser.new_page()
        await FakePops().attach(page)
        await sign_in(page, live)
        await load(page, number)
        await fill_form(page, description="Під час аварії бази")

        await proxy.cut()
        async with page.expect_response("**/complete") as answer:
            await page.click("#save")
        response = await answer.value
        assert response.status == 503
        assert response.headers["retry-after"] == "60"
        await expect(page.locator("#form-message")).to_contain_text(
            "База даних недоступна. Введене збережено на сторінці")
        await expect(page.locator("#f-description")).to_have_value("Під час аварії бази")

        await proxy.restore()
        await page.click("#save")
        await expect(page.locator("#form-message")).to_contain_text(
            f"Звернення {number} зареєстровано")
    stored = await live.rig.app.state.appeals.details(number)
    assert stored.summary.description == "Під час аварії бази"
