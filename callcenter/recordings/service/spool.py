"""Looking at Asterisk's monitor spool (blocking: called in a thread)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from callcenter.recordings.model import recordings as rec


@dataclass(frozen=True, slots=True)
class Look:
    """What the spool holds for one announced path."""

    expected: str  # the path we read (or the announced one, when it cannot be mapped)
    source: Path | None = None  # set when something is there
    size: int | None = None
    mtime_ns: int | None = None
    spool_present: bool = True  # False: the spool directory itself is gone (share unmounted)
    unusable: str | None = None  # the announced path maps to nothing we can read


def look_at(announced: str, *, asterisk_dir: str, spool_dir: str) -> Look:
    try:
        path = Path(rec.spool_path(announced, asterisk_dir=asterisk_dir, spool_dir=spool_dir))
    except rec.OutsideSpool as exc:
        return Look(announced, unusable=str(exc))
    try:
        status = path.stat()
    except FileNotFoundError:
        return Look(str(path), spool_present=Path(spool_dir).is_dir())
    except OSError:
        # There but not readable (permissions, a stale share): let ingesting fail, record
        # the error and retry, rather than call it missing.
        return Look(str(path), path, 0, 0)
    return Look(str(path), path, status.st_size, status.st_mtime_ns)


def spool_files(spool_dir: str) -> list[str]:
    """Every file in the spool, relative to it (hidden files skipped)."""
    root = Path(spool_dir)
    if not root.is_dir():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and not p.name.startswith("."))
