"""Pause, resume and wrap-up of operators' seats in the queue, through AMI `QueuePause`.

Only the process holding the AMI link runs this. After a call an operator answered ends, the
seat is paused for `wrap_up_seconds` (reason `wrap_up`) and resumed when that runs out, unless
the operator paused by hand meanwhile (the pause stays) or resumed early (nothing left to do).
This is the only wrap-up (the queue's own `wrapuptime` is 0, dialplans/queues.conf), and only
for a seat where an operator is signed in: with nobody at the page there is no form to finish,
and a paused seat would only keep callers waiting.
Every change is told to the seat as a `paused` message, also a pause made elsewhere (a feature
code on the phone: Asterisk's `QueueMemberPause`) and the state Asterisk reports after every
AMI login (`QueueStatus`), so the page and the board never show a stale pause.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import time
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import Protocol

import structlog

from callcenter.core.errors import DomainError, StoreUnavailable
from callcenter.pops.model import cards as pops
from callcenter.pops.model.pausing import NOT_PAUSED, MemberPause, PauseReason, PauseState
from callcenter.pops.service.relay import PopRelay

log = structlog.get_logger("callcenter.pausing")


class QueuePauser(Protocol):
    """Sends `QueuePause` (ami/); raises PbxUnavailable or SeatNotInQueue."""

    async def set_paused(self, seat: str, paused: bool, reason: str) -> None: ...

    async def members(self) -> list[MemberPause]:
        """Every member's pause as Asterisk has it now (`QueueStatus`)."""
        ...


class PauseControl(Protocol):
    """What the web asks for: here directly, in web-only processes forwarded (db/)."""

    async def pause(self, seat: str) -> PauseState: ...

    async def resume(self, seat: str) -> PauseState: ...


