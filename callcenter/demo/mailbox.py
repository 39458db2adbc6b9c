"""What the demo's contractors were sent, caught and kept in memory: a real SMTP server
(aiosmtpd) the outbox mails to, and a webhook receiver (a route of the demo's web app) that
checks each signature as a contractor's system would. `/demo` shows both."""

from __future__ import annotations

import hmac
import json
import re
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from itertools import count
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from callcenter.delivery.senders.webhook import signature

KEEP = 500  # letters and webhooks kept (the oldest go first)
URL = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True)
class Letter:
    id: int
    at: datetime
    sender: str
    recipients: tuple[str, ...]
    subject: str
    text: str

    @property
    def links(self) -> list[str]:
        return URL.findall(self.text)


@dataclass(frozen=True)
class Hook:
    id: int
    at: datetime
    contractor: str
    signed: bool  # the signature checks out with the demo's secret
    event: str
    appeal: str
    body: str


@dataclass(frozen=True)
class Sms:
    id: int
    at: datetime
    recipients: tuple[str, ...]
    text: str


@dataclass
class Mailbox:
    letters: deque[Letter] = field(default_factory=lambda: deque(maxlen=KEEP))
    hooks: deque[Hook] = field(default_factory=lambda: deque(maxlen=KEEP))
    sms: deque[Sms] = field(default_factory=lambda: deque(maxlen=KEEP))
    _ids: Any = field(default_factory=lambda: count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take_letter(self, sender: str, recipients: list[str], data: bytes) -> Letter:
        message = BytesParser(policy=policy.default).parsebytes(data)
        assert isinstance(message, EmailMessage)
        with self._lock:
            letter = Letter(next(self._ids), datetime.now(UTC), sender, tuple(recipients),
                            str(message.get("Subject", "")), _text_of(message))
            self.letters.appendleft(letter)
        return letter

    def take_hook(self, contractor: str, body: bytes, *, header: str, event: str,
                  secret: bytes) -> Hook:
        payload = _json_fields(body)
        with self._lock:
            hook = Hook(next(self._ids), datetime.now(UTC), contractor,
                        signed=signature_ok(header, body, secret),
                        event=event,
                        appeal=str(payload.get("appeal", {}).get("number", "")
                                   if isinstance(payload.get("appeal"), dict)
                                   else payload.get("number", "")),
                        body=body.decode("utf-8", "replace")[:20_000])
            self.hooks.appendleft(hook)
        return hook

    def take_sms(self, body: bytes) -> Sms | None:
        """The gateway's JSON (`{"recipients": [...], "sms": {"sender", "text"}}`)."""
        payload = _json_fields(body)
        sms = payload.get("sms")
        recipients = payload.get("recipients")
        if not isinstance(sms, dict) or not isinstance(recipients, list):
            return None
        with self._lock:
            item = Sms(next(self._ids), datetime.now(UTC), tuple(map(str, recipients)),
                       str(sms.get("text", "")))
            self.sms.appendleft(item)
        return item

    def letter(self, letter_id: int) -> Letter | None:
        return next((item for item in list(self.letters) if item.id == letter_id), None)


def signature_ok(header: str, body: bytes, secret: bytes) -> bool:
    """`t=<unix seconds>,v1=<hex>` as the outbox signs (README, "Webhooks")."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        expected = signature(secret, body, int(parts.get("t", "")))
    except ValueError:
        return False
    return hmac.compare_digest(expected, header)


def _text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()
    return content if isinstance(content, str) else content.decode("utf-8", "replace")


def _json_fields(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class _Catcher:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        self.mailbox.take_letter(str(envelope.mail_from), list(envelope.rcpt_tos), data)
        return "250 Message accepted for delivery"


class MailCatcher:
    """aiosmtpd on loopback (its Controller cannot take port 0: a free port is found first)."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.port = free_port()
        self.controller = Controller(_Catcher(mailbox), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> MailCatcher:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
