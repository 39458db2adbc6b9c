"""Screen pops: a call watcher that keeps each live call's card and tells the rung seats.

On `CallEntered` (seen) the call gets a minimal card at once; once the call is stored its full
card (appeal, the caller's history, addresses) is read in the background and replaces it. On
`CallRang` (the intake's hot path) the ready card goes to that one seat: a memory lookup and a
hand-off, nothing else. See docs/screen-pops.md.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog

from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallFact,
    CallQueued,
    CallRang,
    CallRingTimedOut,
)
from callcenter.core.errors import StoreUnavailable
from callcenter.core.pacing import DatabaseOutage
from callcenter.pops.model import cards as pops
from callcenter.pops.model.cards import CallHistory, Message
from callcenter.pops.service.relay import PopRelay

log = structlog.get_logger("callcenter.pops")
CALL_LIMIT = 5_000  # live calls remembered; the oldest goes first beyond it
CARD_BATCH = 100


class CardSource(Protocol):
    """Reads what the database knows for the cards of these calls (missing ones left out)."""

    async def histories(self, call_ids: Sequence[str]) -> Mapping[str, CallHistory]: ...


class WrapUp(Protocol):
    def call_ended(self, seat: str) -> None: ...


@dataclass(slots=True)
class LiveCall:
    card: Message
    ringing: set[str] = field(default_factory=set)
    answered_by: str | None = None

    def seats(self) -> set[str]:
        return self.ringing | ({self.answered_by} if self.answered_by else set())


def monotonic_now() -> float | None:
    return time.monotonic()


class PopService:
    """A `CallWatcher` of the intake (services.intake) in the process holding the AMI link."""

    def __init__(self, *, cards: CardSource, relay: PopRelay, wrap_up: WrapUp | None = None,
                 receipt: Callable[[], float | None] = monotonic_now,
                 call_limit: int = CALL_LIMIT) -> None:
        self.relay = relay
        self.wrap_up = wrap_up
        self.receipt = receipt  # monotonic time the current AMI frame arrived
        self._cards = cards
        self._limit = call_limit
        self.calls: OrderedDict[str, LiveCall] = OrderedDict()
        self._to_read: asyncio.Queue[str] = asyncio.Queue()
        self.cards_completed = 0
        self._outage = DatabaseOutage("pop_cards_unavailable")
        self._handlers: dict[type, Callable[[Any], None]] = {
            CallEntered: self._entered,
            CallQueued: self._queued,
            CallRang: self._rang,
            CallRingTimedOut: self._ring_timed_out,
            CallAnswered: self._answered,
            CallEnded: self._ended,
        }

    # -- CallWatcher ------------------------------------------------------------------------

    def facts_seen(self, facts: Sequence[CallFact]) -> bool:
        """Pops and their updates, straight to the sockets; True when one went to a socket
        of this process (the intake then lets it leave before the next frame)."""
        before = self.relay.delivered
        for fact in facts:
            handler = self._handlers.get(type(fact))
            if handler is not None:
                handler(fact)
        return self.relay.delivered > before

    async def facts_stored(self, facts: Sequence[CallFact]) -> None:
        for fact in facts:
            if isinstance(fact, CallEntered) and fact.call_id in self.calls:
                self._to_read.put_nowait(fact.call_id)

    def started(self) -> None:
        """Tell every process that live state from before this start is gone."""
        self.relay.send(None, pops.reset(at=datetime.now(UTC)))

    # -- the hot path -----------------------------------------------------------------------

    def _entered(self, fact: CallEntered) -> None:
        self.calls[fact.call_id] = LiveCall(pops.minimal_card(fact))
        while len(self.calls) > self._limit:
            dropped, _ = self.calls.popitem(last=False)
            log.warning("pop_call_forgotten", call_id=dropped, limit=self._limit)

    def _call(self, call_id: str) -> LiveCall:
        call = self.calls.get(call_id)
        if call is None:
            call = self.calls[call_id] = LiveCall(pops.bare_card(call_id))
        return call

    def _queued(self, fact: CallQueued) -> None:
        call = self._call(fact.call_id)
        self.relay.send(None, pops.queued(call_id=fact.call_id, at=fact.at, card=call.card))

    def _rang(self, fact: CallRang) -> None:
        received = self.receipt()
        call = self._call(fact.call_id)
        call.ringing.add(fact.seat)
        message = pops.pop(call_id=fact.call_id, seat=fact.seat, rang_at=fact.at,
                           card=call.card)
        self.relay.send(fact.seat, message, received=received)

    def _ring_timed_out(self, fact: CallRingTimedOut) -> None:
        call = self.calls.get(fact.call_id)
        if call is not None:
            call.ringing.discard(fact.seat)
        self.relay.send(fact.seat, pops.ring_timed_out(call_id=fact.call_id, at=fact.at))

    def _answered(self, fact: CallAnswered) -> None:
        call = self._call(fact.call_id)
        losers = call.ringing - {fact.seat}
        call.ringing, call.answered_by = set(), fact.seat
        self.relay.send(fact.seat, pops.answered(call_id=fact.call_id, seat=fact.seat,
                                                 at=fact.at))
        for seat in sorted(losers):
            self.relay.send(seat, pops.taken(call_id=fact.call_id, by_seat=fact.seat,
                                             at=fact.at))
        self.relay.send(None, pops.dequeued(call_id=fact.call_id, at=fact.at))

    def _ended(self, fact: CallEnded) -> None:
        call = self.calls.pop(fact.call_id, None)
        seats = call.seats() if call is not None else set()
        message = pops.ended(call_id=fact.call_id, outcome=fact.outcome, at=fact.at)
        for seat in sorted(seats):
            self.relay.send(seat, message)
        self.relay.send(None, pops.dequeued(call_id=fact.call_id, at=fact.at))
        if call is not None and call.answered_by and self.wrap_up is not None:
            self.wrap_up.call_ended(call.answered_by)

    # -- full cards, in the background ------------------------------------------------------

    async def run(self) -> None:
        while True:
            batch = [await self._to_read.get()]
            while len(batch) < CARD_BATCH and not self._to_read.empty():
                batch.append(self._to_read.get_nowait())
            await self._complete(batch)

    async def _complete(self, call_ids: list[str]) -> None:
        wanted = [c for c in dict.fromkeys(call_ids) if c in self.calls]
        if not wanted:
            return
        try:
            histories = await self._cards.histories(wanted)
        except StoreUnavailable as exc:  # said once per outage; the minimal cards stay
            self._outage.lost(exc, calls=len(wanted))
            return
        except Exception:  # a broken card must not stop the pops
            log.exception("pop_cards_failed", calls=len(wanted))
            return
        self._outage.over()
        for call_id, history in histories.items():
            self._card_ready(call_id, history)

    def _card_ready(self, call_id: str, history: CallHistory) -> None:
        call = self.calls.get(call_id)
        if call is None:
            return  # ended while its card was being read
        call.card = pops.full_card(call.card, history)
        self.cards_completed += 1
        for seat in sorted(call.seats()):
            self.relay.send(seat, pops.card_update(call_id=call_id, card=call.card))
