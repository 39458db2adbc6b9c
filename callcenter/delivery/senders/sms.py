"""SMS to residents through an HTTP SMS gateway: a JSON POST with a bearer token.

The shape is the common one of Ukrainian providers' HTTP APIs (TurboSMS `message/send.json`,
SMSClub and the like): `Authorization: Bearer <token>` and
`{"recipients": ["380671234567"], "sms": {"sender": "<name>", "text": "..."}}`. The outbox key
goes along as `Idempotency-Key` (a gateway that honours it drops a resent message). Any 2xx is
success; anything else, a timeout or a connection error is a failed attempt, retried by the
outbox like any other channel.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from callcenter.delivery.model.outbox import DeliveryResult, OutboxMessage
from callcenter.delivery.senders.webhook import TEXT_LIMIT, encode


@dataclass(frozen=True)
class SmsSettings:
    url: str = ""  # empty: no gateway configured (nothing is enqueued for SMS)
    token: str = ""
    sender: str = "1580"
    timeout: float = 10.0


def gateway_body(message: OutboxMessage, sender: str) -> dict[str, object]:
    """What the gateway receives: the number without its `+`, the sender name, the text."""
    return {"recipients": [message.recipient.removeprefix("+")],
            "sms": {"sender": sender, "text": str(message.payload.get("text", ""))}}


class SmsSender:
    def __init__(self, client: httpx.AsyncClient, settings: SmsSettings) -> None:
        self.client = client
        self.settings = settings

    async def send(self, message: OutboxMessage) -> DeliveryResult:
        started = time.perf_counter()
        s = self.settings
        if not s.url:
            return DeliveryResult(ok=False, error="no SMS gateway configured ([sms] url)")
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Authorization": f"Bearer {s.token}", "Idempotency-Key": message.key,
                   "User-Agent": "callcenter-1580"}
        try:
            response = await self.client.post(s.url, content=encode(gateway_body(message,
                                                                                   s.sender)),
                                              headers=headers, timeout=s.timeout)
        except httpx.TimeoutException:
            return _failed(started, f"no answer within {s.timeout:g} s")
        except (httpx.HTTPError, OSError) as exc:
            return _failed(started, f"{type(exc).__name__}: {exc}")
        text = response.text[:TEXT_LIMIT]
        if response.is_success:
            return DeliveryResult(ok=True, code=response.status_code, text=text,
                                  duration_ms=_ms(started))
        return _failed(started, f"HTTP {response.status_code}", response.status_code, text)


def _failed(started: float, error: str, code: int | None = None,
            text: str = "") -> DeliveryResult:
    return DeliveryResult(ok=False, code=code, text=text, error=error,
                          duration_ms=_ms(started))


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
