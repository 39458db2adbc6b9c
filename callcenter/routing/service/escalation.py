"""The escalation sweep: remind silent contractors, then tell their managers and supervisors.

Idempotent and safe to run from any timer, in any number of processes: each reminder's outbox
keys are deterministic per (appeal, assignment, level) and inserted only if absent, and the
history row is written only by the sweep whose insert won.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import structlog

from callcenter.core.pacing import every
from callcenter.delivery.model.notices import Notifier
from callcenter.delivery.model.outbox import NewMessage
from callcenter.routing.model.escalation import REMINDER, DueReminder, due_reminders
from callcenter.routing.model.records import OverdueAppeal, Unacknowledged
from callcenter.routing.service.ports import RoutingStore
from callcenter.routing.service.rules import RuleHolder

log = structlog.get_logger("callcenter.escalation")
SWEEPER = "escalation"
CHUNK = 200  # appeals per transaction


def utc_now() -> datetime:
    return datetime.now(UTC)


class Escalation:
    def __init__(self, *, store: RoutingStore, rules: RuleHolder, notifier: Notifier,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.rules = rules
        self.notifier = notifier
        self.clock = clock

    async def sweep(self) -> int:
        """Enqueue every reminder due now that is not enqueued yet; return how many messages."""
        now = self.clock()
        due = [(item, reminder) for item in await self.store.unacknowledged()
               for reminder in self._due(item, now)]
        enqueued = 0
        for start in range(0, len(due), CHUNK):
            enqueued += await self._enqueue(due[start:start + CHUNK], now)
        if enqueued:
            log.info("escalation_sweep", messages=enqueued)
        return enqueued

    def _due(self, item: Unacknowledged, now: datetime) -> list[DueReminder]:
        rules = self.rules.rules
        window = rules.acknowledge.get(item.assignment.priority, rules.acknowledge["normal"])
        return due_reminders(appeal_id=item.appeal.id, assignment_id=item.assignment.id,
                             assigned_at=item.assignment.at,
                             acknowledged_at=None, window=window, calendar=rules.calendar,
                             now=now)

    async def _enqueue(self, due: list[tuple[Unacknowledged, DueReminder]],
                       now: datetime) -> int:
        enqueued = 0
        async with self.store.transaction() as tx:
            for item, reminder in due:
                inserted = await tx.enqueue(
                    self._messages(item, reminder), appeal_id=item.appeal.id,
                    decision_id=item.assignment.id, contractor_id=item.contractor.id, at=now)
                if inserted:
                    enqueued += len(inserted)
                    await tx.note(item.appeal.id, at=now, actor=SWEEPER,
                                  action="reminder" if reminder.level == REMINDER
                                  else "escalated", comment=_comment(item, inserted))
        return enqueued

    def _messages(self, item: Unacknowledged, reminder: DueReminder) -> list[NewMessage]:
        if reminder.level == REMINDER:
            return self.notifier.appeal_reminder(item.appeal, item.contractor, item.assignment,
                                                 reminder)
        return self.notifier.appeal_escalated(item.appeal, item.contractor, item.assignment,
                                              reminder)

    async def overdue(self, *, limit: int = 500) -> list[OverdueAppeal]:
        return await self.store.overdue(self.clock(), limit=limit)

    async def run(self, interval: float, stop: asyncio.Event | None = None) -> None:
        """Sweep every `interval` seconds until `stop` is set (or cancelled); a lost
        database is waited out."""
        await every(interval, stop, self.sweep, postponed="escalation_sweep_postponed")


def _comment(item: Unacknowledged, inserted: list[NewMessage]) -> str:
    recipients = ", ".join(sorted({m.recipient for m in inserted}))
    return f"{item.contractor.code} не підтвердив(ла) отримання; повідомлено: {recipients}"
