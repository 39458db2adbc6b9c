"""Use cases of call-backs: the worklist, claims, placing the call, outcomes, control; and,
in the process holding the AMI link, the dialer that places the asked calls and follows them.

The web process never talks to Asterisk: it writes an attempt (`pending`); the process holding
the AMI link takes it (a conditional UPDATE: exactly one process does), sends `Originate`, and
writes back `connected` or `failed`, as pauses travel (pops/store/commands.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Protocol

import structlog

from callcenter.callbacks.model import (
    Attempt,
    CallFact,
    Claim,
    Kind,
    OutboundCalls,
    Outcome,
    Plan,
    WorkItem,
    WrongOutcome,
    by_waiting,
    due_again,
    needs_words,
    overdue,
    plan_outcome,
)
from callcenter.calls.model.ami_events import Headers
from callcenter.core.errors import DomainError, StoreUnavailable

log = structlog.get_logger("callcenter.callbacks")
MAX_WORDS = 4000
PlanFor = Callable[[Kind, int], Plan]  # (kind, unanswered so far) -> the plan


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CallbackRules:
    attempts: int = 3
    retry_minutes: float = 60.0
    claim_minutes: float = 10.0
    pending_seconds: float = 10.0  # an attempt nobody placed by then: the PBX is away
    stuck_seconds: float = 300.0  # `originating` this long: the placing process died
    public_base_url: str = "http://127.0.0.1:8080"


class CallbackStore(Protocol):
    async def candidates(self, now: datetime) -> list[WorkItem]: ...

    async def claim(self, kind: Kind, appeal_id: int, *, username: str, seat: str,
                    now: datetime, expires_at: datetime) -> Claim: ...

    async def release(self, username: str) -> None: ...

    async def new_attempt(self, kind: Kind, appeal_id: int, *, username: str, seat: str,
                          now: datetime) -> int: ...

    async def attempt(self, attempt_id: int) -> Attempt: ...

    async def expire_pending(self, before: datetime, stuck_before: datetime,
                             now: datetime) -> int: ...

    async def record(self, attempt_id: int, *, username: str, outcome: Outcome, words: str,
                     now: datetime, plan_for: PlanFor, public_base_url: str) -> Attempt: ...

    async def set_control(self, number: str, *, on: bool, by: str, note: str,
                          now: datetime) -> None: ...


class Callbacks:
    def __init__(self, store: CallbackStore, rules: CallbackRules,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.rules = rules
        self._clock = clock

    async def worklist(self) -> list[WorkItem]:
        """Fair and current: due items only, the oldest waiting first."""
        now = self._clock()
        retry = self.rules.retry_minutes * 60
        items = [i for i in await self.store.candidates(now)
                 if i.no_answers < self.rules.attempts and due_again(i.last_no_answer, now, retry)]
        return by_waiting(items)

    async def claim(self, kind: Kind, appeal_id: int, *, username: str, seat: str) -> Claim:
        now = self._clock()
        return await self.store.claim(
            kind, appeal_id, username=username, seat=seat, now=now,
            expires_at=now + timedelta(minutes=self.rules.claim_minutes))

    async def release(self, username: str) -> None:
        await self.store.release(username)

    async def call(self, kind: Kind, appeal_id: int, *, username: str, seat: str) -> int:
        """One click: the call is asked for (the AMI process places it); the attempt's id."""
        return await self.store.new_attempt(kind, appeal_id, username=username, seat=seat,
                                            now=self._clock())

    async def attempt(self, attempt_id: int) -> Attempt:
        """As it stands; one still `pending` after `pending_seconds` (no process holding the
        AMI link took it) fails as `pbx_unavailable` and is never placed later."""
        found = await self.store.attempt(attempt_id)
        now, rules = self._clock(), self.rules
        if not overdue(found, now, pending_seconds=rules.pending_seconds,
                       stuck_seconds=rules.stuck_seconds):
            return found
        await self.store.expire_pending(now - timedelta(seconds=rules.pending_seconds),
                                        now - timedelta(seconds=rules.stuck_seconds), now)
        return await self.store.attempt(attempt_id)

    async def record(self, attempt_id: int, *, username: str, outcome: Outcome,
                     words: str) -> Attempt:
        words = words.strip()[:MAX_WORDS]
        if needs_words(outcome) and not words:
            raise WrongOutcome("write down what the resident said")
        rules = self.rules

        def plan_for(kind: Kind, no_answers: int) -> Plan:
            return plan_outcome(kind, outcome, words=words, no_answers_before=no_answers,
                                max_attempts=rules.attempts)

        return await self.store.record(attempt_id, username=username, outcome=outcome,
                                       words=words, now=self._clock(), plan_for=plan_for,
                                       public_base_url=rules.public_base_url)

    async def set_control(self, number: str, *, on: bool, by: str, note: str = "") -> None:
        await self.store.set_control(number, on=on, by=by, note=note.strip()[:MAX_WORDS],
                                     now=self._clock())


