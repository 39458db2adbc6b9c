"""How long-running loops wait and keep going: for an event up to a time, a sweep at an
interval, the end of a burst, a lost database (`DatabaseOutage`), and a supervisor that runs a
loop again whatever it raised (`Supervisor`).

Never `asyncio.wait_for` here: in Python 3.11 it can swallow a cancellation, and a loop that
must stop when cancelled would then run on (a listener that never stopped hung a test run).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from collections import Counter
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
    outage = DatabaseOutage(postponed)
    while not stop.is_set():
        try:
            await sweep()
            outage.over()
        except StoreUnavailable as exc:
            outage.lost(exc)
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


class DatabaseOutage:
    """One loop's view of a lost database: the first failure of an outage is logged (a
    warning named `event`), each failure waits a little longer (`first` doubling up to
    `longest`), and the return is logged once (`back`, when given)."""

    def __init__(self, event: str, *, back: str | None = None, first: float = 0.2,
                 longest: float = 10.0) -> None:
        self._event, self._back = event, back
        self._first, self._longest = first, longest
        self.delay = first
        self.away = False

    def lost(self, exc: StoreUnavailable, **fields: object) -> None:
        if not self.away:
            log.warning(self._event, error=str(exc), **fields)
        self.away = True

    async def wait(self, exc: StoreUnavailable, **fields: object) -> None:
        """`lost`, then the pause before the next attempt."""
        self.lost(exc, **fields)
        await asyncio.sleep(self.delay)
        self.delay = min(self.delay * 2, self._longest)

    def over(self, **fields: object) -> None:
        if self.away and self._back:
            log.info(self._back, **fields)
        self.away, self.delay = False, self._first


class Supervisor:
    """Keeps a process's long-running loops going: no loop takes the process down for an
    error it does not know. A loop that raises is run again after a pause (`first` doubling
    up to `longest`; a run that lasted longer than `longest` starts the pauses over). A lost
    database is a warning (`loop_waiting_for_database`); anything else is an error with its
    traceback (`loop_failed`); each distinct failure is logged once until the loop has run
    well again. `failures` counts every restart (metrics), `failing()` names the loops that
    failed for another reason than the database within the last `recent` seconds
    (readiness). Exceptions in `fatal` are let through (a refused AMI login ends the
    process, as it should)."""

    def __init__(self, *, first: float = 0.5, longest: float = 30.0, recent: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._first, self._longest, self._recent = first, longest, recent
        self._clock = clock
        self.failures: Counter[str] = Counter()
        self._last: dict[str, tuple[float, str]] = {}  # loop -> (when, why): not the database
        self._said: dict[str, set[str]] = {}  # loop -> failures logged since it last ran well

    async def keep(self, name: str, run: Callable[[], Awaitable[object]], *,
                   fatal: tuple[type[BaseException], ...] = ()) -> None:
        """Run `run()` until it returns (or the task is cancelled), again after each failure."""
        delay = self._first
        while True:
            started = self._clock()
            try:
                await run()
                return
            except fatal:
                raise
            except Exception as exc:
                if self._clock() - started > self._longest:  # it ran well for a while
                    delay = self._first
                    self._said.pop(name, None)
                self._failed(name, exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._longest)

    def failing(self) -> dict[str, str]:
        """The loops that failed (not for the database) within `recent` seconds, and why."""
        now = self._clock()
        return {name: why for name, (at, why) in sorted(self._last.items())
                if now - at <= self._recent}

    def _failed(self, name: str, exc: Exception) -> None:
        self.failures[name] += 1
        database = store_unavailable(exc)
        if database is not None:
            if self._first_time(name, "database"):
                log.warning("loop_waiting_for_database", loop=name, error=str(database))
            return
        why = first_line(exc)
        self._last[name] = (self._clock(), why)
        if self._first_time(name, _signature(exc)):
            log.error("loop_failed", loop=name, error=why, exc_info=exc)

    def _first_time(self, name: str, signature: str) -> bool:
        """True unless this failure of this loop was logged since it last ran well."""
        said = self._said.setdefault(name, set())
        new = signature not in said
        said.add(signature)
        return new


def store_unavailable(exc: BaseException) -> StoreUnavailable | None:
    """The StoreUnavailable `exc` is, or the first of a task group's that held only those."""
    if isinstance(exc, StoreUnavailable):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        _, rest = exc.split(StoreUnavailable)
        if rest is None:
            return store_unavailable(exc.exceptions[0])
    return None


def first_line(exc: BaseException) -> str:
    """`ValueError: what went wrong`, the first line only: SQLAlchemy puts the statement on
    the lines after it."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def _signature(exc: BaseException) -> str:
    """The type and the place it was raised (of a task group's first error): one failure,
    however often it repeats."""
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__qualname__}@{where}"
