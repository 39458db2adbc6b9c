"""Before pytest-timeout fails a hung test, print what its event loop is waiting for.

pytest-timeout dumps the threads' stacks, which for an asyncio test only shows the loop in
`select()`; the coroutines that wait are in the tasks. A timer per test, set a little before
the timeout, prints every task of the running loops with its stack.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
from collections.abc import Iterator

import pytest

EARLY = 15.0  # seconds before the timeout


def running_loops() -> list[asyncio.AbstractEventLoop]:
    return [o for o in gc.get_objects()
            if isinstance(o, asyncio.AbstractEventLoop) and o.is_running()]


def print_tasks(name: str) -> None:
    print(f"\n--- {name} seems hung; its asyncio tasks: ---", file=sys.stderr, flush=True)
    for loop in running_loops():
        for task in list(asyncio.all_tasks(loop)):
            task.print_stack(limit=12, file=sys.stderr)
    sys.stderr.flush()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    timeout = float(item.config.getini("timeout") or 0)
    timer = None
    if timeout > EARLY:
        timer = threading.Timer(timeout - EARLY, print_tasks, args=(item.nodeid,))
        timer.daemon = True
        timer.start()
    try:
        yield
    finally:
        if timer is not None:
            timer.cancel()
