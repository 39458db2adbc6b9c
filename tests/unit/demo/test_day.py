"""The demo's compressed day: its rhythm and its burst, from the seed alone."""

from __future__ import annotations

from datetime import time

from callcenter.demo.day import Burst, CityDay


def calls_per_hour(day: CityDay, hours: int) -> dict[int, int]:
    seen: dict[int, int] = {}
    elapsed = 0.0
    while elapsed < hours * 3600:
        elapsed += day.next_call().after * day.speed
        seen[day.now.hour] = seen.get(day.now.hour, 0) + 1
    return seen


def test_quiet_night_morning_peak_and_the_burst() -> None:
    day = CityDay(seed=3, speed=60.0, interval=6.0, start=time(0, 0))
    seen = calls_per_hour(day, 24)
    night = sum(seen.get(h, 0) for h in range(0, 5))
    morning = sum(seen.get(h, 0) for h in range(8, 11))
    burst = seen.get(13, 0)  # 12:30-14:00: the water main is out
    assert morning > 4 * night
    assert burst > seen.get(16, 0) * 2


def test_the_same_seed_plays_the_same_day() -> None:
    first = [CityDay(seed=9, speed=96.0, interval=6.0).next_call() for _ in range(1)]
    again = [CityDay(seed=9, speed=96.0, interval=6.0).next_call() for _ in range(1)]
    assert first == again
    other = CityDay(seed=10, speed=96.0, interval=6.0).next_call()
    assert other != first[0]


def test_burst_calls_only_while_the_main_is_out() -> None:
    day = CityDay(seed=5, speed=120.0, interval=2.0, start=time(11, 0),
                  burst=Burst(start=time(12, 0), minutes=60))
    bursts = 0
    while day.now < time(13, 30):
        call = day.next_call()
        bursts += call.burst
        if call.burst:
            assert day.burst.covers(day.now)
    assert bursts > 5
