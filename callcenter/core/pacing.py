"""How long-running loops wait: for an event up to a time, a sweep at an interval, the end of
a burst.

Never `asyncio.wait_for` here: in Python 3.11 it can swallow a cancellation, and a loop that
must stop when cancelled would then run on (a listener that never stopped hung a test run).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

import structlog

from callcenter.core.errors import StoreUnavailable

log = structlog.get_logger("callcenter.pacing")


async def wait_for_event(event: asyncio.Event, seconds: float | None) -> bool:
    """Wait until `event` is set or `seconds` have passed; True if it was set."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
    return event.is_set()


async def every(interval: float, stop: asyncio.Event | None,
                sweep: Callable[[], Awaitable[object]], *, postponed: str) -> None:
    """`sweep` every `interval` seconds until `stop` is set (or cancelled); a lost database
    is waited out, logged as `postponed`."""
    stop = stop or asyncio.Event()
    while not stop.is_set():
        try:
            await sweep()
        except StoreUnavailable as exc:
            log.warning(postponed, error=str(exc))
        await wait_for_event(stop, interval)


async def after_burst(last: Callable[[], float], *, quiet: float, longest: float,
                      busy: Callable[[], bool] = lambda: False) -> None:
    """Return once no item came for `quiet` seconds (`last()`: the monotonic time of the
    latest) and nothing is `busy`, at the latest after `longest` seconds: a writer that
    waits for a burst to end writes it in one transaction instead of interleaving with it."""
    now = time.monotonic()
    deadline = now + longest
    while now < deadline and (busy() or now - last() < quiet):
        await asyncio.sleep(quiet)
        now = time.monotonic()
