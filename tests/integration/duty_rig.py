"""The duty desk on a real database with a controllable clock, and the e-mails it queued."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from callcenter.core.database import Database
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.duty.service import DutyDesk, DutySettings, Writer
from callcenter.duty.store import SqlDutyStore

OLENA = Writer(1, "Олена Коваль")
PETRO = Writer(2, "Петро Бондар")
SETTINGS = DutySettings(alarm_emails=("chief@city.example", "deputy@city.example"),
                        signal_emails=("mayor@city.example", "deputy@city.example",
                                       "dsns@city.example"))


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def desk_on(db: Database, clock: Clock, settings: DutySettings = SETTINGS) -> DutyDesk:
    return DutyDesk(SqlDutyStore(db), settings, now=clock)


async def duty_mail(db: Database) -> list[dict[str, Any]]:
    """The duty desk's outbox rows: recipient, event, subject, text."""
    async with db.reading() as session:
        rows = await session.scalars(select(OutboxMessageRow).where(
            OutboxMessageRow.event.like("duty.%")).order_by(OutboxMessageRow.id))
        return [{"to": r.recipient, "event": r.event, **json.loads(r.payload)} for r in rows]
