"""Asterisk's queue_log, line by line: typed entries from the text app_queue appends.

A line is `time|callid|queuename|agent|event|data1|data2|...` (main/logger.c `ast_queue_log`):
`time` in Unix seconds, `callid` the caller channel's Uniqueid (the trunk leg's, i.e. our call
id) or `NONE`, `agent` the member's name (its interface when it has none) or `NONE`. The data
fields depend on the event; an old line keeps them in fewer fields (say `CONNECT|3|1.2`
without the ring time, or `EXITWITHTIMEOUT|1`), an adaptive realtime export pads them to
data1..data5 with empty fields: both parse, and readers look fields up by position with a
default. Unknown events parse too (the rule ignores them). Blank lines are skipped; a line
that is not a queue_log line (no time, too few fields) is `garbage`, kept for the reader's log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

FIXED_FIELDS = 5  # time, callid, queuename, agent, event
NONE = "NONE"


@dataclass(frozen=True, slots=True)
class QueueLogEntry:
    at: datetime
    call_id: str
    queue: str
    agent: str
    event: str
    data: tuple[str, ...]

    def datum(self, index: int, default: str = "") -> str:
        """The data field at `index` (0 is data1), `default` when the line has fewer."""
        return self.data[index] if index < len(self.data) else default


@dataclass(slots=True)
class ParsedLines:
    entries: list[QueueLogEntry] = field(default_factory=list)
    garbage: list[str] = field(default_factory=list)


def unix_time(raw: str) -> datetime | None:
    """A queue_log time (Unix seconds, a fraction tolerated) as an aware UTC datetime."""
    text = raw.strip()
    if not text or not text.replace(".", "", 1).isdigit():
        return None
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_line(line: str) -> QueueLogEntry | None:
    """One line (without its newline) as an entry; None when it is not a queue_log line."""
    parts = line.rstrip("\r\n").split("|")
    if len(parts) < FIXED_FIELDS:
        return None
    at = unix_time(parts[0])
    call_id, queue, agent, event = (part.strip() for part in parts[1:FIXED_FIELDS])
    if at is None or not call_id or not event:
        return None
    data = parts[FIXED_FIELDS:]
    while data and not data[-1]:
        data.pop()  # padded data1..data5, or the `|` an event without data ends with
    return QueueLogEntry(at, call_id, queue, agent, event.upper(), tuple(data))


def parse_lines(lines: Iterable[str], call_ids: frozenset[str] | None = None) -> ParsedLines:
    """Entries of the non-blank lines, in file order; only those of `call_ids` when given."""
    parsed = ParsedLines()
    for line in lines:
        if not line.strip():
            continue
        entry = parse_line(line)
        if entry is None:
            parsed.garbage.append(line)
        elif call_ids is None or entry.call_id in call_ids:
            parsed.entries.append(entry)
    return parsed


def line_time(line: bytes) -> datetime | None:
    """The time of a raw line, None for a line without one (to bisect a large file)."""
    return unix_time(line.split(b"|", 1)[0].decode("ascii", "replace"))
