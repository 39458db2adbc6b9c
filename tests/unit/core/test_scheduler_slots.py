"""When a timed job is due: wall-clock times in Kyiv, right across the daylight-saving change
(2026: begins Sunday 29 March 03:00 -> 04:00, ends Sunday 25 October 04:00 -> 03:00)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from callcenter.core.scheduler import Daily, Interval, parse_time, wall_clock

KYIV = ZoneInfo("Europe/Kyiv")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("day", "expected"), [
    ((2026, 3, 28), utc(2026, 3, 28, 6)),   # EET, +2
    ((2026, 3, 29), utc(2026, 3, 29, 5)),   # the change day: already EEST, +3
    ((2026, 10, 24), utc(2026, 10, 24, 5)),  # EEST
    ((2026, 10, 25), utc(2026, 10, 25, 6)),  # the change day: back to EET
])
def test_eight_oclock_is_eight_oclock_on_the_change_days(day: tuple[int, int, int],
                                                          expected: datetime) -> None:
    from datetime import date
    assert wall_clock(date(*day), time(8), KYIV) == expected


def test_a_daily_job_is_due_from_its_time_until_the_day_ends() -> None:
    job = Daily(time(8))
    assert job.slot(utc(2026, 3, 29, 4, 59), KYIV) is None  # 07:59 EEST
    due = job.slot(utc(2026, 3, 29, 5, 0), KYIV)
    assert due is not None and due.key == "2026-03-29" and due.due == utc(2026, 3, 29, 5)
    late = job.slot(utc(2026, 3, 29, 20, 59), KYIV)  # 23:59 local: catches up, same slot
    assert late == due
    nxt = job.slot(utc(2026, 3, 29, 21, 0), KYIV)  # 00:00 local of the 30th: a new day
    assert nxt is None


def test_the_october_night_has_one_slot_although_the_hour_repeats() -> None:
    job = Daily(time(3, 30))
    first = job.slot(utc(2026, 10, 25, 0, 30), KYIV)  # 03:30 EEST, the first of two
    second = job.slot(utc(2026, 10, 25, 1, 30), KYIV)  # 03:30 EET, the repeat
    assert first is not None and second is not None
    assert first == second and first.due == utc(2026, 10, 25, 0, 30)


def test_a_time_in_the_skipped_march_hour_runs_once_after_the_jump() -> None:
    job = Daily(time(3, 30))  # 03:30 does not exist on 29 March in Kyiv
    assert job.slot(utc(2026, 3, 29, 0, 59), KYIV) is None  # 02:59 EET
    slot = job.slot(utc(2026, 3, 29, 1, 30), KYIV)  # 04:30 EEST
    assert slot is not None and slot.key == "2026-03-29"
    assert slot.due.astimezone(KYIV).hour == 4


def test_interval_slots_are_aligned_in_utc() -> None:
    job = Interval(15)
    a = job.slot(utc(2026, 10, 25, 0, 59, 59), KYIV)
    b = job.slot(utc(2026, 10, 25, 1, 0, 1), KYIV)
    assert a is not None and b is not None
    assert (a.key, b.key) == ("2026-10-25T00:45Z", "2026-10-25T01:00Z")


@pytest.mark.parametrize("bad", ["8", "8:0", "aa:bb", "25:00", ""])
def test_a_bad_time_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_time(bad)
