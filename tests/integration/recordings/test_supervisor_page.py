"""The supervisor's recordings page in Debian's headless Chromium: sign in, give the reason,
play a real stored MP3, seek to the middle (the server answers the player's Range requests
with 206), see the replay in the audit table; an operator gets 403 on the same URLs."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.integration.replay_rig import Eventually, Stored, SupervisionRig, make_supervision
from tests.integration.routing_web import import_sample_contractors
from tests.web_rig import PASSWORD, LiveWeb, serving

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required"]
REASON = "Спір з водоканалом: чи назвав мешканець підвал"


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is required under CI (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is not installed")


@dataclass
class Seen:
    """What the server answered to requests for audio (path, Range header, status)."""

    answers: list[tuple[str, str | None, int]] = field(default_factory=list)


class AudioSpy:
    """ASGI middleware: notes each audio request's Range header and the status sent back."""

    def __init__(self, app: ASGIApp, seen: Seen) -> None:
        self.app = app
        self.seen = seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].endswith("/audio"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        asked = headers.get(b"range")

        async def noting(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.seen.answers.append((scope["path"], asked.decode() if asked else None,
                                          message["status"]))
            await send(message)

        await self.app(scope, receive, noting)


@pytest.fixture
async def rig(database_url: str, tmp_path: Path) -> AsyncIterator[SupervisionRig]:
    made = await make_supervision(database_url, tmp_path)
    try:
        yield made
    finally:
        await made.db.close()


async def sign_in(page: Any, live: LiveWeb, name: str, target: str) -> Any:
    await page.goto(f"{live.url}/login?next={target}")
    await page.fill("input[name=username]", name)
    await page.fill("input[name=password]", PASSWORD)
    async with page.expect_navigation():
        await page.click("button[type=submit]")
    return page


PLAYING = """(min) => { const a = document.querySelector('article.recording audio');
  return a && !a.paused && a.currentTime > min; }"""
STATE = """() => { const a = document.querySelector('article.recording audio');
  return {time: a.currentTime, duration: a.duration, paused: a.paused, src: a.src,
          seekable: a.seekable.length ? [a.seekable.start(0), a.seekable.end(0)] : null}; }"""


async def test_a_supervisor_replays_and_seeks_in_chromium(rig: SupervisionRig,
                                                          eventually: Eventually,
                                                          tmp_path: Path) -> None:
    require_chromium()
    from playwright.async_api import async_playwright

    stored: Stored = await rig.stored(eventually, seconds=12.0)
    seen = Seen()
    rig.web.app.add_middleware(AudioSpy, seen=seen)
    await rig.web.user("svitlana", "supervisor")
    await rig.web.user("olena", "operator", seat="PJSIP/op1001")
    page_url = f"/supervisor/appeals/{stored.number}/recordings"
    async with serving(rig.web) as live, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await sign_in(await browser.new_page(), live, "svitlana", page_url)
            assert page.url == live.url + page_url
            assert await page.locator("h2", has_text="Записи розмов").count() == 1
            await page.fill("article.recording input[name=reason]", REASON)
            await page.click("article.recording button.play")
            await page.wait_for_function(PLAYING, arg=0.3, timeout=20_000)
            state = await page.evaluate(STATE)
            assert abs(state["duration"] - 12.0) < 0.5, state
            assert state["seekable"][0] == 0 and state["seekable"][1] >= state["duration"] - 0.1
            middle = state["duration"] / 2
            await page.evaluate(f"document.querySelector('article.recording audio')"
                                f".currentTime = {middle}")
            await page.wait_for_function(PLAYING, arg=middle + 0.5, timeout=20_000)
            after = await page.evaluate(STATE)
            assert middle + 0.5 < after["time"] < middle + 5.0, after
            await page.wait_for_selector(f"table.audit td:has-text('{REASON}')")
            row = await page.inner_text("table.audit tbody tr")
            assert "svitlana" in row and "плеєр супервізора" in row
            await page.screenshot(path=str(tmp_path / "supervisor-page.png"), full_page=True)
            audio_url = after["src"]

            operator = await sign_in(await browser.new_page(), live, "olena", "/operator")
            await operator.goto(live.url + page_url)  # another role's page: home instead
            assert operator.url == live.url + "/operator"
            for url in (audio_url, f"{live.url}/api/recordings/{stored.recording_id}/audit"):
                response = await operator.goto(url)
                assert response is not None and response.status == 403, url
        finally:
            await browser.close()
    answered = [status for path, asked, status in seen.answers
                if asked is not None and path.endswith(f"{stored.recording_id}/audio")]
    assert 206 in answered, seen.answers
    assert 403 in [status for _, _, status in seen.answers]  # the operator's try


async def test_a_dispute_and_a_contractor_link_through_the_page(rig: SupervisionRig,
                                                                eventually: Eventually) -> None:
    require_chromium()
    from playwright.async_api import async_playwright

    stored: Stored = await rig.stored(eventually, seconds=4.0)
    await import_sample_contractors(rig.web)
    await rig.web.user("svitlana", "supervisor")
    page_url = f"/supervisor/appeals/{stored.number}/recordings"
    async with serving(rig.web) as live, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await sign_in(await browser.new_page(), live, "svitlana", page_url)
            page.on("dialog", lambda dialog: dialog.accept())
            await page.select_option("#open-dispute select[name=contractor]", "vodokanal")
            await page.fill("#open-dispute textarea[name=claim]", "Кажуть, про підвал не чули")
            async with page.expect_navigation():
                await page.click("#open-dispute button[type=submit]")
            assert await page.locator("span.badge.hold").count() == 1  # legal hold shown
            await page.fill("article.dispute textarea[name=text]", "Підвал названо на 0:02")
            async with page.expect_navigation():
                await page.click("article.dispute form.note-form button")
            assert "Підвал названо на 0:02" in await page.inner_text("ul.notes")
            await page.click("#give-link button[type=submit]")
            await page.wait_for_selector("#link-result:not([hidden])")
            link = await page.input_value("#link-url")
            assert link.startswith(live.url + "/listen/")

            contractor = await browser.new_page()  # no session at all
            await contractor.goto(link)
            assert await contractor.locator("h1", has_text=stored.number).count() == 1
            await contractor.click("article.recording button.listen")
            await contractor.wait_for_function(PLAYING, arg=0.3, timeout=20_000)

            await page.reload()
            assert "посилання виконавця" in await page.inner_text("table.audit")
            async with page.expect_navigation():
                await page.click("#links button.revoke")
            gone = await contractor.goto(link)
            assert gone is not None and gone.status == 410
            assert "відкликано" in await contractor.inner_text("#listen-gone")

            # decided, then the hold released with a reason
            assert await page.locator("#release-hold button").count() == 0  # dispute open
            await page.fill("article.dispute textarea[name=decision]", "Претензію визнано")
            async with page.expect_navigation():
                await page.click("article.dispute form.close-form button")
            await page.fill("#release-hold textarea[name=reason]", "Рішення виконано")
            async with page.expect_navigation():
                await page.click("#release-hold button[type=submit]")
            assert await page.locator("span.badge.hold").count() == 0
            assert await page.locator("#release-hold").count() == 0
        finally:
            await browser.close()
