"""Reading the tail of Asterisk's queue_log file (blocking: run it in a thread).

The file only grows (app_queue appends a line and flushes), in time order, and may be large
(Asterisk rotates it only on `logger rotate`, or past 1 GB on a reload), so the start of the
part written since a given time is found by bisection on byte offsets, reading a line or two
at each probe; then only that part is read, line by line. A last line without its newline
(Asterisk is writing it) is left for the next read. Bytes that are not UTF-8 are replaced.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from callcenter.calls.model.queue_log import ParsedLines, line_time, parse_lines

BLOCK = 64 * 1024  # bisection stops when the span is this small; reading it costs nothing
PROBE_LINES = 50  # lines read at a probe to find one with a time (skipping garbage)


def read_since(path: Path, since: datetime, call_ids: frozenset[str]) -> ParsedLines:
    """The entries of `call_ids` written at `since` or later (and a little before: from the
    probe that found the place), and the garbage lines met. Raises OSError."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(_start_offset(handle, size, since))
        return parse_lines(_complete_lines(handle, size), call_ids)


def _start_offset(handle: BinaryIO, size: int, since: datetime) -> int:
    """A line start at or before the first line written at `since` or later."""
    low, high = 0, size
    while high - low > BLOCK:
        middle = (low + high) // 2
        handle.seek(middle)
        handle.readline()  # the rest of the line the probe fell into
        start = handle.tell()
        found = _first_time(handle)
        if found is None or found >= since:
            high = middle
        else:
            low = start
    return low


def _first_time(handle: BinaryIO) -> datetime | None:
    for _ in range(PROBE_LINES):
        line = handle.readline()
        if not line:
            return None
        found = line_time(line)
        if found is not None:
            return found
    return None


def _complete_lines(handle: BinaryIO, size: int) -> Iterator[str]:
    """Lines up to `size` (the file may grow meanwhile) that end with a newline."""
    left = size - handle.tell()
    while left > 0:
        line = handle.readline(left)
        left -= len(line)
        if not line.endswith(b"\n"):
            return  # torn: Asterisk is still writing it
        yield line.decode("utf-8", "replace")
