"""The demo's duty desk (`/duty`): the day so far as the duty officer left it — the first
alerting-system check of the day logged within its window, the latest one whose window has
closed missed (its alarm raised as the scheduler raises it: on the page and by e-mail to the
supervisors, see /demo), a camera observation in the journal, and one assignment overdue."""

from __future__ import annotations

from datetime import timedelta

import structlog

from callcenter.duty.model import check_slot, slots_of_day
from callcenter.duty.service import DutyDesk, Writer

log = structlog.get_logger("callcenter.demo")
OFFICER = Writer(0, "Ірина Савчук")


async def duty_day(desk: DutyDesk) -> None:
    """Once per day and database: nothing is added when today's journal has checks."""
    now, today = desk.now(), desk.today()
    s = desk.settings
    slots = [slot for slot in slots_of_day(today, s.checks, s.window, desk.zone)
             if slot.closes < now]
    if not slots:  # before the first window closed: yesterday's last check was missed
        yesterday = today - timedelta(days=1)
        slots = [check_slot(yesterday, max(s.checks), s.window, desk.zone)]
    start = slots[0].opens - timedelta(hours=12)
    if await desk.store.checks(start, now):
        return
    missed = slots[-1]
    if len(slots) > 1:
        logged = slots[0]
        await desk.store.add_check(logged, "ok", "Сирени та гучномовці працюють", 0,
                                   OFFICER.name, logged.opens + timedelta(minutes=25))
    await desk.sweep_check(missed.at, missed.closes)
    await desk.write(OFFICER, "camera", "Камера 7 (вул. Незалежності): затор біля ринку, "
                                        "повідомлено патрульну поліцію")
    if not await desk.overdue():
        await desk.add_assignment(OFFICER, "Підготувати довідку про звернення щодо "
                                           "відключень води за тиждень",
                                  today - timedelta(days=7), "Ірина Савчук",
                                  today - timedelta(days=1))
    log.info("demo_duty_day", missed=f"{missed.day} {missed.at}")
