"""The demo's duty desk: at 15:00 the 08:00 check is logged, the 14:00 one missed with its
alarm, a journal entry and an overdue assignment are there; a second start adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from callcenter.core.database import Database
from callcenter.demo.duty import duty_day
from tests.integration.duty_rig import Clock, desk_on, duty_mail


async def test_the_demo_duty_day(database_url: str) -> None:
    db = Database(database_url)
    try:
        clock = Clock(datetime(2026, 12, 7, 13, tzinfo=UTC))  # 15:00 Kyiv
        desk = desk_on(db, clock)
        await duty_day(desk)
        await duty_day(desk)
        states = await desk.day()
        assert [(s.slot.at, s.check is not None, s.missed) for s in states] == [
            ("08:00", True, False), ("14:00", False, True), ("20:00", False, False)]
        assert [a.slot for a in await desk.recent_alarms()] == ["14:00"]
        assert len(await duty_mail(db)) == 2  # the supervisors, told once
        period = await desk.period(datetime(2026, 12, 6, 22, tzinfo=UTC),
                                   datetime(2026, 12, 7, 22, tzinfo=UTC))
        assert len(period.entries) == 1 and len(await desk.overdue()) == 1
    finally:
        await db.close()
