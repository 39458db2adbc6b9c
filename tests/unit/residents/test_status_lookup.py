"""The look-up use case with its throttle, on a fake clock and an in-memory store: guesses are
counted before looking, the right pair takes its guess back, and a guesser's delays grow."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from callcenter.appeals.model.statuses import Status
from callcenter.core.throttle import DelayPolicy
from callcenter.residents.model.status import (
    Contacts,
    PublicAppeal,
    StatusLimits,
    StatusNotFound,
    StatusThrottled,
)
from callcenter.residents.service.status import PublicStatuses, StatusThrottle

NUMBER = "2026-000042"
T = datetime(2026, 3, 2, 8, tzinfo=UTC)
APPEAL = PublicAppeal(NUMBER, Status.IN_WORK, T, T, "roof_leak", "вулиця Галицька", "3",
                      "УК «Центр»", None, None, None)
LIMITS = StatusLimits(address=DelayPolicy(free=10, first=60, cap=3600, forget=3600),
                      number=DelayPolicy(free=3, first=2, cap=600, forget=3600))


class Store:
    async def public_appeal(self, number: str) -> tuple[Contacts, PublicAppeal] | None:
        await asyncio.sleep(0)  # a real store yields while the database answers
        return (Contacts("+380671234567", None, None), APPEAL) if number == NUMBER else None


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def statuses(clock: Clock) -> PublicStatuses:
    return PublicStatuses(Store(), StatusThrottle(LIMITS, clock=clock))


async def test_the_right_pair_takes_its_try_back() -> None:
    service = statuses(Clock())
    for other in range(9):  # numbers that do not exist: only the address counts them
        with pytest.raises(StatusNotFound):
            await service.look_up(f"2026-9{other:05d}", "0000", client="a")
    for _ in range(5):  # right answers cost the address nothing
        assert await service.look_up(NUMBER, "4567", client="a") == APPEAL
    for last in ("2026-999998", "2026-999999"):  # ten free failures, the eleventh waits
        with pytest.raises(StatusNotFound):
            await service.look_up(last, "0001", client="a")
    with pytest.raises(StatusThrottled) as waited:
        await service.look_up(NUMBER, "4567", client="a")
    assert waited.value.retry_after == 60


async def test_parallel_guesses_cannot_all_slip_through() -> None:
    service = statuses(Clock())
    results = await asyncio.gather(*(service.look_up(NUMBER, f"{k:04d}", client="bot")
                                     for k in range(50)), return_exceptions=True)
    kinds = [type(r).__name__ for r in results]
    assert kinds.count("StatusNotFound") <= 10
    assert kinds.count("StatusThrottled") >= 40


async def test_the_numbers_delay_grows_for_those_who_keep_failing_at_it() -> None:
    clock = Clock()
    service = statuses(clock)
    waits = []
    for _ in range(8):
        try:
            await service.look_up(NUMBER, "1111", client="slow")
        except StatusThrottled as exc:
            waits.append(exc.retry_after)
            clock.now += exc.retry_after
        except StatusNotFound:
            pass
    assert waits == [2, 4]  # four free (the number's delay starts after three), then 2, 4...
    assert await service.look_up(NUMBER, "4567", client="elsewhere") == APPEAL
