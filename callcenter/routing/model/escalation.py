"""Escalation policy, pure: which reminders are due for an unacknowledged assignment.

Level 1 (a reminder to the contractor) is due once the priority's acknowledgement window has
passed since the assignment; level 2 (the contractor's manager and the supervisors) at twice
the window. Nothing is due once the contractor acknowledged (answered in any way). Each
reminder has a deterministic key per (appeal, assignment, level), so any number of sweeps, by
any number of sweepers, enqueue it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callcenter.routing.model.worktime import Term, WorkingCalendar

REMINDER, ESCALATION = 1, 2
LEVELS = (REMINDER, ESCALATION)


@dataclass(frozen=True, slots=True)
class DueReminder:
    level: int
    due_at: datetime
    key: str


def reminder_key(appeal_id: int, assignment_id: int, level: int) -> str:
    return f"appeal:{appeal_id}:assignment:{assignment_id}:reminder:{level}"


def due_reminders(*, appeal_id: int, assignment_id: int, assigned_at: datetime,
                  acknowledged_at: datetime | None, window: Term,
                  calendar: WorkingCalendar, now: datetime) -> list[DueReminder]:
    if acknowledged_at is not None:
        return []
    due = []
    for level in LEVELS:
        at = calendar.add(assigned_at, window.times(level))
        if now >= at:
            due.append(DueReminder(level, at, reminder_key(appeal_id, assignment_id, level)))
    return due
