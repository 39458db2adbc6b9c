"""The built-in SMTP receiver (aiosmtpd) on the process's own event loop: a letter is
answered 250 only once it is stored (an appeal, a reply, a duplicate or a skipped
auto-reply), 5xx with the reason when refused (the sender's server writes the bounce), 451
when the database is away (the sender's server tries again later)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiosmtpd.smtp import SMTP, Envelope, Session

from callcenter.mail.model import LetterRefused, MailRules
from callcenter.mail.service import Taken

log = structlog.get_logger("callcenter.mail")
Take = Callable[..., Awaitable[Taken]]
TOO_MANY = "too_many_recipients"


class IntakeHandler:
    """aiosmtpd's handler: RCPT counts recipients, DATA hands the bytes to the intake."""

    def __init__(self, take: Take, rules: MailRules) -> None:
        self.take = take
        self.rules = rules

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if len(envelope.rcpt_tos) >= self.rules.max_recipients:
            envelope.rcpt_options.append(TOO_MANY)
            return (f"552 5.5.3 Too many recipients: at most {self.rules.max_recipients} "
                    f"per letter")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if TOO_MANY in envelope.rcpt_options:
            log.warning("mail_refused", reason="too many recipients", source="smtp",
                        peer=str(session.peer))
            return (f"554 5.5.3 Letter refused: more than {self.rules.max_recipients} "
                    f"recipients")
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            taken = await self.take(raw, envelope_sender=envelope.mail_from or "",
                                    source="smtp")
        except LetterRefused as exc:
            return f"{exc.code} 5.7.0 Letter refused: {exc.reason}"
        except Exception:
            log.exception("mail_intake_failed", source="smtp")
            return "451 4.3.0 Temporary failure: try again later"
        if taken.number:
            return f"250 2.0.0 Accepted: appeal {taken.number}"
        return "250 2.0.0 Accepted"


def smtp_factory(handler: Any, rules: MailRules, *, hostname: str) -> Callable[[], SMTP]:
    def make() -> SMTP:
        return SMTP(handler, data_size_limit=rules.max_message_bytes, enable_SMTPUTF8=True,
                    decode_data=False, hostname=hostname, ident="1580 hotline")
    return make


async def listen(handler: Any, rules: MailRules, *, host: str, port: int,
                 hostname: str = "1580") -> asyncio.Server:
    """Listen on host:port (0: a free port, read it from `server.sockets`)."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(smtp_factory(handler, rules, hostname=hostname),
                                    host=host, port=port)


async def serve(handler: Any, rules: MailRules, *, host: str, port: int) -> None:
    """Run the receiver until cancelled."""
    server = await listen(handler, rules, host=host, port=port)
    log.info("mail_listening", mode="smtp", address=f"{host}:{bound_port(server)}")
    async with server:
        await server.serve_forever()


def bound_port(server: asyncio.Server) -> int:
    return int(server.sockets[0].getsockname()[1])
