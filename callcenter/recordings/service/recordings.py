"""Recordings: from Asterisk's spool to the archive.

`Recordings` is a `CallWatcher` of the intake: a `RecordingAnnounced` fact, once stored, becomes
a `pending` row (the database is the work queue, so a restart loses nothing). Its worker
(`run`, supervised in the listener's TaskGroup) polls the pending rows whose call has ended,
waits until each file has stopped changing for `settle_seconds`, and ingests it in a bounded
thread pool (services.ingest): hash, kept original, compressed copy, atomic moves. A file that
never comes is `missing` after `missing_after`; one without audio is `corrupt`; both flag the
appeal. A failure that may pass (unreadable spool, full disk, encoder error) is retried with
backoff; the row stays `pending`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import structlog
from structlog.contextvars import bound_contextvars

from callcenter.calls.model.facts import CallEnded, CallFact, LinkResynced, RecordingAnnounced
from callcenter.core.errors import StoreUnavailable
from callcenter.core.pacing import DatabaseOutage, wait_for_event
from callcenter.recordings.model import recordings as rec
from callcenter.recordings.model.recordings import Announcement, Archived, DueRecording
from callcenter.recordings.service.archive import Archive
from callcenter.recordings.service.ingest import Encoder, IngestJob, ingest
from callcenter.recordings.service.spool import Look, look_at

log = structlog.get_logger("callcenter.recordings")


class RecordingStore(Protocol):
    async def add_pending(self, items: Sequence[Announcement]) -> int: ...

    async def adopt_announced(self, *, since: datetime, at: datetime) -> int: ...

    async def due(self, *, now: datetime, limit: int) -> list[DueRecording]: ...

    async def mark_archived(self, recording_id: str, archived: Archived, *, at: datetime,
                            original_purge_after: datetime, purge_after: datetime) -> bool: ...

    async def mark_missing(self, recording_id: str, *, reason: str, at: datetime) -> bool: ...

    async def retry_later(self, recording_id: str, *, error: str, at: datetime,
                          next_at: datetime) -> None: ...

    async def hold(self, recording_ids: Sequence[str], *, on: bool, at: datetime) -> int: ...


@dataclass(frozen=True)
class RecordingSettings:
    spool_dir: str
    asterisk_spool_dir: str
    timezone: str = "UTC"
    workers: int = 2
    settle_seconds: float = 2.0
    missing_after: float = 600.0
    original_days: int = 90
    retention_days: int = 1095
    remove_from_spool: bool = True
    poll_interval: float = 1.0
    retry_first: float = 5.0  # seconds before the first retry of a failed file, then doubling
    sweep_interval: float = 300.0  # look for announced calls without a row this often ...
    sweep_days: int = 30  # ... this far back
    batch: int = 200


def utc_now() -> datetime:
    return datetime.now(UTC)


class Recordings:
    def __init__(self, *, store: RecordingStore, archive: Archive, encoder: Encoder,
                 settings: RecordingSettings, clock: Callable[[], datetime] = utc_now,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.archive = archive
        self.encoder = encoder
        self.settings = settings
        self._clock = clock
        self._monotonic = monotonic
        self._zone = ZoneInfo(settings.timezone)
        self._observed: dict[str, rec.Observation] = {}
        self._busy: set[str] = set()
        self._wake = asyncio.Event()
        self._spool_absent = False
        self._unsaved: list[Announcement] = []  # announced, not yet a row (database away)
        self._outage = DatabaseOutage("recordings_waiting_for_database",
                                      back="recordings_database_back")
        self.finished = 0  # rows this process took out of `pending`
        self.polls = 0  # passes over the due rows

    # -- the intake's CallWatcher ------------------------------------------------------------

    def facts_seen(self, facts: Sequence[CallFact]) -> bool:
        return False

    async def facts_stored(self, facts: Sequence[CallFact]) -> None:
        """Announced recordings become `pending` rows now, or, while the database is away,
        on the worker's next passes (as the intake retries its facts)."""
        announced = [Announcement(f.call_id, f.path, f.at) for f in facts
                     if isinstance(f, RecordingAnnounced)]
        if announced:
            self._unsaved.extend(announced)
            await self.save_announced()
        if announced or any(isinstance(f, CallEnded | LinkResynced) for f in facts):
            self._wake.set()

    async def save_announced(self) -> None:
        """Store the announcements not yet stored; on a lost database keep them for later."""
        if not self._unsaved:
            return
        batch, self._unsaved = self._unsaved, []
        try:
            await self.store.add_pending(batch)
        except StoreUnavailable as exc:
            self._unsaved = batch + self._unsaved
            self._outage.lost(exc, unsaved=len(self._unsaved))
            return
        self._outage.over()

    async def hold(self, recording_ids: Sequence[str], *, on: bool) -> int:
        """Put recordings on legal hold (a dispute) or release them; purge skips held ones."""
        return await self.store.hold(recording_ids, on=on, at=self._clock())

    # -- the worker ---------------------------------------------------------------------------

    async def run(self) -> None:
        removed = await asyncio.to_thread(self.archive.remove_abandoned_temps)
        if removed:
            log.info("recordings_temp_files_removed", files=len(removed))
        pool = ThreadPoolExecutor(self.settings.workers, thread_name_prefix="recordings")
        try:
            async with asyncio.TaskGroup() as tasks:
                next_sweep = self._monotonic()
                while True:
                    if self._monotonic() >= next_sweep:
                        await self._guarded(self._sweep())
                        next_sweep = self._monotonic() + self.settings.sweep_interval
                    await self._guarded(self.save_announced())
                    await self._guarded(self.poll(tasks, pool))
                    await self._pause()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    async def _guarded(self, step: Awaitable[None]) -> None:
        try:
            await step
        except StoreUnavailable as exc:
            self._outage.lost(exc)
        except Exception:  # a bug in one pass must not stop the listener
            log.exception("recordings_pass_failed")

    async def _pause(self) -> None:
        await wait_for_event(self._wake, self.settings.poll_interval)
        self._wake.clear()

    async def _sweep(self) -> None:
        now = self._clock()
        since = now - timedelta(days=self.settings.sweep_days)
        adopted = await self.store.adopt_announced(since=since, at=now)
        if adopted:
            log.info("recordings_adopted", recordings=adopted)

    async def poll(self, tasks: asyncio.TaskGroup, pool: ThreadPoolExecutor) -> None:
        """One pass over the due rows: flag the overdue, start ingesting the settled."""
        now = self._clock()
        due = [d for d in await self.store.due(now=now, limit=self.settings.batch)
               if d.id not in self._busy]
        self._observed = {d.id: self._observed[d.id] for d in due if d.id in self._observed}
        looks = await asyncio.to_thread(self._look_all, due)
        for item, look in zip(due, looks, strict=True):
            with bound_contextvars(call_id=item.call_id, recording=item.id):
                await self._decide(item, look, now, tasks, pool)
        self.polls += 1
        self._outage.over()

    def _look_all(self, due: list[DueRecording]) -> list[Look]:
        s = self.settings
        return [look_at(d.announced_path, asterisk_dir=s.asterisk_spool_dir,
                        spool_dir=s.spool_dir) for d in due]

    async def _decide(self, item: DueRecording, look: Look, now: datetime,
                      tasks: asyncio.TaskGroup, pool: ThreadPoolExecutor) -> None:
        if look.unusable is not None:
            await self._missing(item, look.unusable, now)
        elif look.source is None or look.size is None or look.mtime_ns is None:
            await self._absent(item, look, now)
        else:
            seen = rec.observe(self._observed.get(item.id), size=look.size,
                               mtime_ns=look.mtime_ns, now=self._monotonic())
            self._observed[item.id] = seen
            if rec.settled(seen, now=self._monotonic(),
                           settle_seconds=self.settings.settle_seconds):
                self._busy.add(item.id)
                tasks.create_task(self._ingest(item, look.source, pool))

    async def _absent(self, item: DueRecording, look: Look, now: datetime) -> None:
        if not look.spool_present:
            if not self._spool_absent:
                log.error("recordings_spool_absent", spool_dir=self.settings.spool_dir)
            self._spool_absent = True  # a share not mounted: nothing is flagged missing
            return
        self._spool_absent = False
        if rec.overdue(item.ended_at, now=now, missing_after=self.settings.missing_after):
            await self._missing(item, f"no file at {look.expected} "
                                      f"{self.settings.missing_after:.0f} s after the call "
                                      "ended", now)

    async def _missing(self, item: DueRecording, reason: str, now: datetime) -> None:
        if await self.store.mark_missing(item.id, reason=reason, at=now):
            self.finished += 1
            log.warning("recording_missing", reason=reason)

    # -- one file ----------------------------------------------------------------------------

    async def _ingest(self, item: DueRecording, source: Path, pool: ThreadPoolExecutor) -> None:
        with bound_contextvars(call_id=item.call_id, recording=item.id):
            try:
                await self._ingest_one(item, source, pool)
            except StoreUnavailable as exc:  # the row stays pending; files are reused later
                self._outage.lost(exc)
            except Exception:  # never let one file stop the worker
                log.exception("recording_failed")
            finally:
                self._busy.discard(item.id)
                self._observed.pop(item.id, None)

    async def _ingest_one(self, item: DueRecording, source: Path,
                          pool: ThreadPoolExecutor) -> None:
        job = IngestJob(item.id, source, self._day(item.entered_at))
        work = partial(ingest, job, archive=self.archive, encoder=self.encoder)
        try:
            archived = await asyncio.get_running_loop().run_in_executor(pool, work)
        except Exception as exc:  # unreadable spool, full disk, encoder failure: try later
            await self._retry_later(item, exc)
            return
        await self._finish(item, archived, source)

    def _day(self, at: datetime) -> date:
        return at.astimezone(self._zone).date()

    async def _retry_later(self, item: DueRecording, exc: Exception) -> None:
        now = self._clock()
        delay = rec.retry_delay(item.attempts + 1, first=self.settings.retry_first)
        error = f"{type(exc).__name__}: {exc}"
        await self.store.retry_later(item.id, error=error, at=now,
                                     next_at=now + timedelta(seconds=delay))
        log.warning("recording_retry_later", error=error, attempt=item.attempts + 1,
                    retry_in=delay)

    async def _finish(self, item: DueRecording, archived: Archived, source: Path) -> None:
        now = self._clock()
        keep_original, keep_copy = rec.purge_dates(
            now, original_days=self.settings.original_days,
            retention_days=self.settings.retention_days)
        if await self.store.mark_archived(item.id, archived, at=now,
                                          original_purge_after=keep_original,
                                          purge_after=keep_copy):
            self.finished += 1
            _log_archived(archived)
        if self.settings.remove_from_spool:
            await asyncio.to_thread(_remove, source)


def _log_archived(archived: Archived) -> None:
    if archived.corrupt is not None:
        log.warning("recording_corrupt", reason=archived.corrupt, kept=archived.original_path)
    else:
        log.info("recording_stored", path=archived.stored_path, duration=archived.duration,
                 problem=archived.problem)


def _remove(source: Path) -> None:
    try:
        source.unlink(missing_ok=True)
    except OSError as exc:  # archived and recorded already; reconcile shows it stayed
        log.warning("recording_spool_file_kept", path=str(source), error=str(exc))
