"""The one scheduler of timed jobs: daily at a local wall-clock time, or every N minutes.

    scheduler.daily("outages-digest", "08:00", digest.send)
    scheduler.every("duty-reminders", 15, assignments.remind)

Each occurrence of a job is a *slot* (a daily job's local day, an interval job's UTC start
minute). Before running a slot a process inserts the row (job, slot) in `scheduled_runs`,
insert-or-nothing: the process whose insert lands runs it, every other process (another
`worker`, a `serve` with `[outbox] in_serve`, the same process after a restart) sees the row and
does not. A daily job whose time has passed today and whose row is missing runs at once: a
service started after the time catches up, once. Times are wall-clock times in the configured
zone (zoneinfo): on the day daylight saving begins a time inside the skipped hour runs an hour
later by the clock (the same instant, 03:30 EET = 04:30 EEST); on the day it ends a time in
the repeated hour runs at its first occurrence. Either way once.

A process that dies while running a job leaves its row `running`; after `lease` seconds
another process takes the slot over (a conditional update only one can win). A job that raises
is marked `failed` with the error and not retried: the log and the row say so.
"""

from __future__ import annotations

import asyncio
import os
import socket
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol, cast
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Table, delete, select, update

from callcenter.core.database import Database, insert_ignore
from callcenter.core.errors import StoreUnavailable
from callcenter.core.pacing import every
from callcenter.core.tables import ScheduledRun

if TYPE_CHECKING:
    from callcenter.core.config import Config

log = structlog.get_logger("callcenter.scheduler")

Run = Callable[[datetime], Awaitable[object]]  # called with the slot's due instant (UTC)
RUNNING, DONE, FAILED = "running", "done", "failed"
RUNS = cast(Table, ScheduledRun.__table__)
KEEP_INTERVAL_ROWS = timedelta(days=2)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Slot:
    key: str
    due: datetime  # aware, UTC


class Schedule(Protocol):
    def slot(self, now: datetime, zone: ZoneInfo) -> Slot | None:
        """The latest occurrence due at `now`, or None when none is due yet."""


def wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) the clocks of `zone` show `at` on `day`: the first of two in the
    repeated hour, the instant after the jump for a time in the skipped hour."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Daily:
    at: time

    def slot(self, now: datetime, zone: ZoneInfo) -> Slot | None:
        day = now.astimezone(zone).date()
        due = wall_clock(day, self.at, zone)
        return Slot(day.isoformat(), due) if now >= due else None


@dataclass(frozen=True, slots=True)
class Interval:
    minutes: int

    def slot(self, now: datetime, zone: ZoneInfo) -> Slot | None:
        step = self.minutes * 60
        due = datetime.fromtimestamp(int(now.timestamp()) // step * step, UTC)
        return Slot(due.strftime("%Y-%m-%dT%H:%MZ"), due)


def parse_time(value: str | time) -> time:
    """"08:00" -> time(8, 0); ValueError for anything else."""
    if isinstance(value, time):
        return value
    hours, _, minutes = value.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"expected HH:MM, got {value!r}")
    return time(int(hours), int(minutes))


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    schedule: Schedule
    run: Run


# Registers the timed jobs of every feature on a process's scheduler (`main.timed_jobs`).
TimedJobs = Callable[["Config", "Scheduler"], None]


