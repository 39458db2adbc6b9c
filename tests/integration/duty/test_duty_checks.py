"""The alerting-system checks on the scheduler, with a controllable clock through the days
daylight saving begins (29 March 2026) and ends (25 October 2026): a check not logged within
its window raises one alarm and one e-mail per recipient, however often the jobs tick and
however many processes run them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callcenter.core import config as configuration
from callcenter.core.database import Database
from callcenter.core.scheduler import Scheduler
from callcenter.duty.wiring import schedule
from tests.integration.duty_rig import OLENA, Clock, desk_on, duty_mail

CONFIG = configuration.load(environ={})


async def run_days(db: Database, clock: Clock, until: datetime, *, skip: set[tuple[int, str]],
                   processes: int = 1) -> None:
    """Ticks every 10 minutes until `until`; the officer logs each check 10 minutes after its
    time, except the (day, "HH:MM") in `skip`."""
    desks = [desk_on(db, clock) for _ in range(processes)]
    schedulers = []
    for i, desk in enumerate(desks):
        scheduler = Scheduler(db, now=clock, owner=f"p{i}")
        schedule(CONFIG, scheduler, desk)
        schedulers.append(scheduler)
    while clock.at < until:
        clock.move(minutes=10)
        local = clock.at.astimezone(desks[0].zone)
        moment = local.strftime("%H:%M")
        for at in CONFIG.duty.alerting_checks:
            hours, minutes = map(int, at.split(":"))
            if (local.hour, local.minute) == (hours, minutes + 10) and \
                    (local.day, at) not in skip:
                await desks[0].log_check(OLENA, "ok", f"о {moment}")
        for scheduler in schedulers:
            await scheduler.tick()


@pytest.mark.parametrize(("month", "days"), [(3, (28, 29, 30)), (10, (24, 25, 26))])
async def test_a_missed_check_alarms_once_across_the_change_day(
        database_url: str, month: int, days: tuple[int, ...]) -> None:
    db = Database(database_url)
    try:
        clock = Clock(datetime(2026, month, days[0] - 1, 22, tzinfo=UTC))  # midnight or later
        until = datetime(2026, month, days[-1], 20, tzinfo=UTC)
        await run_days(db, clock, until, skip={(days[1], "14:00")}, processes=2)
        desk = desk_on(db, clock)
        alarms = await desk.store.alarms(datetime(2026, month, 1, tzinfo=UTC), clock.at)
        assert [(a.day.day, a.slot) for a in alarms] == [(days[1], "14:00")]
        # the alarm came when the window closed, 14:30 Kyiv time of the change day
        assert alarms[0].raised_at.astimezone(desk.zone).strftime("%H:%M") == "14:30"
        mail = await duty_mail(db)
        assert sorted(m["to"] for m in mail) == ["chief@city.example", "deputy@city.example"]
        assert all("14:00" in m["subject"] and m["event"] == "duty.check_missed" for m in mail)
        states = await desk.day(alarms[0].day)
        assert [(s.slot.at, s.missed, s.check is not None) for s in states] == [
            ("08:00", False, True), ("14:00", True, False), ("20:00", False, True)]
    finally:
        await db.close()


async def test_a_check_logged_late_still_leaves_the_alarm_and_counts_nowhere(
        database_url: str) -> None:
    db = Database(database_url)
    try:
        clock = Clock(datetime(2026, 6, 1, 11, 40, tzinfo=UTC))  # 14:40 Kyiv, window closed
        desk = desk_on(db, clock)
        scheduler = Scheduler(db, now=clock)
        schedule(CONFIG, scheduler, desk)
        await scheduler.tick()  # started late: the 08:00 and 14:00 checks are caught up
        check = await desk.log_check(OLENA, "fault", "сирена не звучить")
        assert check.slot is None  # outside every window
        await scheduler.tick()
        alarms = await desk.recent_alarms()
        assert sorted(a.slot for a in alarms) == ["08:00", "14:00"]
        assert len(await duty_mail(db)) == 4
    finally:
        await db.close()


async def test_a_check_in_its_window_answers_it(database_url: str) -> None:
    db = Database(database_url)
    try:
        clock = Clock(datetime(2026, 6, 1, 16, 45, tzinfo=UTC))  # 19:45 Kyiv
        desk = desk_on(db, clock)
        check = await desk.log_check(OLENA, "ok")
        assert (check.slot, check.day.isoformat() if check.day else None) == (
            "20:00", "2026-06-01")
        assert await desk.sweep_check("20:00", datetime(2026, 6, 1, 17, 30, tzinfo=UTC)) is False
        assert await duty_mail(db) == []
    finally:
        await db.close()
