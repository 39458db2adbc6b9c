"""The compressed city day the demo plays (pure: no I/O, no clock of its own).

A day of the 1580 line has a rhythm: quiet nights, a morning peak when people wake to no water
or a cold radiator, a steady afternoon, a quieter evening, and on a bad day a burst of calls
about one thing (here: a water main bursts on one street). `CityDay` turns a seeded random
stream and the simulated time of day into the next call: when it comes and what it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import time, timedelta

# Calls per base interval by the hour of the day (1.0 = one call every `interval` seconds).
HOURLY_RATE = (0.15, 0.1, 0.1, 0.1, 0.15, 0.25, 0.5, 1.2, 2.0, 2.2, 1.8, 1.4,
               1.2, 1.1, 1.1, 1.2, 1.1, 1.0, 0.9, 0.8, 0.6, 0.45, 0.3, 0.2)
BURST_RATE = 3.0  # on top of the hour's rate while the water main is out


@dataclass(frozen=True)
class Burst:
    """The water main that bursts mid-day: when (simulated), for how long, and where."""

    start: time = time(12, 30)
    minutes: int = 90
    street: str = "Незалежності"

    def covers(self, at: time) -> bool:
        begin = self.start.hour * 60 + self.start.minute
        now = at.hour * 60 + at.minute
        return begin <= now < begin + self.minutes


@dataclass(frozen=True)
class NextCall:
    after: float  # real seconds from now
    answered: bool  # someone picks up (otherwise the caller gives up in the queue)
    burst: bool  # about the burst water main
    caller: int  # index of the caller in the demo's pool (returning callers repeat)


class CityDay:
    """Where the day stands (simulated) and what comes next; `speed` simulated seconds pass
    per real second; `interval` real seconds between calls at rate 1.0."""

    def __init__(self, *, seed: int, speed: float, interval: float, start: time = time(7, 40),
                 burst: Burst | None = None, callers: int = 40) -> None:
        self.random = random.Random(seed)
        self.speed = speed
        self.interval = interval
        self.burst = burst or Burst()
        self.callers = callers
        self._clock = timedelta(hours=start.hour, minutes=start.minute)

    @property
    def now(self) -> time:
        seconds = int(self._clock.total_seconds()) % 86_400
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)

    def rate(self, at: time) -> float:
        rate = HOURLY_RATE[at.hour]
        return rate + BURST_RATE if self.burst.covers(at) else rate

    def next_call(self) -> NextCall:
        """The next call, and advance the day to it."""
        at = self.now
        mean = self.interval / self.rate(at)
        after = min(self.random.expovariate(1.0 / mean), 4 * mean)
        self._clock += timedelta(seconds=after * self.speed)
        burst = self.burst.covers(self.now) and self.random.random() < BURST_RATE / (
            BURST_RATE + HOURLY_RATE[self.now.hour])
        # Callers give up more often when the line is busy.
        answered = self.random.random() < (0.6 if burst else 0.8)
        return NextCall(after=after, answered=answered, burst=burst,
                        caller=self._caller())

    def next_call_now(self) -> NextCall:
        """The day's first call: at once, answered (a newcomer sees a pop straight away)."""
        return NextCall(after=0.5, answered=True, burst=False, caller=self._caller())

    def _caller(self) -> int:
        # A few residents call again and again (their pop shows earlier appeals).
        if self.random.random() < 0.3:
            return self.random.randrange(min(5, self.callers))
        return self.random.randrange(self.callers)
