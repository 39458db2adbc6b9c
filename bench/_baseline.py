"""(a) The baseline: bare panoramisk with a no-op handler (it only counts events)."""

from __future__ import annotations

import asyncio
import contextlib
import time

from _target import NEVER, SECRET, USERNAME, Target, report
from panoramisk import Manager

LOGIN_EVENTS = 2  # FullyBooted and SuccessfulAuth come before the stream


class Counter:
    """The no-op handler: counts events, and says when `expected` have arrived."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.seen = 0
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def __call__(self, _manager: object, _event: object) -> None:
        self.seen += 1
        if self.seen >= self.expected and not self.done.done():
            self.done.set_result(None)


async def run_panoramisk(target: Target) -> None:
    counter = Counter(target.events + LOGIN_EVENTS)
    manager = Manager(host="127.0.0.1", port=target.port, username=USERNAME, secret=SECRET,
                      ping_delay=NEVER, loop=asyncio.get_running_loop())
    manager.register_event("*", counter)
    start = time.perf_counter()
    manager.connect()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(counter.done, target.timeout)
    seconds = time.perf_counter() - start
    manager.close()
    report(target, seconds, counter.done.done(), seen=counter.seen - LOGIN_EVENTS)
