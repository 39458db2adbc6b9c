"""The sign-in rule: an address waits out its own delay, and a name's delay only once the
address itself failed as often as a name may; so a guesser is slowed and the operator at her
own desk still gets in. Driven through `SignInThrottle` on the in-process store."""

from __future__ import annotations

import pytest

from callcenter.core.throttle import DelayPolicy
from callcenter.users.model import SignInLimits, SignInThrottled, sign_in_keys
from callcenter.users.service import SignInThrottle

LIMITS = SignInLimits(name=DelayPolicy(free=3, first=1.0, cap=300.0, forget=900.0),
                      address=DelayPolicy(free=10, first=1.0, cap=300.0, forget=900.0))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(clock: Clock) -> SignInThrottle:
    return SignInThrottle(LIMITS, clock=clock)


async def fail(throttle: SignInThrottle, address: str, name: str, times: int = 1) -> None:
    for _ in range(times):
        await throttle.attempt(sign_in_keys(address, name))


async def refused_for(throttle: SignInThrottle, address: str, name: str) -> int | None:
    try:
        before = await throttle.attempt(sign_in_keys(address, name))
    except SignInThrottled as exc:
        return exc.retry_after
    await throttle.succeeded(sign_in_keys(address, name), before)
    return None


async def test_a_guesser_waits_longer_with_every_failure(throttle: SignInThrottle,
                                                         clock: Clock) -> None:
    await fail(throttle, "10.0.0.66", "olena", 4)  # three free, the fourth: 1 s
    assert await refused_for(throttle, "10.0.0.66", "olena") == 1
    clock.now += 1.0
    await fail(throttle, "10.0.0.66", "olena")  # the fifth: 2 s
    clock.now += 1.5
    assert await refused_for(throttle, "10.0.0.66", "olena") == 1  # 0.5 s left: says 1
    clock.now += 0.5
    assert await refused_for(throttle, "10.0.0.66", "olena") is None


async def test_the_operator_at_her_own_desk_gets_in_while_her_name_is_guessed(
        throttle: SignInThrottle, clock: Clock) -> None:
    for _ in range(7):
        await fail(throttle, "10.0.0.66", "olena")
        clock.now += 300.0  # the guesser waits out each delay
    await fail(throttle, "10.0.0.66", "olena")
    assert await refused_for(throttle, "10.0.0.66", "olena") is not None
    assert await refused_for(throttle, "10.0.0.5", "olena") is None


async def test_an_unknown_name_and_a_known_one_are_throttled_alike(
        throttle: SignInThrottle) -> None:
    await fail(throttle, "10.0.0.66", "olena", 4)
    await fail(throttle, "10.0.0.67", "nobody-at-all", 4)
    assert await refused_for(throttle, "10.0.0.66", "olena") == 1
    assert await refused_for(throttle, "10.0.0.67", "nobody-at-all") == 1


async def test_an_address_spraying_names_is_slowed_by_its_own_delay(
        throttle: SignInThrottle) -> None:
    for number in range(11):
        await fail(throttle, "10.0.0.66", f"user{number}")
    assert await refused_for(throttle, "10.0.0.66", "someone-new") == 1
    assert await refused_for(throttle, "10.0.0.5", "someone-new") is None


async def test_the_right_password_clears_the_name_not_the_address(
        throttle: SignInThrottle, clock: Clock) -> None:
    await fail(throttle, "10.0.0.5", "olena", 3)
    assert await refused_for(throttle, "10.0.0.5", "olena") is None  # signed in
    await fail(throttle, "10.0.0.5", "olena", 3)  # the name starts clean: free again
    assert await refused_for(throttle, "10.0.0.5", "olena") is None
    strikes = await throttle.store.strikes(sign_in_keys("10.0.0.5", "olena"))
    assert strikes["address:10.0.0.5"].failures == 6
