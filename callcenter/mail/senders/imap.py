"""The IMAP poller (imaplib in a thread): every `poll_seconds` it logs in, reads the unseen
letters of the folder without marking them (`BODY.PEEK`), hands each to the intake and flags
it seen only once the intake has stored it (or skipped or refused it). A letter the database
could not take stays unseen and is read again next time; taken twice, it is still one appeal
(the intake knows its Message-ID). Letters are never deleted."""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import re
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog

from callcenter.mail.model import LetterRefused
from callcenter.mail.service import Taken

log = structlog.get_logger("callcenter.mail")
Take = Callable[..., Awaitable[Taken]]
Refuse = Callable[[bytes, LetterRefused], Awaitable[None]]
_SIZE = re.compile(r"RFC822\.SIZE (\d+)")


@dataclass(frozen=True, slots=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    tls: bool = True
    max_message_bytes: int = 10_000_000
    timeout: float = 30.0


class ImapPoller:
    def __init__(self, settings: ImapSettings, take: Take, *, refuse: Refuse | None = None,
                 interval: float = 30.0) -> None:
        self.settings = settings
        self.take = take
        self.refuse = refuse
        self.interval = interval

    async def run(self) -> None:
        log.info("mail_listening", mode="imap", host=self.settings.host,
                 folder=self.settings.folder)
        while True:
            try:
                await self.poll()
            except (OSError, imaplib.IMAP4.error) as exc:
                log.warning("mail_poll_failed", error=str(exc) or type(exc).__name__)
            await asyncio.sleep(self.interval)

    async def poll(self) -> int:
        """Read the unseen letters once; how many were taken (stored, skipped or refused)."""
        client = await asyncio.to_thread(self._connect)
        try:
            done = 0
            for uid, size in await asyncio.to_thread(self._unseen, client):
                if await self._one(client, uid, size):
                    await asyncio.to_thread(self._seen, client, uid)
                    done += 1
            return done
        finally:
            await asyncio.to_thread(_logout, client)

    async def _one(self, client: imaplib.IMAP4, uid: str, size: int) -> bool:
        """True when the letter is done with (flag it seen)."""
        if size > self.settings.max_message_bytes:  # refused without reading it all
            raw = await asyncio.to_thread(self._fetch, client, uid, "BODY.PEEK[HEADER]")
            refused = LetterRefused(f"the message is larger than "
                                    f"{self.settings.max_message_bytes} bytes", code=552,
                                    why="too_large")
            log.warning("mail_refused", reason=refused.reason, size=size, source="imap")
            return await self._refused(raw, refused)
        raw = await asyncio.to_thread(self._fetch, client, uid, "BODY.PEEK[]")
        try:
            await self.take(raw, source="imap")
        except LetterRefused as exc:
            return await self._refused(raw, exc)
        except Exception:
            log.exception("mail_intake_failed", source="imap")
            return False
        return True

    async def _refused(self, raw: bytes, refused: LetterRefused) -> bool:
        if self.refuse is None:
            return True
        try:
            await self.refuse(raw, refused)
        except Exception:
            log.exception("mail_refusal_failed", source="imap")
            return False
        return True

    def _connect(self) -> imaplib.IMAP4:
        s = self.settings
        client: imaplib.IMAP4
        if s.tls:
            client = imaplib.IMAP4_SSL(s.host, s.port, ssl_context=ssl.create_default_context(),
                                       timeout=s.timeout)
        else:
            client = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
        client.login(s.user, s.password)
        status, _ = client.select(_quoted(s.folder))
        if status != "OK":
            client.logout()
            raise imaplib.IMAP4.error(f"cannot open the folder {s.folder!r}")
        return client

    def _unseen(self, client: imaplib.IMAP4) -> list[tuple[str, int]]:
        status, data = client.uid("SEARCH", "UNSEEN")
        uids = data[0].decode().split() if status == "OK" and data and data[0] else []
        found = []
        for uid in uids:
            status, answer = client.uid("FETCH", uid, "(RFC822.SIZE)")
            size = _size(answer) if status == "OK" else None
            if size is not None:
                found.append((uid, size))
        return found

    def _fetch(self, client: imaplib.IMAP4, uid: str, part: str) -> bytes:
        status, data = client.uid("FETCH", uid, f"({part})")
        for item in data if status == "OK" else []:
            if isinstance(item, tuple) and len(item) == 2:
                return bytes(item[1])
        raise imaplib.IMAP4.error(f"cannot read letter {uid!r}")

    def _seen(self, client: imaplib.IMAP4, uid: str) -> None:
        client.uid("STORE", uid, "+FLAGS", "(\\Seen)")


def _size(answer: list[object]) -> int | None:
    for item in answer:
        text = item.decode("ascii", "replace") if isinstance(item, bytes) else ""
        found = _SIZE.search(text)
        if found:
            return int(found.group(1))
    return None


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _logout(client: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        client.logout()