# -- the process holding the AMI link ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PendingCall:
    attempt_id: int
    seat: str
    phone: str


class CallbackLine(Protocol):
    """The attempts and the outbound calls, for the dialer (store)."""

    async def take_pending(self, now: datetime, limit: int) -> list[PendingCall]: ...

    async def failed(self, attempt_id: int, error: str, now: datetime) -> None: ...

    async def write(self, fact: CallFact) -> None: ...

    async def lost(self, linkedids: list[str], at: datetime) -> None: ...


class Originator(Protocol):
    """Sends `Originate` (ami): None once the operator answered, else why it failed."""

    async def originate(self, attempt_id: int, seat: str, number: str) -> str | None: ...


class Dialer:
    def __init__(self, line: CallbackLine, originator: Originator, *,
                 interval: float = 0.25, clock: Callable[[], datetime] = utc_now) -> None:
        self.line = line
        self.originator = originator
        self.calls = OutboundCalls()
        self._interval = interval
        self._clock = clock
        self._facts: asyncio.Queue[CallFact] = asyncio.Queue()
        self._placing: set[asyncio.Task[None]] = set()
        self.placed = 0

    def frame(self, headers: Headers) -> None:
        """Every AMI frame (the hot path: only the tracker and a queue)."""
        for fact in self.calls.handle(headers, self._clock()):
            self._facts.put_nowait(fact)

    def link_lost(self) -> None:
        lost = self.calls.forget_all()
        if lost:
            self._facts.put_nowait(CallFact("lost", ",".join(lost), self._clock()))

    async def run(self) -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(self._take_loop())
            group.create_task(self._fact_loop())

    async def _take_loop(self) -> None:
        while True:
            try:
                for call in await self.line.take_pending(self._clock(), 20):
                    task = asyncio.create_task(self._place(call))
                    self._placing.add(task)
                    task.add_done_callback(self._placing.discard)
            except StoreUnavailable as exc:
                log.warning("callbacks_unreadable", error=str(exc))
            await asyncio.sleep(self._interval)

    async def _place(self, call: PendingCall) -> None:
        try:
            error = await self.originator.originate(call.attempt_id, call.seat, call.phone)
        except DomainError as exc:
            error = exc.error_id
        log.info("callback_originated", attempt=call.attempt_id, seat=call.seat,
                 error=error)
        self.placed += 1
        if error is not None:
            await self._retrying(partial(self.line.failed, call.attempt_id, error,
                                         self._clock()))

    async def _fact_loop(self) -> None:
        while True:
            await self._retrying(partial(self._write, await self._facts.get()))

    async def _write(self, fact: CallFact) -> None:
        if fact.kind == "lost":
            await self.line.lost(fact.linkedid.split(","), fact.at)
        else:
            await self.line.write(fact)

    async def _retrying(self, step: Callable[[], Awaitable[None]]) -> None:
        for delay in (0.5, 1.0, 2.0, 5.0, 10.0):
            try:
                await step()
                return
            except StoreUnavailable as exc:
                log.warning("callbacks_not_written", error=str(exc))
                await asyncio.sleep(delay)
        log.error("callbacks_write_given_up")
