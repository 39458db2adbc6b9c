"""Webhook delivery with httpx: signed JSON POSTs.

Headers: `X-Callcenter-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the
contractor's secret>` (the time is signed with the body, so a captured request replayed later
fails a receiver that refuses anything older than five minutes: README, "Verifying a webhook"),
`Idempotency-Key` (the outbox key: the same on every retry), `X-Callcenter-Event`.
Any 2xx is success; anything else, a timeout or a connection error is a failed attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable

import httpx

from callcenter.delivery.model.outbox import DeliveryResult, OutboxMessage
from callcenter.delivery.senders.secrets import SecretError, resolve_secret

SIGNATURE_HEADER = "X-Callcenter-Signature"
TEXT_LIMIT = 500


def signature(secret: bytes, body: bytes, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    return f"t={timestamp},v1={hmac.new(secret, signed, hashlib.sha256).hexdigest()}"


def encode(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class WebhookSender:
    def __init__(self, client: httpx.AsyncClient, *, timeout: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.timeout = timeout
        self.clock = clock

    async def send(self, message: OutboxMessage) -> DeliveryResult:
        started = time.perf_counter()
        try:
            secret = resolve_secret(message.secret_ref)
        except SecretError as exc:
            return DeliveryResult(ok=False, error=str(exc))
        body = encode(message.payload)
        headers = {"Content-Type": "application/json; charset=utf-8",
                   SIGNATURE_HEADER: signature(secret, body, int(self.clock())),
                   "Idempotency-Key": message.key,
                   "X-Callcenter-Event": message.event, "User-Agent": "callcenter-1580"}
        return await post(self.client, message.recipient, body, headers, self.timeout, started)


async def post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str],
               timeout: float, started: float) -> DeliveryResult:
    """POST `body` and judge the answer: any 2xx is delivered; a timeout, a network error
    or another status is a failure with what the receiver said (webhooks, the SMS gateway)."""
    try:
        response = await client.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        return _failed(started, f"no answer within {timeout:g} s")
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
