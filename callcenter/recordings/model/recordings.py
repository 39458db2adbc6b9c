"""Recordings, pure: states, what the worker and the store exchange, where files go, when a
file is complete, when it may be purged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import PurePosixPath


class State(StrEnum):
    PENDING = "pending"  # announced; waiting for the call to end and the file to settle
    STORED = "stored"  # hashed, compressed, archived
    MISSING = "missing"  # never arrived
    CORRUPT = "corrupt"  # arrived, but holds no audio we can read
    PURGED = "purged"  # retention applied: the files are gone, the row and hashes stay


class OutsideSpool(Exception):
    """The announced path is not under the Asterisk spool prefix we know how to map."""


@dataclass(frozen=True, slots=True)
class Announcement:
    call_id: str  # the call's Linkedid
    path: str  # as Asterisk announced it
    at: datetime


@dataclass(frozen=True, slots=True)
class DueRecording:
    """A pending recording whose call has ended."""

    id: str
    call_id: str
    announced_path: str
    entered_at: datetime
    ended_at: datetime
    attempts: int


@dataclass(frozen=True, slots=True)
class Digest:
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Archived:
    """What ingesting one file produced: always the kept original; the compressed copy unless
    the file was corrupt."""

    original: Digest
    original_path: str
    corrupt: str | None = None  # why no audio could be read
    problem: str | None = None  # why the audio is incomplete, though stored
    duration: float | None = None
    format: str | None = None
    stored: Digest | None = None
    stored_path: str | None = None


# -- where files are ----------------------------------------------------------------------


def spool_path(announced: str, *, asterisk_dir: str, spool_dir: str) -> str:
    """Where we read the file Asterisk announced as `announced`.

    MixMonitor takes a relative name as relative to its monitor directory.
    """
    path, prefix = PurePosixPath(announced), PurePosixPath(asterisk_dir)
    if path.is_absolute():
        if not path.is_relative_to(prefix):
            raise OutsideSpool(f"{announced} is not under recordings.asterisk_spool_dir "
                               f"({asterisk_dir})")
        path = path.relative_to(prefix)
    if ".." in path.parts or not path.parts:
        raise OutsideSpool(f"{announced}: not a file name under the spool")
    return str(PurePosixPath(spool_dir) / path)


def announced_path(name: str, *, asterisk_dir: str) -> str:
    """The path Asterisk would have announced for spool file `name` (for reconcile)."""
    return str(PurePosixPath(asterisk_dir) / name)


def archive_paths(recording_id: str, day: date, fmt: str) -> tuple[str, str]:
    """(compressed copy, kept original), relative to `recordings.dir`: YYYY/MM/DD/<id>.<ext>."""
    folder = f"{day:%Y/%m/%d}"
    return f"{folder}/{recording_id}.{fmt}", f"{folder}/{recording_id}.wav"


# -- when a file is complete ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Observation:
    """What we last saw of a spool file, and since when (monotonic seconds) it looks so."""

    size: int
    mtime_ns: int
    since: float


def observe(previous: Observation | None, *, size: int, mtime_ns: int,
            now: float) -> Observation:
    if previous is not None and (previous.size, previous.mtime_ns) == (size, mtime_ns):
        return previous
    return Observation(size, mtime_ns, now)


def settled(seen: Observation, *, now: float, settle_seconds: float) -> bool:
    """A file is complete once (after the call ended) it has not changed for a while."""
    return now - seen.since >= settle_seconds


def overdue(ended_at: datetime, *, now: datetime, missing_after: float) -> bool:
    return now - ended_at >= timedelta(seconds=missing_after)


def retry_delay(attempts: int, *, first: float = 5.0, most: float = 300.0) -> float:
    """Seconds before another try after `attempts` failed ones: 5, 10, 20 ... up to 5 min."""
    return float(min(first * 2 ** max(attempts - 1, 0), most))


# -- retention ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Retained:
    """What retention needs to know of one recording."""

    id: str
    legal_hold: bool
    original_path: str | None
    stored_path: str | None
    original_purge_after: datetime | None
    purge_after: datetime | None


@dataclass(frozen=True, slots=True)
class PurgeStep:
    """What retention removes of one recording now (paths relative to recordings.dir)."""

    id: str
    original_path: str | None
    stored_path: str | None  # set: the compressed copy goes, the recording becomes `purged`

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(p for p in (self.stored_path, self.original_path) if p)

    @property
    def whole(self) -> bool:
        return self.stored_path is not None


def purge_dates(stored_at: datetime, *, original_days: int,
                retention_days: int) -> tuple[datetime, datetime]:
    return (stored_at + timedelta(days=original_days),
            stored_at + timedelta(days=retention_days))


def purge_step(item: Retained, now: datetime) -> PurgeStep | None:
    """What retention removes of `item` now; never anything of a recording on legal hold."""
    if item.legal_hold:
        return None
    if item.purge_after is not None and item.purge_after <= now and item.stored_path:
        return PurgeStep(item.id, item.original_path, item.stored_path)
    due = item.original_purge_after is not None and item.original_purge_after <= now
    if due and item.original_path:
        return PurgeStep(item.id, item.original_path, None)
    return None
