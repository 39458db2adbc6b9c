"""Pause, resume and wrap-up rules with a hand-written queue pauser."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from callcenter.core.errors import StoreUnavailable
from callcenter.pops.model.pausing import MemberPause, PauseState, PbxUnavailable
from callcenter.pops.service.pausing import Pausing
from callcenter.pops.service.relay import Envelope, PopRelay

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
A = "PJSIP/op1001"


class Pauser:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bool, str]] = []
        self.down = False

    async def set_paused(self, seat: str, paused: bool, reason: str) -> None:
        if self.down:
            raise PbxUnavailable("no AMI link")
        self.sent.append((seat, paused, reason))

    async def members(self) -> list[MemberPause]:
        if self.down:
            raise PbxUnavailable("no AMI link")
        return [MemberPause(A, True, "wrap_up"), MemberPause("PJSIP/op1002", False, None)]


class Publisher:
    def __init__(self) -> None:
        self.items: list[Envelope] = []

    def publish(self, item: Envelope) -> None:
        self.items.append(item)


class SignIns:
    """The seats with a signed-in operator, as the sessions table would say."""

    def __init__(self, *seats: str) -> None:
        self.seats = set(seats)
        self.down = False
        self.asked: list[datetime] = []

    async def __call__(self, now: datetime) -> set[str]:
        self.asked.append(now)
        if self.down:
            raise StoreUnavailable("database away")
        return set(self.seats)


@contextlib.asynccontextmanager
async def running(wrap_up: float, signed_in: SignIns | None = None
                  ) -> AsyncIterator[tuple[Pausing, Pauser, Publisher]]:
    pauser, publisher = Pauser(), Publisher()
    pausing = Pausing(pauser=pauser, relay=PopRelay(publisher=publisher),
                      wrap_up_seconds=wrap_up, signed_in=signed_in, clock=lambda: T0)
    task = asyncio.create_task(pausing.run())
    try:
        yield pausing, pauser, publisher
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_manual_pause_and_resume_are_told_to_the_seat() -> None:
    async with running(0) as (pausing, pauser, publisher):
        assert await pausing.pause(A) == PauseState(True, "manual")
        assert await pausing.resume(A) == PauseState(False)
    assert pauser.sent == [(A, True, "manual"), (A, False, "")]
    assert [(i.seat, i.message["paused"], i.message["reason"]) for i in publisher.items] == [
        (A, True, "manual"), (A, False, None)]


async def test_wrap_up_ends_by_itself(eventually: object) -> None:
    async with running(0.05) as (pausing, pauser, _):
        pausing.call_ended(A)
        await eventually(lambda: len(pauser.sent) == 2)  # type: ignore[operator]
    assert pauser.sent == [(A, True, "wrap_up"), (A, False, "")]
    assert pausing.state(A) == PauseState(False)


async def test_resumed_early_then_nothing_more(eventually: object) -> None:
    async with running(0.05) as (pausing, pauser, _):
        pausing.call_ended(A)
        await eventually(lambda: pausing.state(A).reason == "wrap_up")  # type: ignore[operator]
        await pausing.resume(A)
        await eventually(lambda: not pausing._deadlines)  # type: ignore[operator]
    assert pauser.sent == [(A, True, "wrap_up"), (A, False, "")]


async def test_a_manual_pause_is_kept_through_wrap_up(eventually: object) -> None:
    async with running(0.5) as (pausing, pauser, _):
        await pausing.pause(A)
        pausing.call_ended(A)  # paused by hand during the call: no wrap-up on top
        pausing.call_ended("PJSIP/op1002")
        await eventually(lambda: len(pauser.sent) == 2)  # type: ignore[operator]
        await pausing.pause("PJSIP/op1002")  # during its wrap-up
        await eventually(lambda: not pausing._deadlines)  # type: ignore[operator]
    assert pausing.state(A) == PauseState(True, "manual")
    assert pausing.state("PJSIP/op1002") == PauseState(True, "manual")
    assert pauser.sent[1:] == [("PJSIP/op1002", True, "wrap_up"),
                               ("PJSIP/op1002", True, "manual")]


async def test_no_wrap_up_at_a_seat_where_nobody_is_signed_in(eventually: object) -> None:
    # issue 11, item 8: the phone at op1002 answered, but nobody sits at the page there
    sign_ins = SignIns(A)
    async with running(0.5, sign_ins) as (pausing, pauser, _):
        pausing.call_ended("PJSIP/op1002")
        pausing.call_ended(A)
        await eventually(lambda: pauser.sent)  # type: ignore[operator]
    assert pauser.sent == [(A, True, "wrap_up")]  # in order: op1002 was decided first
    assert pausing.state("PJSIP/op1002") == PauseState(False)
    assert (pausing.wrap_ups_skipped, sign_ins.asked[:1]) == (1, [T0])


async def test_sign_ins_unreadable_count_as_last_read(eventually: object) -> None:
    sign_ins = SignIns(A)
    async with running(0.5, sign_ins) as (pausing, pauser, _):
        pausing.call_ended(A)
        await eventually(lambda: len(pauser.sent) == 1)  # type: ignore[operator]
        await pausing.resume(A)
        sign_ins.down = True  # A signs out meanwhile, but the database is away
        sign_ins.seats.clear()
        pausing.call_ended("PJSIP/op1002")
        pausing.call_ended(A)
        await eventually(lambda: len(pauser.sent) == 3)  # type: ignore[operator]
    assert pauser.sent[2] == (A, True, "wrap_up")
    assert pausing.wrap_ups_skipped == 1


async def test_sign_ins_never_read_leave_every_seat_its_wrap_up(eventually: object) -> None:
    sign_ins = SignIns()
    sign_ins.down = True
    async with running(0.5, sign_ins) as (pausing, pauser, _):
        pausing.call_ended(A)
        await eventually(lambda: pauser.sent)  # type: ignore[operator]
    assert pauser.sent == [(A, True, "wrap_up")]


async def test_the_pbx_away_is_an_error_and_changes_no_state() -> None:
    async with running(0) as (pausing, pauser, publisher):
        pauser.down = True
        with pytest.raises(PbxUnavailable):
            await pausing.pause(A)
    assert pausing.state(A) == PauseState(False)
    assert publisher.items == []


async def test_a_wrap_up_left_from_before_a_restart_ends_by_itself() -> None:
    async with running(wrap_up=0.05) as (pausing, pauser, publisher):
        await pausing.resync()  # Asterisk still has A paused for wrap-up; nobody timed it
        left = pausing.state(A)
        for _ in range(200):
            if pauser.sent:
                break
            await asyncio.sleep(0.01)
    assert (left.paused, left.reason) == (True, "wrap_up") and left.until is not None
    assert pauser.sent == [(A, False, "")]
    assert pausing.state(A) == PauseState(False)
    assert "PJSIP/op1002" not in pausing.states  # already as we knew it: nothing to tell
    assert [item.message["paused"] for item in publisher.items] == [True, False]


async def test_a_resync_without_asterisk_changes_nothing() -> None:
    async with running(wrap_up=0.05) as (pausing, pauser, publisher):
        pauser.down = True
        await pausing.resync()
    assert pausing.states == {} and publisher.items == []
