"""Growing delays for guessers: a pure model of one key's failures, and where they are kept.

A key (`address:10.0.0.7`, `name:olena`, later `appeal:2026-000123`) may fail `free` times
without waiting; after that every failure makes it wait `first`, then twice as long, and so on
up to `cap` seconds. A key that has not failed for `forget` seconds starts clean. Nothing is
ever locked: once its wait is over a key may try again, and a success clears it.

Times are seconds of a monotonic clock, handed in: the model reads no clock. The use cases
keep the strikes in a `StrikeStore`; `MemoryStrikes` keeps them in the process (see
DESIGN-NOTES.md, "Throttling guessers", for why that is enough today).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class DelayPolicy:
    free: int = 3
    first: float = 1.0
    cap: float = 300.0
    forget: float = 900.0

    def delay_after(self, failures: int) -> float:
        """How long to wait after this many failures in a row."""
        beyond = failures - self.free
        if beyond <= 0:
            return 0.0
        return min(self.cap, self.first * 2.0 ** min(beyond - 1, 64))


@dataclass(frozen=True, slots=True)
class Strikes:
    """One key's failures in a row and when the last one was."""

    failures: int
    last: float

    def current(self, policy: DelayPolicy, now: float) -> Strikes | None:
        """Itself, or None once forgotten."""
        return None if now - self.last >= policy.forget else self

    def wait(self, policy: DelayPolicy, now: float) -> float:
        """Seconds until the key may try again (0: now)."""
        if self.current(policy, now) is None:
            return 0.0
        return max(0.0, self.last + policy.delay_after(self.failures) - now)


def failed(strikes: Strikes | None, policy: DelayPolicy, now: float) -> Strikes:
    """The key's strikes after one more failure."""
    kept = strikes.current(policy, now) if strikes else None
    return Strikes((kept.failures if kept else 0) + 1, now)


def wait_of(strikes: Strikes | None, policy: DelayPolicy, now: float) -> float:
    return strikes.wait(policy, now) if strikes else 0.0


def retry_after(seconds: float) -> int:
    """The `Retry-After` header's whole seconds: never earlier than the real wait."""
    return max(1, math.ceil(seconds))


class StrikeStore(Protocol):
    async def strikes(self, keys: list[str]) -> dict[str, Strikes]: ...

    async def save(self, strikes: dict[str, Strikes]) -> None: ...

    async def clear(self, keys: list[str]) -> None: ...


class MemoryStrikes:
    """Strikes in this process, at most `limit` keys (the least recently struck go first)."""

    def __init__(self, limit: int = 100_000) -> None:
        self._limit = limit
        self._keys: OrderedDict[str, Strikes] = OrderedDict()

    async def strikes(self, keys: list[str]) -> dict[str, Strikes]:
        return {key: self._keys[key] for key in keys if key in self._keys}

    async def save(self, strikes: dict[str, Strikes]) -> None:
        for key, value in strikes.items():
            self._keys[key] = value
            self._keys.move_to_end(key)
        while len(self._keys) > self._limit:
            self._keys.popitem(last=False)

    async def clear(self, keys: list[str]) -> None:
        for key in keys:
            self._keys.pop(key, None)
