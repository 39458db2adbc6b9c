"""The recordings archive on disk: files appear complete or not at all, and never overwrite.

Every file is written to a temporary name in its final directory, flushed and fsynced, then
hard-linked to its final name (`os.link` fails if the name exists: nothing is ever replaced)
and the temporary name removed; the directory is fsynced too. A final name therefore always
holds a complete file. Temporary names carry the host and process id, so a restarted process
can remove what a dead one left behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from callcenter.recordings.model.recordings import Digest

CHUNK = 1 << 20
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 24 * 3600.0


class ArchiveConflict(Exception):
    """The archive already holds a different file under the name we want to write."""


def digest(path: Path) -> Digest:
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            sha.update(block)
            size += len(block)
    return Digest(sha.hexdigest(), size)


def _host() -> str:
    return socket.gethostname().replace(".", "_")


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, relative: str) -> Path:
        return self.root / relative

    def stored(self, relative: str) -> Path | None:
        """The file at `relative`, resolved; None if there is none, or if the name leads out
        of the archive (`..`, an absolute name, a symbolic link pointing elsewhere)."""
        path = self.path(relative).resolve()
        if path.is_relative_to(self.root.resolve()) and path.is_file():
            return path
        return None

    def copy_in(self, source: Path, relative: str) -> Digest:
        """Copy `source` to `relative`, hashing what was copied. If an earlier attempt already
        stored it, keep that one (it must be the same bytes)."""
        final = self.path(relative)
        if final.exists():
            return self._same(final, digest(source))
        with self._writing(final) as handle:
            return _copy(source, handle)

    def produce(self, relative: str, write: Callable[[BinaryIO], None]) -> Digest:
        """Let `write` fill a new file at `relative`; an earlier attempt's file is kept."""
        final = self.path(relative)
        if not final.exists():
            with self._writing(final) as handle:
                write(handle)
        return digest(final)

    def remove(self, relative: str) -> bool:
        try:
            self.path(relative).unlink()
        except FileNotFoundError:
            return False
        return True

    def _same(self, final: Path, expected: Digest) -> Digest:
        found = digest(final)
        if found != expected:
            raise ArchiveConflict(f"{final} already exists with other content "
                                  f"(sha256 {found.sha256}, expected {expected.sha256})")
        return found

    @contextlib.contextmanager
    def _writing(self, final: Path) -> Iterator[BinaryIO]:
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = final.with_name(f".{final.name}.{_host()}-{os.getpid()}-"
                               f"{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            with temp.open("xb") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.link(temp, final)
        finally:
            temp.unlink(missing_ok=True)
        _fsync_dir(final.parent)

    # -- housekeeping -----------------------------------------------------------------------

    def temp_files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.rglob(f".*{TEMP_SUFFIX}") if p.is_file())

    def remove_abandoned_temps(self, *, now: float | None = None) -> list[Path]:
        """Remove temporary files of dead processes of this host, and any a day old."""
        now = time.time() if now is None else now
        removed = []
        for temp in self.temp_files():
            if _abandoned(temp, now):
                temp.unlink(missing_ok=True)
                removed.append(temp)
        return removed

    def files(self) -> list[str]:
        """Every complete file in the archive, relative to its root."""
        if not self.root.is_dir():
            return []
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*")
                      if p.is_file() and not p.name.startswith("."))


def _copy(source: Path, target: BinaryIO) -> Digest:
    sha = hashlib.sha256()
    size = 0
    with source.open("rb") as handle:
        while block := handle.read(CHUNK):
            sha.update(block)
            size += len(block)
            target.write(block)
    return Digest(sha.hexdigest(), size)


def _abandoned(temp: Path, now: float) -> bool:
    try:
        age = now - temp.stat().st_mtime
    except FileNotFoundError:
        return False
    if age > STALE_TEMP_SECONDS:
        return True
    owner = temp.name.removesuffix(TEMP_SUFFIX).rsplit(".", 1)[-1]  # host-pid-token
    host, _, pid = owner.rpartition("-")[0].rpartition("-")
    return host == _host() and pid.isdigit() and not _alive(int(pid))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
