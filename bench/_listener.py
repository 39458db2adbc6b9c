"""(b) The listener process all the way into the database, as `callcenter serve` runs it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import datetime
from pathlib import Path

from _target import NEVER, SECRET, USERNAME, Target, report
from sqlalchemy import func, select

from callcenter.appeals.tables import Appeal
from callcenter.calls.tables import Call
from callcenter.calls.wiring import Listener, build_listener
from callcenter.core import logs
from callcenter.core.config import AmiConfig, Config, DatabaseConfig, IntakeConfig
from callcenter.core.database import Database

POLL_SECONDS = 0.05

def listener_config(port: int, url: str, journal: Path) -> Config:
    ami = AmiConfig(host="127.0.0.1", port=port, username=USERNAME, secret=SECRET,
                    action_timeout=NEVER, ping_interval=NEVER)
    return Config(ami=ami, database=DatabaseConfig(url=url),
                  intake=IntakeConfig(journal=str(journal)))


async def run_listener(target: Target, url: str, journal: Path) -> None:
    logs.configure(fmt="console", level="warning")
    listener = build_listener(listener_config(target.port, url, journal))
    start = time.perf_counter()
    task = asyncio.create_task(listener.run(), name="listener")
    try:
        complete = await _until_all_ended(listener, task, target)
        seconds = time.perf_counter() - start
        counts = await _counts(listener.db)
    finally:
        logs.configure(fmt="console", level="error")  # not "ami_link_lost" when we stop
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await listener.drain(timeout=1.0)
    report(target, seconds, complete, reconnects=listener.link.reconnects, **counts)


async def _until_all_ended(listener: Listener, task: asyncio.Task[None],
                           target: Target) -> bool:
    """Poll until every call of the stream has ended in the database."""
    deadline = time.perf_counter() + target.timeout
    while time.perf_counter() < deadline:
        if task.done():
            task.result()  # raises what stopped the listener
            return False
        if _idle(listener) and await _ended_calls(listener.db) >= target.calls:
            return True
        await asyncio.sleep(POLL_SECONDS)
    return False


def _idle(listener: Listener) -> bool:
    intake = listener.intake
    return intake.inbox.empty() and not len(intake.backlog)


async def _ended_calls(db: Database) -> int:
    query = select(func.count()).select_from(Call).where(Call.ended_at.is_not(None))
    async with db.transaction() as session:
        return int(await session.scalar(query) or 0)


async def _counts(db: Database) -> dict[str, int]:
    """Sanity figures: calls, appeals, calls the resync had to end (should be 0), and the
    most calls live at once as the listener saw them (from their entered/ended times)."""
    async with db.transaction() as session:
        appeals = await session.scalar(select(func.count()).select_from(Appeal))
        unknown = await session.scalar(
            select(func.count()).select_from(Call).where(Call.outcome == "unknown"))
        spans = (await session.execute(select(Call.entered_at, Call.ended_at))).all()
    return {"calls": len(spans), "appeals": int(appeals or 0),
            "unknown_outcome": int(unknown or 0),
            "peak_live_calls": _most_overlapping([(s.entered_at, s.ended_at) for s in spans])}


def _most_overlapping(spans: list[tuple[datetime, datetime | None]]) -> int:
    """The largest number of spans open at one instant (an end sorts before a start)."""
    edges = sorted([(start, 1) for start, _ in spans]
                   + [(end, -1) for _, end in spans if end is not None])
    live = peak = 0
    for _, step in edges:
        live += step
        peak = max(peak, live)
    return peak
