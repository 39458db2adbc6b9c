"""The `Transport` of the outbox workers: each message to its channel's sender (e-mail and
webhooks to contractors, SMS to residents)."""

from __future__ import annotations

from types import TracebackType

import httpx

from callcenter.delivery.model.outbox import EMAIL, SMS, WEBHOOK, DeliveryResult, OutboxMessage
from callcenter.delivery.senders.email import EmailSender, SmtpSettings
from callcenter.delivery.senders.sms import SmsSender, SmsSettings
from callcenter.delivery.senders.webhook import WebhookSender


class ChannelTransport:
    def __init__(self, smtp: SmtpSettings, *, webhook_timeout: float,
                 sms: SmsSettings | None = None) -> None:
        self._client = httpx.AsyncClient(follow_redirects=False)
        self.email = EmailSender(smtp)
        self.webhook = WebhookSender(self._client, timeout=webhook_timeout)
        self.sms = SmsSender(self._client, sms or SmsSettings())

    async def send(self, message: OutboxMessage) -> DeliveryResult:
        if message.channel == EMAIL:
            return await self.email.send(message)
        if message.channel == WEBHOOK:
            return await self.webhook.send(message)
        if message.channel == SMS:
            return await self.sms.send(message)
        return DeliveryResult(ok=False, error=f"unknown channel {message.channel!r}")

    async def close(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> ChannelTransport:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.close()
