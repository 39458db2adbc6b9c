"""Facts waiting for the database: a bounded memory queue, then an append-only journal.

Order is kept: once the memory queue is full, every new fact goes to the journal until the
journal is drained, and the memory queue (older facts) is always drained first. The journal
survives a restart: facts not yet written are replayed at start-up (applying a fact twice is
harmless; the store is idempotent).
"""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path

import structlog

from callcenter.calls.model.facts import CallFact
from callcenter.calls.service import fact_codec

log = structlog.get_logger("callcenter.intake")


class Backlog:
    def __init__(self, journal: Path, *, memory_limit: int) -> None:
        self._memory: deque[CallFact] = deque()
        self._limit = memory_limit
        self._journal = journal
        self._offset_file = journal.with_name(journal.name + ".offset")
        journal.parent.mkdir(parents=True, exist_ok=True)
        self._terminate_torn_line()
        self._read_offset = self._load_offset()
        self._journal_count = self._count_pending()
        self._peeked_from_journal: tuple[int, int] | None = None  # (items, new offset)

    # -- state ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._memory) + self._journal_count

    @property
    def in_journal(self) -> int:
        return self._journal_count

    @property
    def spilling(self) -> bool:
        return self._journal_count > 0

    # -- putting -------------------------------------------------------------------------

    def put(self, fact: CallFact) -> None:
        if not self.spilling and len(self._memory) < self._limit:
            self._memory.append(fact)
            return
        if not self.spilling:
            log.warning("intake_spilling_to_journal", journal=str(self._journal),
                        in_memory=len(self._memory))
        with self._journal.open("a", encoding="utf-8") as handle:
            handle.write(fact_codec.encode(fact) + "\n")
        self._journal_count += 1

    # -- taking --------------------------------------------------------------------------

    def peek(self, limit: int) -> list[CallFact]:
        """The oldest facts, up to `limit`, without removing them (see `commit`)."""
        if self._memory:
            self._peeked_from_journal = None
            return [self._memory[i] for i in range(min(limit, len(self._memory)))]
        if not self._journal_count:
            return []
        facts, taken, offset = self._read_journal(limit)
        self._peeked_from_journal = (taken, offset)
        return facts

    def commit(self, count: int) -> None:
        """Remove the `count` oldest facts: they are safely in the database."""
        if self._peeked_from_journal is None:
            for _ in range(count):
                self._memory.popleft()
            return
        taken, offset = self._peeked_from_journal
        self._peeked_from_journal = None
        self._journal_count -= taken
        self._read_offset = offset
        if self._journal_count <= 0:
            self._reset_journal()
        else:
            self._offset_file.write_text(str(offset))

    # -- the journal file ----------------------------------------------------------------

    def _read_journal(self, limit: int) -> tuple[list[CallFact], int, int]:
        facts: list[CallFact] = []
        taken, offset = 0, self._read_offset
        with self._journal.open("rb") as handle:
            handle.seek(offset)
            while len(facts) < limit:
                raw = handle.readline()
                if not raw.endswith(b"\n"):
                    break
                taken += 1
                offset += len(raw)
                try:
                    facts.append(fact_codec.decode(raw.decode("utf-8")))
                except (ValueError, UnicodeDecodeError) as exc:
                    log.error("intake_journal_line_unreadable", error=str(exc))
        return facts, taken, offset

    def _reset_journal(self) -> None:
        self._journal.unlink(missing_ok=True)
        self._offset_file.unlink(missing_ok=True)
        self._read_offset = 0
        self._journal_count = 0
        log.info("intake_journal_drained")

    def _load_offset(self) -> int:
        try:
            return int(self._offset_file.read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def _count_pending(self) -> int:
        if not self._journal.exists():
            return 0
        with self._journal.open("rb") as handle:
            handle.seek(self._read_offset)
            count = sum(1 for line in handle if line.endswith(b"\n"))
        if count:
            log.warning("intake_journal_replay", journal=str(self._journal), facts=count)
        return count

    def save(self) -> None:
        """At shutdown: put what waits in memory at the head of the journal, so a restart
        replays it (memory holds the oldest facts)."""
        if not self._memory:
            return
        fresh = self._journal.with_name(self._journal.name + ".new")
        with fresh.open("wb") as out:
            for fact in self._memory:
                out.write((fact_codec.encode(fact) + "\n").encode("utf-8"))
            if self._journal.exists():
                with self._journal.open("rb") as old:
                    old.seek(self._read_offset)
                    out.writelines(line for line in old if line.endswith(b"\n"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(fresh, self._journal)
        self._offset_file.unlink(missing_ok=True)
        self._journal_count += len(self._memory)
        self._read_offset = 0
        log.info("intake_backlog_saved", journal=str(self._journal), facts=self._journal_count)
        self._memory.clear()

    def _terminate_torn_line(self) -> None:
        """A crash mid-write leaves a line without its newline: close it off so that the
        next fact starts on a line of its own (the torn one is reported and skipped)."""
        if not self._journal.exists() or self._journal.stat().st_size == 0:
            return
        with self._journal.open("rb+") as handle:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                handle.write(b"\n")
