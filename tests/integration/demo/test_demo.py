"""`callcenter demo` as a newcomer meets it (issue 13): one process, the configured database,
and within a minute a signed-in operator's browser gets a pop while the day's calls are routed,
delivered by mail and webhook, recorded and answered by the demo contractors."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from tests.integration.browser import chromium
from tests.integration.core.test_cli import callcenter, process_env
from tests.integration.loopback_servers import free_port

ROOT = Path(__file__).resolve().parents[3]
PASSWORD_LINE = re.compile(r"^\s+(\S+)\s+(\S{12})\s+(http://\S+)$", re.MULTILINE)


class RunningDemo:
    def __init__(self, process: asyncio.subprocess.Process, cwd: Path, port: int) -> None:
        self.process, self.cwd, self.port = process, cwd, port
        self.url = f"http://127.0.0.1:{port}"
        self.banner = ""

    async def read_banner(self) -> dict[str, str]:
        assert self.process.stdout is not None
        while "Ctrl-C stops it." not in self.banner:
            line = await asyncio.wait_for(self.process.stdout.readline(), 60)
            assert line, "the demo ended before printing its guide"
            self.banner += line.decode()
        return {name: password for name, password, _ in PASSWORD_LINE.findall(self.banner)}

    def query(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.cwd / "var" / "callcenter.db") as db:
            return db.execute(sql).fetchall()


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[RunningDemo]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "callcenter", "demo", "--port", str(port), "--interval", "0.7",
        "--speed", "400", "--seed", "7", cwd=tmp_path, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=process_env({"CALLCENTER_LOG__FORMAT": "json"}))
    running = RunningDemo(process, tmp_path, port)
    try:
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


async def until(check: object, timeout: float = 90.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():  # type: ignore[operator]
            await asyncio.sleep(0.5)


async def test_the_demo_shows_the_whole_hotline(demo: RunningDemo, tmp_path: Path) -> None:
    passwords = await demo.read_banner()
    assert {"operator", "supervisor", "admin"} <= set(passwords), demo.banner
    async with chromium(tmp_path / "profile") as browser:
        page = await browser.new_page()
        await page.goto(demo.url + "/operator")
        await page.fill("input[name=username]", "operator")
        await page.fill("input[name=password]", passwords["operator"])
        await page.click("#login-form button[type=submit]")
        await page.wait_for_url("**/operator")
        # a call rings the demo operator's seat within the first minute
        await expect(page.locator("#pop-number")).to_have_text(
            re.compile(r"^\d{4}-\d{6}$"), timeout=60_000)
        await expect(page.locator("#pop-caller")).not_to_be_empty()
        if os.environ.get("UPDATE_SCREENSHOTS"):
            await page.set_viewport_size({"width": 1366, "height": 768})
            await page.screenshot(path=str(ROOT / "docs" / "demo-operator.png"))

    delivered = ("select c.trunk from appeals a join calls c on c.id = a.call_id "
                 "where a.delivery = 'delivered'")
    await until(lambda: {t for (t,) in demo.query(delivered)} >= {"landline", "kyivstar",
                                                                   "vodafone"})
    await until(lambda: demo.query("select count(*) from appeals where status in "
                                   "('in_work', 'done', 'clarification', 'redirected')")[0][0])
    await until(lambda: demo.query("select count(*) from recordings where state = 'stored'")[0][0])
    async with httpx.AsyncClient(base_url=demo.url) as client:
        async with asyncio.timeout(60):
            while 'id="demo-sms"' not in (page_text := (await client.get("/demo")).text):
                await asyncio.sleep(0.5)  # mobile callers get their SMS through the outbox
    assert 'id="demo-letters"' in page_text and 'id="demo-hooks"' in page_text
    assert ">недійсний<" not in page_text  # every webhook's signature checks out

    # demo residents write on the portal: routed like a call's appeal, their status public
    portal = "select number, contact_email from appeals where channel = 'web' and contractor_id " \
             "is not null"
    await until(lambda: demo.query(portal))
    number, email = demo.query(portal)[0]
    async with httpx.AsyncClient(base_url=demo.url) as client:
        status = await client.post("/api/public/status", json={"number": number, "key": email})
    assert status.status_code == 200, status.text

    # demo residents write e-mails to the demo's SMTP receiver: appeals waiting for an operator
    letters = ("select a.number from appeals a join mail_letters m on m.appeal_id = a.id "
               "where a.channel = 'email' and a.contact_email like '%@demo.example.com'")
    await until(lambda: demo.query(letters))

    stored = demo.query("select stored_path from recordings where state = 'stored' limit 1")
    audio = next((tmp_path / "recordings").rglob(Path(str(stored[0][0])).name))
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration",
                            "-of", "csv=p=0", str(audio)], capture_output=True, text=True,
                           check=True)
    assert float(probe.stdout) > 1.0

    demo.process.send_signal(signal.SIGINT)
    assert await asyncio.wait_for(demo.process.wait(), 30) == 0
    listing = callcenter("appeals", "list", "--json", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert {row["trunk"] for row in json.loads(listing.stdout)} >= {"landline", "kyivstar",
                                                                    "vodafone"}


def test_the_demo_keeps_out_of_a_database_it_did_not_fill(tmp_path: Path) -> None:
    assert callcenter("db", "upgrade", cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "var" / "callcenter.db") as db:
        db.execute("insert into appeals (number, year, sequence, channel, status, opened_at, "
                   "updated_at) values ('2026-000001', 2026, 1, 'web', 'registered', "
                   "'2026-12-01 10:00:00', '2026-12-01 10:00:00')")
    refused = callcenter("demo", "--port", str(free_port()), "--calls", "1", cwd=tmp_path)
    assert refused.returncode == 1
    assert "holds 1 appeals the demo did not make" in refused.stderr
    assert "--database" in refused.stderr


def test_a_database_never_migrated_names_the_command(tmp_path: Path) -> None:
    missing = callcenter("appeals", "list", cwd=tmp_path)
    assert missing.returncode == 1
    assert "no database at var/callcenter.db" in missing.stderr
    assert not (tmp_path / "var" / "callcenter.db").exists()  # asking did not create it
    (tmp_path / "var").mkdir()
    sqlite3.connect(tmp_path / "var" / "callcenter.db").execute("create table notes (x)")
    empty = callcenter("appeals", "list", cwd=tmp_path)
    assert empty.returncode == 1
    assert "never migrated" in empty.stderr and "callcenter db upgrade" in empty.stderr
    assert "unavailable" not in empty.stderr
