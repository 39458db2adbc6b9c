"""E-mail delivery with aiosmtplib: one connection per message, Message-ID from the key.

The Message-ID is derived from the idempotency key, so a message sent again (a retry after a
lost reply, a worker that died before recording) carries the same Message-ID and mail
clients or the receiving system can drop the repeat.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

import aiosmtplib

from callcenter.delivery.model.outbox import DeliveryResult, OutboxMessage
from callcenter.delivery.senders import email_text


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    from_address: str = "1580 <noreply@1580.example.org>"
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 30.0


# A key about a numbered appeal (`appeal:2026-000123:filed:email`) puts the number in the
# Message-ID, so a reply's In-Reply-To names the appeal (callcenter.mail.model reads it).
_NUMBERED = re.compile(r"appeal:(\d{4}-\d{6,9}):")
LOOP_HEADER = "X-Callcenter-Loop"  # on every letter we send: the mail intake skips it back


def message_id(key: str, from_address: str) -> str:
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "callcenter.invalid"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    numbered = _NUMBERED.match(key)
    local = f"{numbered.group(1)}.{digest}" if numbered else digest
    return f"<{local}@{domain}>"


def build_email(message: OutboxMessage, from_address: str) -> EmailMessage:
    mail = EmailMessage()
    name, address = parseaddr(from_address)
    mail["From"] = formataddr((name, address))
    mail["To"] = message.recipient
    mail["Subject"] = email_text.subject(message.payload)
    mail["Message-ID"] = message_id(message.key, from_address)
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["X-Callcenter-Idempotency-Key"] = message.key
    mail["X-Callcenter-Event"] = message.event
    mail[LOOP_HEADER] = "1"
    if message.event.startswith("resident."):
        mail["Auto-Submitted"] = "auto-replied"  # RFC 3834: no auto-responder answers it
    mail.set_content(email_text.body(message.payload))
    return mail


class EmailSender:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    async def send(self, message: OutboxMessage) -> DeliveryResult:
        started = time.perf_counter()
        if not message.recipient:
            return DeliveryResult(ok=False, error="no e-mail address for this contractor")
        s = self.settings
        try:
            errors, reply = await aiosmtplib.send(
                build_email(message, s.from_address), hostname=s.host, port=s.port,
                start_tls=s.starttls, username=s.username or None,
                password=s.password or None, timeout=s.timeout)
        except aiosmtplib.SMTPResponseException as exc:
            return _failed(started, f"SMTP {exc.code}: {exc.message}", exc.code)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            detail = str(exc) or type(exc).__name__
            return _failed(started, f"SMTP {s.host}:{s.port}: {detail}")
        if errors:
            refused = "; ".join(f"{to}: {r.code} {r.message}" for to, r in errors.items())
            return _failed(started, f"recipient refused: {refused}")
        return DeliveryResult(ok=True, code=250, text=reply, duration_ms=_ms(started))


def _failed(started: float, error: str, code: int | None = None) -> DeliveryResult:
    return DeliveryResult(ok=False, code=code, error=error, duration_ms=_ms(started))


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
