"""Letters through the real SMTP receiver: a letter is an appeal `new` with its sender,
text and attachments and an acknowledgement in the outbox; a reply joins its appeal; a
letter delivered twice is one appeal; machines' mail and letters beyond the limits are
refused or skipped with nothing stored."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest

from callcenter.delivery.senders.email import message_id
from tests.integration.mail_rig import OURS, smtp_receiver


def letter(text: str = "Третій день немає гарячої води в будинку на Грушевського, 5",
           *, subject: str = "Немає гарячої води", sender: str = "Петро <petro@example.org>",
           msgid: str = "<m1@example.org>", **headers: str) -> EmailMessage:
    m = EmailMessage()
    m["From"] = sender
    m["To"] = OURS
    m["Subject"] = subject
    m["Message-ID"] = msgid
    for name, value in headers.items():
        m[name.replace("_", "-")] = value
    m.set_content(text, charset="windows-1251")
    return m


async def send(port: int, message: EmailMessage, **kwargs: object) -> tuple[object, str]:
    return await aiosmtplib.send(message, hostname="127.0.0.1", port=port, **kwargs)  # type: ignore[arg-type]


async def test_a_letter_becomes_an_appeal_waiting_for_an_operator(
        database_url: str, tmp_path: Path) -> None:
    async with smtp_receiver(database_url, tmp_path) as rig:
        m = letter()
        m.add_attachment(b"\xff\xd8\xff" + b"1" * 5000, maintype="image", subtype="jpeg",
                         filename="труба.jpg")
        _, reply = await send(rig.port, m)
        [appeal] = await rig.appeals()
        assert f"appeal {appeal.number}" in reply
        assert (appeal.channel, appeal.status, appeal.category) == ("email", "new", None)
        assert appeal.contact_email == "petro@example.org"
        assert appeal.contact_name == "Петро"
        assert appeal.description.startswith("Немає гарячої води\n\nТретій день")
        assert "petro" in appeal.search_text and "гаряч" in appeal.search_text
        [ack] = await rig.outbox()
        assert (ack.event, ack.recipient) == ("resident.mail_received", "petro@example.org")
        assert await rig.attachment_rows() == 1 and len(rig.stored_files()) == 1

        _, again = await send(rig.port, letter())  # the same Message-ID: one appeal
        assert appeal.number in again
        assert len(await rig.appeals()) == 1 and await rig.letters() == 1

        ours = message_id(ack.idempotency_key, OURS)
        await send(rig.port, letter("Вода з'явилася, але холодна", msgid="<m2@example.org>",
                                    subject="Re: Ваш лист отримано", In_Reply_To=ours))
        await send(rig.port, letter("Ще одне", msgid="<m3@example.org>",
                                    subject=f"Re: звернення {appeal.number}"))
        assert len(await rig.appeals()) == 1
        notes = [h for h in await rig.history(appeal.number) if h.action == "resident_mail"]
        assert [n.comment.split("\n\n")[1] for n in notes] == ["Вода з'явилася, але холодна",
                                                               "Ще одне"]
        assert len(await rig.outbox()) == 1  # replies are not acknowledged


@pytest.mark.parametrize(("headers", "sender"), [
    ({"Auto_Submitted": "auto-replied"}, "petro@example.org"),
    ({"Precedence": "bulk"}, "petro@example.org"),
    ({}, "MAILER-DAEMON@mx.example.org"),
    ({}, OURS),
    ({"X_Callcenter_Loop": "1"}, "petro@example.org"),
])
async def test_machines_mail_is_taken_and_dropped(database_url: str, tmp_path: Path,
                                                  headers: dict[str, str],
                                                  sender: str) -> None:
    async with smtp_receiver(database_url, tmp_path) as rig:
        _, reply = await send(rig.port, letter(sender=sender, **headers))
        assert reply.startswith("2.0.0 Accepted")
        assert await rig.appeals() == [] and await rig.outbox() == []


async def test_limits_are_refused_with_a_reason_and_nothing_stored(
        database_url: str, tmp_path: Path) -> None:
    async with smtp_receiver(database_url, tmp_path, max_message_bytes=1_000_000,
                             max_attachments=1, max_recipients=3) as rig:
        big = letter()
        big.add_attachment(b"\0" * 30_000_000, maintype="application",
                           subtype="octet-stream", filename="big.bin")
        with pytest.raises(aiosmtplib.SMTPResponseException) as too_big:
            await send(rig.port, big, timeout=60)
        assert too_big.value.code == 552
        two = letter()
        for name in ("a.jpg", "b.jpg"):
            two.add_attachment(b"x" * 100, maintype="image", subtype="jpeg", filename=name)
        with pytest.raises(aiosmtplib.SMTPResponseException) as many:
            await send(rig.port, two)
        assert many.value.code == 552 and "attachments" in many.value.message
        with pytest.raises(aiosmtplib.SMTPException) as crowd:
            await send(rig.port, letter(),
                       recipients=[f"r{i}@city.example.org" for i in range(2000)])
        assert "recipients" in str(crowd.value)
        assert await rig.appeals() == [] and await rig.letters() == 0
        assert rig.stored_files() == []


async def test_the_privacy_purge_clears_the_letters(database_url: str, tmp_path: Path) -> None:
    from sqlalchemy import select

    from callcenter.mail.tables import MailLetter
    from callcenter.residents.store.privacy import SqlPrivacyStore

    async with smtp_receiver(database_url, tmp_path) as rig:
        await send(rig.port, letter("Пишу з адреси petro@example.org, тел. 067 123 45 67"))
        [appeal] = await rig.appeals()
        await send(rig.port, letter("Ще: дзвоніть на 0671234567", msgid="<m9@example.org>",
                                    subject=f"Re: {appeal.number}"))
        await SqlPrivacyStore(rig.db, area_code="342").anonymize(
            appeal.id, at=appeal.opened_at, actor="test", reason="resident's request")
        async with rig.db.reading() as session:
            letters = (await session.scalars(select(MailLetter))).all()
        assert [(m.sender, m.sender_name) for m in letters] == [("", "")] * 2
        assert all("petro@" not in m.text and "123 45 67" not in m.text
                   and "0671234567" not in m.text for m in letters)
        notes = [h.comment for h in await rig.history(appeal.number)
                 if h.action == "resident_mail"]
        assert notes and all("petro@" not in n and "0671234567" not in n for n in notes)


async def test_malformed_mail_is_stored_as_text(database_url: str, tmp_path: Path) -> None:
    """Broken MIME (no closing boundary, an unknown charset), raw 8-bit Windows-1251
    headers, no Message-ID and no Date: still one appeal, its text readable."""
    raw = (b"From: " + "Степан".encode("cp1251") + b" <stepan@example.org>\r\n"
           b"To: " + OURS.encode() + b"\r\n"
           b"Subject: " + "Зламана лавка".encode("cp1251") + b"\r\n"
           b"MIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"xx\"\r\n\r\n"
           b"--xx\r\nContent-Type: text/plain; charset=x-nonsense\r\n\r\n"
           b"bench in the park is broken\r\n--xx\r\nContent-Type: application/zip\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n")
    async with smtp_receiver(database_url, tmp_path) as rig:
        await aiosmtplib.send(raw, sender="stepan@example.org", recipients=[OURS],
                              hostname="127.0.0.1", port=rig.port)
        await aiosmtplib.send(raw, sender="stepan@example.org", recipients=[OURS],
                              hostname="127.0.0.1", port=rig.port)  # the same bytes again
        [appeal] = await rig.appeals()
        assert appeal.contact_email == "stepan@example.org"
        assert appeal.contact_name == "Степан"
        assert appeal.description.startswith("Зламана лавка\n\nbench in the park is broken")
        assert await rig.letters() == 1
