"""The IMAP poller against a real Dovecot: unseen letters become appeals, each once, and are
flagged seen; a letter beyond the limits gets a refusal answer through the outbox and no
appeal; a second poll finds nothing new."""

from __future__ import annotations

import imaplib
from email.message import EmailMessage
from pathlib import Path

from callcenter.mail.senders.imap import ImapPoller, ImapSettings
from tests.integration.dovecot import PASSWORD, USER, dovecot
from tests.integration.mail_rig import OURS, mail_intake


def letter(n: int, text: str = "Не горить ліхтар біля будинку") -> bytes:
    m = EmailMessage()
    m["From"] = f"Мешканець {n} <r{n}@example.org>"
    m["To"] = OURS
    m["Subject"] = f"Ліхтар {n}"
    m["Message-ID"] = f"<imap{n}@example.org>"
    m.set_content(text, charset="koi8-u")
    return m.as_bytes()


def unseen(port: int) -> int:
    client = imaplib.IMAP4("127.0.0.1", port)
    try:
        client.login(USER, PASSWORD)
        client.select("INBOX")
        _, data = client.uid("SEARCH", "UNSEEN")
        return len(data[0].split())
    finally:
        client.logout()


async def test_unseen_letters_become_appeals_once(database_url: str, tmp_path: Path) -> None:
    with dovecot() as server:
        for n in range(3):
            server.deliver(letter(n), f"{n}.test")
        server.deliver(letter(9, "я" * 600_000), "9.test")  # over the limit below
        async with mail_intake(database_url, tmp_path, mode="imap",
                               max_message_bytes=500_000) as rig:
            settings = ImapSettings(host="127.0.0.1", port=server.port, user=USER,
                                    password=PASSWORD, tls=False, max_message_bytes=500_000)
            poller = ImapPoller(settings, rig.intake.take, refuse=rig.intake.answer_refusal,
                                interval=0.1)
            assert await poller.poll() == 4
            appeals = await rig.appeals()
            assert sorted(a.contact_email for a in appeals) == [
                "r0@example.org", "r1@example.org", "r2@example.org"]
            assert {a.status for a in appeals} == {"new"}
            assert appeals[0].description == "Ліхтар 0\n\nНе горить ліхтар біля будинку"
            assert unseen(server.port) == 0
            events = sorted((m.event, m.recipient) for m in await rig.outbox())
            assert events == [("resident.mail_received", f"r{n}@example.org") for n in range(3)
                              ] + [("resident.mail_refused", "r9@example.org")]

            server.deliver(letter(1), "1-again.test")  # the same letter delivered twice
            assert await poller.poll() == 1
            assert len(await rig.appeals()) == 3
            assert await poller.poll() == 0