# The seats where an operator is signed in at this moment (users' sessions).
SignedInSeats = Callable[[datetime], Awaitable[Collection[str]]]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Pausing:
    def __init__(self, *, pauser: QueuePauser, relay: PopRelay, wrap_up_seconds: float,
                 signed_in: SignedInSeats | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self._pauser = pauser
        self._relay = relay
        self._wrap_up = wrap_up_seconds
        self._signed_in = signed_in  # None: no sign-in check, every seat gets its wrap-up
        self._seated: Collection[str] | None = None  # as last read
        self.wrap_ups_skipped = 0
        self._clock = clock
        self.states: dict[str, PauseState] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._ended: asyncio.Queue[str] = asyncio.Queue()
        self._deadlines: list[tuple[float, str, datetime]] = []  # (monotonic, seat, until)
        self._wake = asyncio.Event()

    def state(self, seat: str) -> PauseState:
        return self.states.get(seat, NOT_PAUSED)

    # -- asked by the operator --------------------------------------------------------------

    async def pause(self, seat: str) -> PauseState:
        async with self._lock(seat):
            return await self._set(seat, PauseState(True, "manual"))

    async def resume(self, seat: str) -> PauseState:
        async with self._lock(seat):
            return await self._set(seat, NOT_PAUSED)

    # -- wrap-up ----------------------------------------------------------------------------

    def call_ended(self, seat: str) -> None:
        """A call this seat answered ended (the intake's hot path: only queue the work)."""
        if self._wrap_up > 0:
            self._ended.put_nowait(seat)
            self._wake.set()

    async def run(self) -> None:
        while True:
            await self._next_event()
            if not self._ended.empty():
                await self._start_wrap_ups()
            now = time.monotonic()
            while self._deadlines and self._deadlines[0][0] <= now:
                _, seat, until = heapq.heappop(self._deadlines)
                await self._end_wrap_up(seat, until)

    async def _next_event(self) -> None:
        self._wake.clear()
        if not self._ended.empty():
            return
        timeout = self._deadlines[0][0] - time.monotonic() if self._deadlines else None
        # asyncio.timeout, not wait_for: in 3.11 wait_for can swallow a cancellation
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._wake.wait()

    async def _start_wrap_ups(self) -> None:
        seats = [self._ended.get_nowait() for _ in range(self._ended.qsize())]
        seated = await self._seated_now()
        for seat in seats:
            if seated is None or seat in seated:
                await self._start_wrap_up(seat)
            else:
                self.wrap_ups_skipped += 1
                log.info("wrap_up_skipped", seat=seat, reason="nobody signed in")

    async def _seated_now(self) -> Collection[str] | None:
        """The seats with a signed-in operator; while the sessions cannot be read, as last
        read (None, never read or not asked: wrap up every seat, the safe side for an
        operator at the page)."""
        if self._signed_in is None:
            return None
        try:
            self._seated = await self._signed_in(self._clock())
        except StoreUnavailable as exc:
            log.warning("wrap_up_sign_ins_unavailable", error=str(exc))
        except Exception:  # a failed look-up must not stop pausing: keep the last one read
            log.exception("wrap_up_sign_ins_failed")
        return self._seated

    async def _start_wrap_up(self, seat: str) -> None:
        async with self._lock(seat):
            if self.state(seat).reason == "manual":
                return  # paused by hand during the call: that pause stays
            until = self._clock() + timedelta(seconds=self._wrap_up)
            try:
                await self._set(seat, PauseState(True, "wrap_up", until))
            except DomainError as exc:
                log.warning("wrap_up_not_started", seat=seat, error=str(exc))
                return
            heapq.heappush(self._deadlines, (time.monotonic() + self._wrap_up, seat, until))

    async def _end_wrap_up(self, seat: str, until: datetime) -> None:
        async with self._lock(seat):
            state = self.state(seat)
            if state.reason != "wrap_up" or state.until != until:
                return  # resumed early, paused by hand, or a later wrap-up took over
            try:
                await self._set(seat, NOT_PAUSED)
            except DomainError as exc:
                log.warning("wrap_up_not_ended", seat=seat, error=str(exc))

    # -- told by Asterisk -------------------------------------------------------------------

    def observed(self, member: MemberPause) -> None:
        """A member event (the intake's hot path): take on a pause made elsewhere. While our
        own QueuePause for the seat is in flight its outcome decides, so the echo is ignored."""
        lock = self._locks.get(member.seat)
        if lock is not None and lock.locked():
            return
        current, target = self.state(member.seat), member.state()
        if (current.paused, current.reason) == (target.paused, target.reason):
            return
        if target.reason == "wrap_up":  # ours, from before a restart: a wrap-up from now on
            target = self._wrap_up_from_now(member.seat)
        self.states[member.seat] = target
        log.info("seat_pause_observed", seat=member.seat, paused=target.paused,
                 reason=target.reason)
        self._tell(member.seat, target)

    async def resync(self) -> None:
        """After an AMI login: every member's pause as Asterisk has it (one may have changed
        while the link was down). A failure is logged; the member events still follow."""
        try:
            members = await self._pauser.members()
        except DomainError as exc:
            log.warning("pauses_not_resynced", error=str(exc))
            return
        for member in members:
            self.observed(member)

    def _wrap_up_from_now(self, seat: str) -> PauseState:
        until = self._clock() + timedelta(seconds=self._wrap_up)
        heapq.heappush(self._deadlines, (time.monotonic() + self._wrap_up, seat, until))
        self._wake.set()
        return PauseState(True, "wrap_up", until)

    # -- both -------------------------------------------------------------------------------

    async def _set(self, seat: str, target: PauseState) -> PauseState:
        reason: PauseReason | None = target.reason
        await self._pauser.set_paused(seat, target.paused, reason or "")
        self.states[seat] = target
        log.info("seat_paused" if target.paused else "seat_resumed", seat=seat, reason=reason)
        self._tell(seat, target)
        return target

    def _tell(self, seat: str, state: PauseState) -> None:
        self._relay.send(seat, pops.paused(paused=state.paused, reason=state.reason,
                                           until=state.until, at=self._clock()))

    def _lock(self, seat: str) -> asyncio.Lock:
        lock = self._locks.get(seat)
        if lock is None:
            lock = self._locks[seat] = asyncio.Lock()
        return lock
