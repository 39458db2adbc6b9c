"""The growing delay of one key: free failures, then doubling to a cap, forgotten after a
quiet spell; and the in-process store's bound."""

from __future__ import annotations

from callcenter.core.throttle import (
    DelayPolicy,
    MemoryStrikes,
    Strikes,
    failed,
    retry_after,
    wait_of,
)

POLICY = DelayPolicy(free=3, first=1.0, cap=60.0, forget=600.0)


def strikes_after(count: int, *, at: float = 0.0) -> Strikes | None:
    strikes = None
    for _ in range(count):
        strikes = failed(strikes, POLICY, at)
    return strikes


def test_the_delay_grows_from_the_first_failure_past_the_free_ones() -> None:
    delays = [POLICY.delay_after(n) for n in range(8)]
    assert delays == [0, 0, 0, 0, 1, 2, 4, 8]
    assert POLICY.delay_after(1000) == 60.0


def test_the_wait_counts_from_the_last_failure() -> None:
    strikes = strikes_after(5, at=100.0)  # fifth failure: 2 s
    assert wait_of(strikes, POLICY, 100.0) == 2.0
    assert wait_of(strikes, POLICY, 101.5) == 0.5
    assert wait_of(strikes, POLICY, 102.0) == 0.0
    assert wait_of(None, POLICY, 100.0) == 0.0


def test_a_quiet_key_is_forgotten_and_starts_clean() -> None:
    strikes = strikes_after(9, at=0.0)
    assert strikes is not None and wait_of(strikes, POLICY, 31.0) == 1.0  # 32 s
    assert strikes.current(POLICY, 600.0) is None
    assert failed(strikes, POLICY, 600.0) == Strikes(1, 600.0)


def test_retry_after_never_says_earlier_than_the_real_wait() -> None:
    assert [retry_after(s) for s in (0.01, 1.0, 1.2, 59.9)] == [1, 1, 2, 60]


async def test_memory_keeps_at_most_its_limit_dropping_the_least_recent() -> None:
    store = MemoryStrikes(limit=2)
    await store.save({"a": Strikes(1, 0.0), "b": Strikes(1, 1.0)})
    await store.save({"a": Strikes(2, 2.0), "c": Strikes(1, 3.0)})
    assert await store.strikes(["a", "b", "c"]) == {"a": Strikes(2, 2.0), "c": Strikes(1, 3.0)}
    await store.clear(["a"])
    assert await store.strikes(["a", "c"]) == {"c": Strikes(1, 3.0)}
