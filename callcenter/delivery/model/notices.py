"""What contractors, managers and supervisors are told: one method per outgoing event.

`Notifier` turns an event into outbox messages (one per channel and recipient) with their
idempotency keys and JSON payloads; the notify/ adapter renders the payload as an e-mail or
POSTs it as a webhook. Services never build payloads themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from callcenter.contractors.model.contractors import Contractor
from callcenter.core.phones import mask
from callcenter.delivery.model.outbox import EMAIL, WEBHOOK, NewMessage
from callcenter.routing.model.escalation import DueReminder
from callcenter.routing.model.records import AppealCard, Assignment

ASSIGNED = "appeal.assigned"
REMINDER = "appeal.reminder"
ESCALATED = "appeal.escalated"
WITHDRAWN = "appeal.withdrawn"


@dataclass(frozen=True)
class Notifier:
    public_base_url: str
    timezone: str
    supervisors: tuple[str, ...] = ()
    # Category code -> its Ukrainian name, for people (e-mails); webhooks get both.
    category_names: Mapping[str, str] = field(default_factory=dict)

    def appeal_assigned(self, appeal: AppealCard, contractor: Contractor,
                        assignment: Assignment) -> list[NewMessage]:
        """To every channel of the contractor; the appeal is delivered when all succeeded."""
        base = f"appeal:{appeal.id}:assignment:{assignment.id}"
        payload = self._payload(ASSIGNED, appeal, contractor, assignment)
        return self._to_contractor(base, ASSIGNED, payload, contractor, required=True)

    def appeal_reminder(self, appeal: AppealCard, contractor: Contractor,
                        assignment: Assignment, reminder: DueReminder) -> list[NewMessage]:
        payload = self._payload(REMINDER, appeal, contractor, assignment, level=reminder.level)
        return self._to_contractor(reminder.key, REMINDER, payload, contractor)

    def appeal_escalated(self, appeal: AppealCard, contractor: Contractor,
                         assignment: Assignment, reminder: DueReminder) -> list[NewMessage]:
        """To the contractor's manager and the supervisors, by e-mail."""
        payload = self._payload(ESCALATED, appeal, contractor, assignment,
                                level=reminder.level)
        recipients = dict.fromkeys(r for r in (contractor.manager_email, *self.supervisors) if r)
        return [NewMessage(f"{reminder.key}:{EMAIL}:{to}", ESCALATED, EMAIL, to,
                           {**payload, "idempotency_key": f"{reminder.key}:{EMAIL}:{to}"})
                for to in recipients]

    def appeal_withdrawn(self, appeal: AppealCard, contractor: Contractor,
                         assignment: Assignment, reason: str) -> list[NewMessage]:
        """The previous contractor learns the appeal is no longer theirs."""
        base = f"appeal:{appeal.id}:assignment:{assignment.id}:withdrawn"
        payload = {**self._payload(WITHDRAWN, appeal, contractor, assignment), "note": reason}
        return self._to_contractor(base, WITHDRAWN, payload, contractor)

    def _to_contractor(self, base: str, event: str, payload: dict[str, Any],
                       contractor: Contractor, *, required: bool = False) -> list[NewMessage]:
        messages = []
        for channel in contractor.channels:
            key = f"{base}:{channel}"
            recipient = (contractor.email if channel == EMAIL else contractor.webhook_url) or ""
            secret = contractor.webhook_secret_ref if channel == WEBHOOK else None
            messages.append(NewMessage(key, event, channel, recipient,
                                       {**payload, "idempotency_key": key}, required, secret))
        return messages

    def _payload(self, event: str, appeal: AppealCard, contractor: Contractor,
                 assignment: Assignment, *, level: int | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "event": event,
            "appeal": self._appeal(appeal, callback=assignment.callback),
            "contractor": {"code": contractor.code, "name": contractor.name},
            "assignment": {
                "id": assignment.id, "rule": assignment.rule_id, "reason": assignment.reason,
                "priority": assignment.priority, "deadline": self._time(assignment.deadline),
                "assigned_at": self._time(assignment.at),
            },
            "answer_url": f"{self.public_base_url.rstrip('/')}/contractor/appeals/"
                          f"{appeal.number}",
        }
        if level is not None:
            payload["level"] = level
        return payload

    def _appeal(self, appeal: AppealCard, *, callback: bool) -> dict[str, Any]:
        return {
            "number": appeal.number, "category": appeal.category,
            "category_name": self.category_names.get(appeal.category or ""),
            "address": appeal.address,
            "description": appeal.description, "resident_name": appeal.caller_name,
            "resident_phone": appeal.caller if callback else mask(appeal.caller),
            "opened_at": self._time(appeal.opened_at),
        }

    def _time(self, value: datetime | None) -> str | None:
        return value.astimezone(ZoneInfo(self.timezone)).isoformat() if value else None
