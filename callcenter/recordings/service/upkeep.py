"""`callcenter recordings reconcile | verify | purge`: the spool, the archive and the database
checked against each other, and retention applied."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Protocol

from callcenter.recordings.model import recordings as rec
from callcenter.recordings.service.archive import Archive, digest
from callcenter.recordings.service.spool import spool_files


@dataclass(frozen=True, slots=True)
class UnrecordedCall:
    """An ended call with no recording row."""

    call_id: str
    recording_path: str | None  # announced, but the row was never made
    appeal: str | None


@dataclass(frozen=True, slots=True)
class ArchivedFile:
    recording_id: str
    kind: str  # original | compressed
    path: str  # relative to the archive root
    sha256: str


class UpkeepStore(Protocol):
    async def unrecorded_calls(self) -> list[UnrecordedCall]: ...

    async def announced_paths(self) -> list[str]: ...

    async def claim(self, call_id: str, path: str, *, at: datetime) -> bool: ...

    async def missing(self) -> list[tuple[str, str]]: ...  # (id, announced path)

    async def failing(self) -> list[tuple[str, str]]: ...  # (id, last error) of pending rows

    async def requeue(self, recording_ids: Sequence[str], *, at: datetime) -> int: ...

    async def archived_files(self) -> list[ArchivedFile]: ...

    async def retained(self, *, now: datetime) -> list[rec.Retained]: ...

    async def mark_purged(self, step: rec.PurgeStep, *, at: datetime) -> bool: ...


@dataclass
class ReconcileReport:
    claimed: list[str] = field(default_factory=list)  # fixed: rows made for found files
    requeued: list[str] = field(default_factory=list)  # fixed: missing, but the file is there
    retried: list[str] = field(default_factory=list)  # fixed: failing rows due again now
    temps_removed: list[str] = field(default_factory=list)
    unclaimed: list[str] = field(default_factory=list)  # for a person: spool files
    orphans: list[str] = field(default_factory=list)  # for a person: archive files
    unrecorded: list[str] = field(default_factory=list)  # calls that announced nothing

    @property
    def needs_attention(self) -> bool:
        return bool(self.unclaimed or self.orphans)


@dataclass
class VerifyReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class PurgeReport:
    steps: list[rec.PurgeStep] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def utc_now() -> datetime:
    return datetime.now(UTC)


class RecordingUpkeep:
    def __init__(self, *, store: UpkeepStore, archive: Archive, spool_dir: str,
                 asterisk_spool_dir: str, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.archive = archive
        self.spool_dir = spool_dir
        self.asterisk_dir = asterisk_spool_dir
        self._clock = clock

    def _spool_path(self, announced: str) -> str | None:
        try:
            return rec.spool_path(announced, asterisk_dir=self.asterisk_dir,
                                  spool_dir=self.spool_dir)
        except rec.OutsideSpool:
            return None

    # -- reconcile ----------------------------------------------------------------------------

    async def reconcile(self) -> ReconcileReport:
        report = ReconcileReport()
        now = self._clock()
        await self._claim_calls(report, now)
        await self._requeue_arrived(report, now)
        await self._retry_failing(report, now)
        await self._sweep_archive(report)
        return report

    async def _claim_calls(self, report: ReconcileReport, now: datetime) -> None:
        """Calls without a row: claim the announced file, or a spool file named after the
        call (`<Linkedid>.wav`, as the dialplan names it); list the rest."""
        calls = {c.call_id: c for c in await self.store.unrecorded_calls()}
        claimed = {p for p in map(self._spool_path, await self.store.announced_paths()) if p}
        for name in await asyncio.to_thread(spool_files, self.spool_dir):
            if str(PurePosixPath(self.spool_dir) / name) in claimed:
                continue
            call = calls.get(PurePosixPath(name).stem)
            path = call.recording_path if call and call.recording_path else (
                rec.announced_path(name, asterisk_dir=self.asterisk_dir))
            if call is not None and await self.store.claim(call.call_id, path, at=now):
                calls.pop(call.call_id)
                report.claimed.append(f"call {call.call_id} (appeal {call.appeal}): {name}")
            else:
                report.unclaimed.append(f"{name}: no call without a recording matches")
        for call in calls.values():
            if call.recording_path and await self.store.claim(call.call_id, call.recording_path,
                                                              at=now):
                report.claimed.append(f"call {call.call_id} (appeal {call.appeal}): "
                                      f"{call.recording_path} (announced, never queued)")
            else:
                report.unrecorded.append(f"call {call.call_id} (appeal {call.appeal})")

    async def _requeue_arrived(self, report: ReconcileReport, now: datetime) -> None:
        arrived = []
        for recording_id, announced in await self.store.missing():
            path = self._spool_path(announced)
            if path is not None and await asyncio.to_thread(Path(path).is_file):
                arrived.append(recording_id)
                report.requeued.append(f"{recording_id}: {path} is there now")
        await self.store.requeue(arrived, at=now)

    async def _retry_failing(self, report: ReconcileReport, now: datetime) -> None:
        failing = await self.store.failing()
        await self.store.requeue([recording_id for recording_id, _ in failing], at=now)
        report.retried.extend(f"{recording_id}: {error}" for recording_id, error in failing)

    async def _sweep_archive(self, report: ReconcileReport) -> None:
        removed = await asyncio.to_thread(self.archive.remove_abandoned_temps)
        report.temps_removed.extend(str(p) for p in removed)
        known = {f.path for f in await self.store.archived_files()}
        on_disk = await asyncio.to_thread(self.archive.files)
        report.orphans.extend(f"{p}: no recording row" for p in on_disk if p not in known)

    # -- verify -------------------------------------------------------------------------------

    async def verify(self) -> VerifyReport:
        files = await self.store.archived_files()
        problems = await asyncio.to_thread(lambda: [p for p in map(self._check, files) if p])
        return VerifyReport(checked=len(files), problems=problems)

    def _check(self, item: ArchivedFile) -> str | None:
        where = f"{item.recording_id} {item.kind} {item.path}"
        try:
            found = digest(self.archive.path(item.path))
        except FileNotFoundError:
            return f"MISSING   {where}"
        except OSError as exc:
            return f"UNREADABLE {where}: {exc}"
        if found.sha256 != item.sha256:
            return f"MISMATCH  {where}: sha256 {found.sha256}, recorded {item.sha256}"
        return None

    # -- purge --------------------------------------------------------------------------------

    async def purge(self, *, dry_run: bool) -> PurgeReport:
        now = self._clock()
        report = PurgeReport()
        for item in await self.store.retained(now=now):
            step = rec.purge_step(item, now)
            if step is None:
                if rec.purge_step(dataclasses.replace(item, legal_hold=False), now):
                    report.held.append(item.id)
                continue
            if dry_run or await self.store.mark_purged(step, at=now):
                report.steps.append(step)
                if not dry_run:
                    report.failed.extend(await asyncio.to_thread(self._remove, step))
        return report

    def _remove(self, step: rec.PurgeStep) -> list[str]:
        failed = []
        for path in step.paths:
            try:
                self.archive.remove(path)
            except OSError as exc:  # the row says purged: reconcile lists the file left over
                failed.append(f"{step.id} {path}: {exc}")
        return failed
