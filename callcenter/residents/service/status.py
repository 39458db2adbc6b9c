"""A resident looks up an appeal by its number and a key, without signing in; guessing is
slowed per client address and per appeal number (callcenter/core/throttle.py, the sign-in
throttle's mechanism and rule)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import structlog

from callcenter.core.throttle import (
    MemoryStrikes,
    Strikes,
    StrikeStore,
    failed,
    retry_after,
)
from callcenter.residents.model.status import (
    Contacts,
    PublicAppeal,
    StatusLimits,
    StatusNotFound,
    StatusThrottled,
    matches,
    status_wait,
    throttle_keys,
)

log = structlog.get_logger("callcenter.residents")


class StatusStore(Protocol):
    async def public_appeal(self, number: str) -> tuple[Contacts, PublicAppeal] | None:
        """The appeal's contacts (to check the key) and its public view; None if none."""


class StatusThrottle:
    """Counts a try as a failure before looking (parallel guesses cannot all slip through),
    and takes it back when the pair was right."""

    def __init__(self, limits: StatusLimits, store: StrikeStore | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.store = store or MemoryStrikes()
        self.clock = clock

    async def attempt(self, keys: list[str]) -> dict[str, Strikes]:
        before = await self.store.strikes(keys)
        address, number = keys
        now = self.clock()
        wait = status_wait(self.limits, before.get(address), before.get(number), now)
        if wait > 0:
            raise StatusThrottled(retry_after(wait))
        await self.store.save({address: failed(before.get(address), self.limits.address, now),
                               number: failed(before.get(number), self.limits.number, now)})
        return before

    async def succeeded(self, keys: list[str], before: dict[str, Strikes]) -> None:
        """The right pair: the number starts clean, the address is as it was before."""
        address, number = keys
        await self.store.clear([number] if address in before else keys)
        if address in before:
            await self.store.save({address: before[address]})


class PublicStatuses:
    def __init__(self, store: StatusStore, throttle: StatusThrottle, *,
                 timezone: str = "Europe/Kyiv") -> None:
        self.store = store
        self.throttle = throttle
        self.timezone = timezone  # the public view's times are shown in it

    async def look_up(self, number: str, key: str, *, client: str) -> PublicAppeal:
        """The appeal if the pair is right; `StatusNotFound` otherwise (whatever was wrong),
        `StatusThrottled` while this client must wait."""
        number = number.strip()
        keys = throttle_keys(client, number)
        before = await self.throttle.attempt(keys)
        found = await self.store.public_appeal(number)
        if found is None or not found[0].public or not matches(found[0], key):
            log.info("public_status_not_found", client=client)
            raise StatusNotFound()
        await self.throttle.succeeded(keys, before)
        return found[1]
