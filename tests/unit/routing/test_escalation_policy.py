"""Escalation policy (domain.escalation) and the outbox retry policy (domain.outbox)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.delivery.model.outbox import backoff
from callcenter.routing.model.escalation import due_reminders, reminder_key
from callcenter.routing.model.worktime import Term, WorkingCalendar

KYIV = ZoneInfo("Europe/Kyiv")
CAL = WorkingCalendar(KYIV)
ASSIGNED = datetime(2026, 12, 2, 10, 0, tzinfo=KYIV)  # Wednesday


HOUR = Term(1, "h")


def due(now: datetime, window: Term = HOUR, acknowledged: datetime | None = None
        ) -> list[int]:
    found = due_reminders(appeal_id=7, assignment_id=3, assigned_at=ASSIGNED,
                          acknowledged_at=acknowledged, window=window, calendar=CAL, now=now)
    return [r.level for r in found]


@pytest.mark.parametrize(
    ("minutes", "levels"),
    [(0, []), (59, []), (60, [1]), (119, [1]), (120, [1, 2]), (10_000, [1, 2])],
)
def test_levels_by_window(minutes: int, levels: list[int]) -> None:
    assert due(ASSIGNED + timedelta(minutes=minutes)) == levels


def test_nothing_is_due_once_acknowledged() -> None:
    assert due(ASSIGNED + timedelta(hours=5), acknowledged=ASSIGNED + timedelta(minutes=5)) == []


def test_working_day_windows_skip_the_weekend() -> None:
    friday = datetime(2026, 12, 4, 16, 0, tzinfo=KYIV)
    found = due_reminders(appeal_id=1, assignment_id=1, assigned_at=friday,
                          acknowledged_at=None, window=Term(1, "wd"), calendar=CAL,
                          now=datetime(2026, 12, 7, 16, 0, tzinfo=KYIV))
    assert [(r.level, r.due_at) for r in found] == [(1, datetime(2026, 12, 7, 16, 0,
                                                                 tzinfo=KYIV))]


def test_keys_are_deterministic_per_appeal_assignment_and_level() -> None:
    [first, second] = due_reminders(appeal_id=7, assignment_id=3, assigned_at=ASSIGNED,
                                    acknowledged_at=None, window=Term(1, "h"), calendar=CAL,
                                    now=ASSIGNED + timedelta(hours=3))
    assert first.key == reminder_key(7, 3, 1) == "appeal:7:assignment:3:reminder:1"
    assert second.key == "appeal:7:assignment:3:reminder:2"
    assert reminder_key(7, 4, 1) != first.key  # a reassignment starts over


def test_backoff_grows_exponentially_is_capped_and_jittered() -> None:
    steps = [backoff(n, base=30, cap=3600, jitter=1.0) for n in range(1, 10)]
    assert steps[:4] == [30, 60, 120, 240]
    assert max(steps) == 3600
    assert backoff(3, base=30, cap=3600, jitter=0.0) == 60  # half of the step at least
    assert 60 < backoff(3, base=30, cap=3600, jitter=0.5) < 120
