"""The demo's colleague on call-backs: now and then takes the longest-waiting item of the
worklist and calls back through the simulated Asterisk (Originate: the colleague's phone
first, then the resident), then records what the resident said."""

from __future__ import annotations

import random

import structlog

from callcenter.callbacks.model import Attempt, Kind, Outcome, WorkItem
from callcenter.callbacks.service import Callbacks
from callcenter.core.errors import DomainError

log = structlog.get_logger("callcenter.demo")
SEAT = "PJSIP/op1002"  # the colleague's phone (the person at the demo sits at op1001)
WORDS = {
    Outcome.CONFIRMED: "Так, усе зробили, дякую.",
    Outcome.NOT_CONFIRMED: "Приходили, але нічого не зробили: проблема залишилася.",
    Outcome.CONSULTATION: "Передзвонили: пояснили, куди звертатися, мешканець задоволений.",
    Outcome.TALKED: "Бригада була, роботи тривають, мешканець у курсі.",
    Outcome.NO_ANSWER: "",
}


class CallBacker:
    """One call-back every `every` rounds of the demo's people (see run.py)."""

    def __init__(self, callbacks: Callbacks, username: str, rng: random.Random, *,
                 every: int = 15) -> None:
        self.callbacks, self.username, self.random, self.every = (callbacks, username, rng,
                                                                  every)
        self.rounds = 0
        self.attempt: Attempt | None = None
        self.placed = 0

    async def work(self) -> int:
        self.rounds += 1
        if self.attempt is not None:
            return await self._follow(self.attempt)
        if self.rounds % self.every:
            return 0
        item = await self._next()
        if item is None:
            return 0
        try:
            await self.callbacks.claim(item.kind, item.appeal_id, username=self.username,
                                       seat=SEAT)
            attempt_id = await self.callbacks.call(item.kind, item.appeal_id,
                                                   username=self.username, seat=SEAT)
        except DomainError as exc:  # a person took it first
            log.info("demo_callback_skipped", number=item.number, reason=str(exc))
            return 0
        self.attempt = await self.callbacks.attempt(attempt_id)
        self.placed += 1
        log.info("demo_callback_placed", number=item.number, kind=item.kind.value,
                 phone=item.phone)
        return 1

    async def _next(self) -> WorkItem | None:
        free = [i for i in await self.callbacks.worklist() if i.claimed_by is None]
        return free[0] if free else None

    async def _follow(self, placed: Attempt) -> int:
        attempt = await self.callbacks.attempt(placed.id)
        if attempt.state == "failed":
            self.attempt = None
            await self.callbacks.release(self.username)
            return 0
        if not attempt.call_ended:
            return 0
        self.attempt = None
        outcome = self._outcome(attempt)
        await self.callbacks.record(attempt.id, username=self.username, outcome=outcome,
                                    words=WORDS[outcome])
        log.info("demo_callback_recorded", number=attempt.number, outcome=outcome.value)
        return 1

    def _outcome(self, attempt: Attempt) -> Outcome:
        if not attempt.call_answered:
            return Outcome.NO_ANSWER
        if attempt.kind is Kind.CHECK:
            return Outcome.NOT_CONFIRMED if self.random.random() < 0.25 else Outcome.CONFIRMED
        return Outcome.CONSULTATION if attempt.kind is Kind.MISSED else Outcome.TALKED
