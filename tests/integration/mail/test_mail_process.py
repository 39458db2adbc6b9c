"""`callcenter mail` as a process: it migrates, listens where `[mail]` says, turns a letter
sent over SMTP into an appeal `new`, and stops cleanly on SIGTERM; with `mode = "off"` it
refuses to start and says which key to set."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from tests.integration.core.test_cli import callcenter, process_env
from tests.integration.loopback_servers import free_port


async def test_the_mail_process_takes_letters(tmp_path: Path) -> None:
    port = free_port()
    env = process_env({"CALLCENTER_MAIL__MODE": "smtp", "CALLCENTER_MAIL__PORT": str(port),
                       "CALLCENTER_MAIL__ADDRESS": "1580@city.example.org",
                       "CALLCENTER_ATTACHMENTS__DIR": str(tmp_path / "attachments")})
    with (tmp_path / "mail.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "callcenter", "mail", cwd=tmp_path, env=env, stdout=log,
            stderr=log)
    try:
        m = EmailMessage()
        m["From"] = "Галина <halyna@example.org>"
        m["To"] = "1580@city.example.org"
        m["Subject"] = "Не вивозять сміття"
        m["Message-ID"] = "<proc1@example.org>"
        m.set_content("Тиждень не вивозять сміття з вулиці Мазепи", charset="koi8-u")
        async with asyncio.timeout(60):
            while True:
                try:
                    _, reply = await aiosmtplib.send(m, hostname="127.0.0.1", port=port)
                    break
                except (OSError, aiosmtplib.SMTPConnectError):
                    await asyncio.sleep(0.2)
        assert "Accepted: appeal" in reply
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 30)
    assert code == 0, (tmp_path / "mail.log").read_text()
    with sqlite3.connect(tmp_path / "var" / "callcenter.db") as db:
        rows = db.execute("select channel, status, contact_email from appeals").fetchall()
    assert rows == [("email", "new", "halyna@example.org")]


def test_mail_off_refuses_to_start(tmp_path: Path) -> None:
    result = callcenter("mail", cwd=tmp_path, env={"CALLCENTER_MAIL__MODE": "off"})
    assert result.returncode == 2
    assert "CALLCENTER_MAIL__MODE" in result.stderr
    assert not (tmp_path / "var").exists()  # refused before touching the database
