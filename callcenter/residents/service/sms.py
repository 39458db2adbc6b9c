"""SMS to residents: when the operator registers an appeal and when the contractor reports it
done, a resident on a mobile number gets its number and the status link, through the outbox.

Called after the change is committed (the hooks `on_registered` of the appeals service and
`on_done` of the contractors' answers, given by the composition root). Each SMS has a stable
idempotency key (`appeal:<id>:sms:<event>`), so a repeated call enqueues nothing new; a failure
here is logged and never undoes the operator's or the contractor's work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import structlog

from callcenter.core.phones import mask
from callcenter.delivery.model.outbox import SMS, NewMessage
from callcenter.residents.model.sms import DONE, REGISTERED, SmsTexts, recipient, status_link

log = structlog.get_logger("callcenter.residents")


@dataclass(frozen=True, slots=True)
class SmsFacts:
    appeal_id: int
    number: str
    caller: str | None
    contact_phone: str | None
    sms_refused: bool


class SmsStore(Protocol):
    async def facts(self, *, number: str | None = None,
                    appeal_id: int | None = None) -> SmsFacts | None: ...

    async def enqueue(self, message: NewMessage, *, appeal_id: int, at: datetime) -> bool:
        """Insert the message unless its key exists; True if inserted."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class ResidentSms:
    def __init__(self, store: SmsStore, texts: SmsTexts, *, base_url: str, enabled: bool,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.texts = texts
        self.base_url = base_url
        self.enabled = enabled  # a gateway is configured
        self.clock = clock

    async def appeal_registered(self, number: str) -> None:
        await self._notify(REGISTERED, number=number)

    async def appeal_done(self, appeal_id: int) -> None:
        await self._notify(DONE, appeal_id=appeal_id)

    async def _notify(self, event: str, *, number: str | None = None,
                      appeal_id: int | None = None) -> None:
        if not self.enabled:
            return
        try:
            await self._enqueue(event, number=number, appeal_id=appeal_id)
        except Exception:  # the appeal's change is committed; an SMS is not worth undoing it
            log.exception("resident_sms_not_enqueued", sms_event=event, number=number,
                          appeal_id=appeal_id)

    async def _enqueue(self, event: str, *, number: str | None, appeal_id: int | None) -> None:
        facts = await self.store.facts(number=number, appeal_id=appeal_id)
        if facts is None:
            return
        to = recipient(facts.caller, facts.contact_phone, refused=facts.sms_refused)
        if to is None:
            log.info("resident_sms_skipped", sms_event=event, number=facts.number)
            return
        key = f"appeal:{facts.appeal_id}:sms:{event}"
        text = self.texts.text(event, number=facts.number,
                               link=status_link(self.base_url, facts.number))
        message = NewMessage(key, f"resident.{event}", SMS, to,
                             {"number": facts.number, "text": text, "idempotency_key": key})
        if await self.store.enqueue(message, appeal_id=facts.appeal_id, at=self.clock()):
            log.info("resident_sms_enqueued", sms_event=event, number=facts.number,
                     to=mask(to))
