"""Webhook delivery with httpx: signed JSON POSTs.

Headers: `X-Callcenter-Signature: sha256=<hex HMAC-SHA256 of the body with the contractor's
secret>`, `Idempotency-Key` (the outbox key: the same on every retry), `X-Callcenter-Event`.
Any 2xx is success; anything else, a timeout or a connection error is a failed attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx

from callcenter.delivery.model.outbox import DeliveryResult, OutboxMessage
from callcenter.delivery.senders.secrets import SecretError, resolve_secret

SIGNATURE_HEADER = "X-Callcenter-Signature"
TEXT_LIMIT = 500


def signature(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def encode(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class WebhookSender:
    def __init__(self, client: httpx.AsyncClient, *, timeout: float) -> None:
        self.client = client
        self.timeout = timeout

    async def send(self, message: OutboxMessage) -> DeliveryResult:
        started = time.perf_counter()
        try:
            secret = resolve_secret(message.secret_ref)
        except SecretError as exc:
            return DeliveryResult(ok=False, error=str(exc))
        body = encode(message.payload)
        headers = {"Content-Type": "application/json; charset=utf-8",
                   SIGNATURE_HEADER: signature(secret, body), "Idempotency-Key": message.key,
                   "X-Callcenter-Event": message.event, "User-Agent": "callcenter-1580"}
        try:
            response = await self.client.post(message.recipient, content=body, headers=headers,
                                              timeout=self.timeout)
        except httpx.TimeoutException:
            return _failed(started, f"no answer within {self.timeout:g} s")
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
