"""`callcenter serve` with `[mail] mode = "smtp"`: one process takes the letter, its outbox
worker sends the acknowledgement (to a real SMTP server), and the resident's reply to that
acknowledgement joins the same appeal."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
from conftest import Eventually

from callcenter import main
from callcenter.core.config import AttachmentsConfig, MailConfig
from tests.integration.delivery.test_serve_outbox import config_for, smtp  # noqa: F401
from tests.integration.loopback_servers import SmtpSink, free_port
from tests.integration.mail_rig import MailRig


async def test_serve_takes_mail_and_the_reply_finds_its_appeal(
        database_url: str, tmp_path: Path, smtp: SmtpSink,  # noqa: F811
        eventually: Eventually) -> None:
    port = free_port()
    config = config_for(database_url, tmp_path, smtp, in_serve=True).replace(
        mail=MailConfig(mode="smtp", host="127.0.0.1", port=port,
                        address="1580@1580.example.org"),
        attachments=AttachmentsConfig(dir=str(tmp_path / "attachments")))
    config = config.replace(smtp=dataclasses.replace(
        config.smtp, from_address="Гаряча лінія 1580 <noreply@1580.example.org>"))
    server = main.build_server(config)
    assert server.mail is not None
    task = asyncio.create_task(server.run())
    rig = MailRig(server.listener.db, server.mail.intake, tmp_path / "attachments")
    try:
        first = EmailMessage()
        first["From"] = "Марія <maria@example.org>"
        first["To"] = "1580@1580.example.org"
        first["Subject"] = "Протікає дах"
        first["Message-ID"] = "<serve1@example.org>"
        first.set_content("Після дощу протікає дах на п'ятому поверсі")
        async with asyncio.timeout(30):
            while True:
                with contextlib.suppress(OSError):
                    await aiosmtplib.send(first, hostname="127.0.0.1", port=port)
                    break
                await asyncio.sleep(0.1)
        await eventually(lambda: [m for m in smtp.messages if str(m["To"]) == "maria@example.org"])
        [ack] = [m for m in smtp.messages if str(m["To"]) == "maria@example.org"]
        [appeal] = await rig.appeals()
        assert appeal.number in str(ack["Subject"])
        assert ack["X-Callcenter-Loop"] and ack["Auto-Submitted"] == "auto-replied"

        reply = EmailMessage()
        reply["From"] = "Марія <maria@example.org>"
        reply["To"] = "1580@1580.example.org"
        reply["Subject"] = "Re: лист"  # no number in the subject: In-Reply-To names it
        reply["Message-ID"] = "<serve2@example.org>"
        reply["In-Reply-To"] = str(ack["Message-ID"])
        reply.set_content("Додаю: тече й на сходах")
        await aiosmtplib.send(reply, hostname="127.0.0.1", port=port)
        history = await rig.history(appeal.number)
        assert [h.comment for h in history if h.action == "resident_mail"] == [
            "maria@example.org:\nRe: лист\n\nДодаю: тече й на сходах"]
        assert len(await rig.appeals()) == 1
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await server.stop()