def default_owner() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class Scheduler:
    """Timed jobs of one process; any number of processes may run the same jobs."""

    def __init__(self, db: Database, *, timezone: str = "Europe/Kyiv",
                 owner: str | None = None, now: Callable[[], datetime] = utc_now,
                 tick: float = 15.0, lease: float = 600.0) -> None:
        self.db, self.zone, self.now = db, ZoneInfo(timezone), now
        self.owner = owner or default_owner()
        self.tick_seconds, self.lease = tick, timedelta(seconds=lease)
        self.jobs: dict[str, Job] = {}

    def daily(self, name: str, at: str | time, run: Run) -> None:
        """`run(due)` once a day when the local clock shows `at` ("HH:MM")."""
        self.add(Job(name, Daily(parse_time(at)), run))

    def every(self, name: str, minutes: int, run: Run) -> None:
        """`run(due)` once every `minutes` (slots aligned on UTC multiples of it)."""
        if minutes < 1:
            raise ValueError("minutes: expected >= 1")
        self.add(Job(name, Interval(minutes), run))

    def add(self, job: Job) -> None:
        if job.name in self.jobs or len(job.name) > 64:
            raise ValueError(f"job {job.name!r}: already registered or name too long")
        self.jobs[job.name] = job

    async def run(self, stop: asyncio.Event) -> None:
        """Ticks until `stop`; a lost database is waited out."""
        if self.jobs:
            log.info("scheduler_started", jobs=sorted(self.jobs), owner=self.owner)
        await every(self.tick_seconds, stop, self.tick, postponed="scheduler_postponed")

    async def tick(self) -> list[str]:
        """Runs every job whose current slot is due and claimed by us; their names."""
        ran = []
        for job in list(self.jobs.values()):
            slot = job.schedule.slot(self.now(), self.zone)
            if slot is not None and await self.claim(job, slot):
                await self._run(job, slot)
                ran.append(job.name)
        await self._prune()
        return ran

    async def claim(self, job: Job, slot: Slot) -> bool:
        """True for the one process that may run `slot` of `job`."""
        async with self.db.reading() as session:
            row = await session.get(ScheduledRun, (job.name, slot.key))
        now = self.now()
        if row is not None and not (row.state == RUNNING and row.claimed_at < now - self.lease):
            return False
        async with self.db.transaction() as session:
            if row is None:
                inserted = await session.scalar(
                    insert_ignore(self.db.dialect, RUNS).values(
                        job=job.name, slot=slot.key, owner=self.owner, state=RUNNING,
                        due_at=slot.due, claimed_at=now, finished_at=None, error="")
                    .returning(ScheduledRun.job))
                return inserted is not None
            taken = await session.execute(
                update(ScheduledRun)
                .where(ScheduledRun.job == job.name, ScheduledRun.slot == slot.key,
                       ScheduledRun.state == RUNNING, ScheduledRun.claimed_at == row.claimed_at)
                .values(owner=self.owner, claimed_at=now))
            won = int(taken.rowcount) == 1  # type: ignore[attr-defined]
            if won:
                log.warning("scheduler_took_over", job=job.name, slot=slot.key, was=row.owner)
            return won

    async def _run(self, job: Job, slot: Slot) -> None:
        log.info("job_started", job=job.name, slot=slot.key)
        state, error = DONE, ""
        try:
            await job.run(slot.due)
        except StoreUnavailable:
            raise  # the row stays `running`: after the lease another tick takes it over
        except Exception as exc:
            state, error = FAILED, "".join(traceback.format_exception_only(exc)).strip()
            log.error("job_failed", job=job.name, slot=slot.key, error=error)
        async with self.db.transaction() as session:
            await session.execute(
                update(ScheduledRun)
                .where(ScheduledRun.job == job.name, ScheduledRun.slot == slot.key)
                .values(state=state, finished_at=self.now(), error=error[:2000]))
        if state == DONE:
            log.info("job_done", job=job.name, slot=slot.key)

    async def _prune(self) -> None:
        """Interval jobs leave a row a slot: those older than two days go."""
        names = [j.name for j in self.jobs.values() if isinstance(j.schedule, Interval)]
        if not names:
            return
        cutoff = self.now() - KEEP_INTERVAL_ROWS
        async with self.db.reading() as session:
            old = await session.scalar(select(ScheduledRun.job).where(
                ScheduledRun.job.in_(names), ScheduledRun.claimed_at < cutoff).limit(1))
        if old is None:
            return
        async with self.db.transaction() as session:
            await session.execute(delete(ScheduledRun).where(
                ScheduledRun.job.in_(names), ScheduledRun.claimed_at < cutoff))

    async def runs(self, job: str, *, limit: int = 30) -> list[ScheduledRun]:
        """The latest runs of `job`, newest first (archive pages, tests)."""
        async with self.db.reading() as session:
            rows = await session.scalars(select(ScheduledRun).where(ScheduledRun.job == job)
                                         .order_by(ScheduledRun.due_at.desc()).limit(limit))
            return list(rows)
