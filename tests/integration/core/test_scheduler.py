"""The scheduler on real databases: a daily job runs exactly once a day with two processes,
after a restart, when started after its time, and across the daylight-saving change days."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time as clock
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callcenter.core import migrate
from callcenter.core.database import Database
from callcenter.core.scheduler import Scheduler
from tests.conftest import (
    PG_HOST,
    PG_PORT,
    create_pg_database,
    drop_pg_database,
    require_postgres,
)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def kyiv_8am(day: int, month: int = 3) -> datetime:
    """08:00 in Kyiv on a day of 2026 in March (EET before the 29th) or October."""
    summer = (month == 3 and day >= 29) or (month == 10 and day < 25)
    return datetime(2026, month, day, 5 if summer else 6, tzinfo=UTC)


async def test_a_daily_job_runs_once_a_day_across_both_change_days(database_url: str) -> None:
    db = Database(database_url)
    ran: list[datetime] = []

    async def digest(due: datetime) -> None:
        ran.append(due)

    try:
        for month, days in ((3, range(27, 32)), (10, range(23, 28))):
            now = Clock(datetime(2026, month, days[0] - 1, 22, tzinfo=UTC))  # ~midnight local
            scheduler = Scheduler(db, now=now)
            scheduler.daily("digest", "08:00", digest)
            ran.clear()
            while now.at < datetime(2026, month, days[-1], 20, tzinfo=UTC):
                now.move(minutes=5)
                await scheduler.tick()
            assert ran == [kyiv_8am(d, month) for d in days]
            runs = await scheduler.runs("digest")
            assert {r.state for r in runs} == {"done"}
    finally:
        await db.close()


async def test_restart_and_late_start_run_it_once(database_url: str) -> None:
    db = Database(database_url)
    calls: list[str] = []

    async def digest(due: datetime) -> None:
        calls.append(due.isoformat())

    try:
        now = Clock(kyiv_8am(30) + timedelta(hours=5))  # the service starts at 13:00
        first = Scheduler(db, now=now, owner="first")
        first.daily("digest", "08:00", digest)
        assert await first.tick() == ["digest"]  # catches up at once
        restarted = Scheduler(db, now=now, owner="restarted")
        restarted.daily("digest", "08:00", digest)
        now.move(minutes=1)
        assert await restarted.tick() == []
        assert calls == [kyiv_8am(30).isoformat()]
    finally:
        await db.close()


async def test_two_engines_racing_run_each_job_once(database_url: str) -> None:
    dbs = [Database(database_url), Database(database_url)]
    counts: Counter[str] = Counter()
    now = Clock(kyiv_8am(30))

    def job(name: str):  # type: ignore[no-untyped-def]
        async def run(due: datetime) -> None:
            counts[name] += 1
            await asyncio.sleep(0.01)
        return run

    try:
        schedulers = [Scheduler(db, now=now, owner=f"p{i}") for i, db in enumerate(dbs)]
        for s in schedulers:
            for n in range(12):
                s.daily(f"job-{n}", "08:00", job(f"job-{n}"))
            s.every("sweep", 5, job("sweep"))
        for _ in range(3):
            await asyncio.gather(*(s.tick() for s in schedulers))
        assert counts == Counter({f"job-{n}": 1 for n in range(12)} | {"sweep": 1})
        now.move(minutes=5)
        await asyncio.gather(*(s.tick() for s in schedulers))
        assert counts["sweep"] == 2 and counts["job-0"] == 1
    finally:
        for db in dbs:
            await db.close()


async def test_a_job_that_fails_is_recorded_and_not_repeated(database_url: str) -> None:
    db = Database(database_url)
    tries = 0

    async def broken(due: datetime) -> None:
        nonlocal tries
        tries += 1
        raise RuntimeError("no leadership list")

    try:
        now = Clock(kyiv_8am(30))
        scheduler = Scheduler(db, now=now)
        scheduler.daily("digest", "08:00", broken)
        await scheduler.tick()
        await scheduler.tick()
        [run] = await scheduler.runs("digest")
        assert tries == 1 and run.state == "failed" and "no leadership list" in run.error
    finally:
        await db.close()


async def test_a_run_left_by_a_dead_process_is_taken_over_after_the_lease(
        database_url: str) -> None:
    db = Database(database_url)
    done: list[str] = []

    async def digest(due: datetime) -> None:
        done.append("ran")

    try:
        now = Clock(kyiv_8am(30))
        dead = Scheduler(db, now=now, owner="dead", lease=600)
        dead.daily("digest", "08:00", digest)
        slot = dead.jobs["digest"].schedule.slot(now(), dead.zone)
        assert slot is not None and await dead.claim(dead.jobs["digest"], slot)  # then died
        alive = Scheduler(db, now=now, owner="alive", lease=600)
        alive.daily("digest", "08:00", digest)
        assert await alive.tick() == []
        now.move(minutes=11)
        assert await alive.tick() == ["digest"]
        assert done == ["ran"]
    finally:
        await db.close()


RACER = textwrap.dedent("""
    import asyncio, os, sys, time
    from datetime import UTC, datetime
    from callcenter.core.database import Database
    from callcenter.core.scheduler import Scheduler

    url, out, start = sys.argv[1], sys.argv[2], float(sys.argv[3])

    async def main():
        db = Database(url)
        s = Scheduler(db, now=lambda: datetime(2026, 3, 29, 5, 0, 1, tzinfo=UTC))
        for n in range(20):
            async def run(due, n=n):
                with open(out, "a") as f:
                    f.write(f"job-{n} {os.getpid()}\\n")
            s.daily(f"job-{n}", "08:00", run)
        await s.tick()  # connect before the start line
        time.sleep(max(0.0, start - time.time()))
        for _ in range(3):
            await s.tick()
        await db.close()

    asyncio.run(main())
""")


@pytest.mark.postgres
async def test_two_os_processes_racing_on_postgresql_run_each_job_once(tmp_path: Path) -> None:
    require_postgres()
    name = await create_pg_database()
    url = f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        out = tmp_path / "runs.txt"
        start = clock.time() + 4.0
        procs = [subprocess.Popen([sys.executable, "-c", RACER, url, str(out), str(start)])
                 for _ in range(2)]
        codes = [await asyncio.to_thread(p.wait, 60) for p in procs]
    finally:
        await drop_pg_database(name)
    assert codes == [0, 0]
    lines = out.read_text().splitlines()
    jobs = Counter(line.split()[0] for line in lines)
    assert jobs == Counter({f"job-{n}": 1 for n in range(20)})
