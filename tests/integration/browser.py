"""Driving the pages in Debian's headless Chromium (Playwright with `executable_path`).

The screen-pop WebSocket (`/ws/operator`, docs/screen-pops.md) is built in parallel; until it
is merged, `FakePops` stands in for its server side through Playwright's WebSocket routing,
sending messages of the documented schema, so the page's own socket code is exercised.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page, WebSocketRoute, async_playwright

from tests.web_rig import PASSWORD, LiveWeb

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CARD_FIELDS = {"call_id", "entered_at", "caller", "caller_name", "line", "trunk", "carrier",
               "appeal", "previous_appeals", "open_appeals", "unfinished_appeals",
               "unfinished_total", "addresses", "outages"}
APPEAL_FIELDS = {"number", "opened_at", "status", "category", "address", "answer"}


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is required under CI (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is not installed")


@asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[BrowserContext]:
    """A fresh browser with a new, empty user-data directory; an uncaught error in a page
    fails the test."""
    require_chromium()
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=ARGS,
            viewport={"width": 1440, "height": 1100}, timezone_id="Europe/Kyiv",
            locale="uk-UA")
        context.set_default_timeout(10_000)
        errors: list[str] = []
        context.on("weberror", lambda error: errors.append(str(error.error)))
        try:
            yield context
        finally:
            await context.close()
        assert not errors, f"uncaught errors in the page: {errors}"


async def sign_in(page: Page, live: LiveWeb, name: str = "olena",
                  path: str = "/operator") -> None:
    """Open a page (the operator's by default); the sign-in form comes first and leads back."""
    await page.goto(live.url + path)
    await page.fill("input[name=username]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await page.wait_for_url("**" + path)


class FakePops:
    """The server side of /ws/operator: records each connection, sends schema messages."""

    def __init__(self, close_codes: list[int] | None = None) -> None:
        self.sockets: list[WebSocketRoute] = []
        self.received: list[Any] = []
        self._close_codes = list(close_codes or [])

    async def attach(self, page: Page) -> None:
        await page.route_web_socket("**/ws/operator", self._accept)

    async def _accept(self, socket: WebSocketRoute) -> None:
        self.sockets.append(socket)
        socket.on_message(lambda message: self.received.append(json.loads(message)))
        if self._close_codes:
            await socket.close(code=self._close_codes.pop(0), reason="test")
            return
        self.send({"type": "hello", "seat": "PJSIP/op1001", "user": "olena", "paused": False,
                   "current": None})

    def send(self, message: dict[str, Any]) -> None:
        check_schema(message)
        self.sockets[-1].send(json.dumps(message, ensure_ascii=False))


def check_schema(message: dict[str, Any]) -> None:
    """The fields docs/screen-pops.md gives each message we send."""
    card = message.get("card")
    if card is None:
        return
    assert set(card) == CARD_FIELDS, set(card) ^ CARD_FIELDS
    for appeal in (*card["previous_appeals"], *card["open_appeals"],
                   *card["unfinished_appeals"]):
        assert set(appeal) == APPEAL_FIELDS, set(appeal) ^ APPEAL_FIELDS


def pop(call_id: str, number: str, *, caller: str = "+380671234567") -> dict[str, Any]:
    card = {
        "call_id": call_id, "entered_at": "2026-03-02T08:00:00+00:00", "caller": caller,
        "caller_name": "Олена Петрів", "line": "mobile", "trunk": "kyivstar",
        "carrier": "Київстар", "appeal": {"number": number, "status": "new"},
        "previous_appeals": [{
            "number": "2025-000321", "opened_at": "2025-12-01T09:00:00+00:00",
            "status": "done", "category": "heating_none", "address": "вул. Галицька, 5, кв. 3",
            "answer": "Подачу тепла відновлено <b>о 15:00</b>"}],
        "open_appeals": [], "unfinished_appeals": [], "unfinished_total": 0,
        "addresses": ["вул. Галицька, 5, кв. 3"], "outages": [],
    }
    return {"type": "pop", "call_id": call_id, "seat": "PJSIP/op1001",
            "rang_at": "2026-03-02T08:00:02+00:00", "card": card}
