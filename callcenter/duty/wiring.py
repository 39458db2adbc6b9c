"""Composition of the duty desk: the use cases on the database, and its timed jobs."""

from __future__ import annotations

from datetime import datetime

from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.core.scheduler import Scheduler
from callcenter.duty.model import closing_time
from callcenter.duty.service import DutyDesk, DutySettings
from callcenter.duty.store import SqlDutyStore


def settings_of(config: Config) -> DutySettings:
    d = config.duty
    return DutySettings(
        checks=d.alerting_checks, window=d.check_window_minutes,
        alarm_emails=d.alarm_emails or config.notify.supervisor_emails,
        signal_emails=d.signal_emails, remind_days=d.remind_days, timezone=config.timezone,
        page_url=f"{config.notify.public_base_url.rstrip('/')}/duty")


def build_duty(config: Config, db: Database) -> DutyDesk:
    return DutyDesk(SqlDutyStore(db), settings_of(config))


def schedule(config: Config, scheduler: Scheduler, desk: DutyDesk | None = None) -> DutyDesk:
    """One daily job per alerting-system check, when its window closes (an alarm if it was
    not logged), and the daily reminders of the assignments."""
    desk = desk or build_duty(config, scheduler.db)
    window = config.duty.check_window_minutes
    for at in config.duty.alerting_checks:
        scheduler.daily(f"duty-check-{at}", closing_time(at, window), _sweep(desk, at))
    scheduler.daily("duty-assignment-reminders", config.duty.remind_at, desk.remind)
    return desk


def _sweep(desk: DutyDesk, at: str):  # type: ignore[no-untyped-def]
    async def run(due: datetime) -> None:
        await desk.sweep_check(at, due)
    return run
