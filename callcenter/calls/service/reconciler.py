"""After every resync: the calls that ended, or were answered, while we were away, from
Asterisk's own record of them (its queue_log).

A resync closes as `unknown` the calls Asterisk no longer has and adopts the live ones it has
(answered at the resync's time, for all it can tell). Once that resync is stored, the
reconciler asks the store which calls it closed or adopted, reads the part of the queue_log
written since the oldest of them entered (in a thread, so the AMI socket is always read),
derives each call's record (`calls.model.queue_record`) and hands the intake one
`CallReconciled` per call with a record: the facts go the way every fact goes, through the
backlog to the store, which applies them idempotently (`calls.store.corrections`). A call
without a record stays as the resync left it; an unreadable file is a warning, once until it
is readable again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple, Protocol

import structlog

from callcenter.calls.model.facts import CallFact, CallReconciled, LinkResynced
from callcenter.calls.model.queue_log import ParsedLines
from callcenter.calls.model.queue_record import (
    QueueRecord,
    needs_member_names,
    reconciled,
    records_of,
)
from callcenter.calls.service.queue_log_file import read_since
from callcenter.core.errors import StoreUnavailable

log = structlog.get_logger("callcenter.queue_log")
SKEW = timedelta(minutes=10)  # read from this long before the oldest call entered (clocks)
RETRY = 5.0  # seconds before a resync's calls are asked for again when the database is away


class AwayCall(NamedTuple):
    call_id: str
    entered_at: datetime


class AwayCalls(Protocol):
    async def away_calls(self, resync: LinkResynced) -> list[AwayCall]:
        """The calls this resync closed as `unknown` or adopted."""
        ...


class QueueMembers(Protocol):
    async def interfaces(self) -> Mapping[str, str]:
        """Queue member name -> interface, as Asterisk has them now (may be empty)."""
        ...


class QueueLogReconciler:
    """An intake watcher (it only notes stored resyncs) with a task of its own, `run`."""

    def __init__(self, *, path: Path, calls: AwayCalls, members: QueueMembers,
                 record: Callable[[list[CallFact]], None],
                 clock: Callable[[], datetime]) -> None:
        self._path = path
        self._calls = calls
        self._members = members
        self._record = record
        self._clock = clock
        self._resyncs: asyncio.Queue[LinkResynced] = asyncio.Queue()
        self._unreadable = False

    def facts_seen(self, facts: Sequence[CallFact]) -> bool:
        return False

    async def facts_stored(self, facts: Sequence[CallFact]) -> None:
        for fact in facts:
            if isinstance(fact, LinkResynced):
                self._resyncs.put_nowait(fact)

    async def run(self) -> None:
        while True:
            resync = await self._resyncs.get()
            try:
                await self.reconcile(resync)
            except StoreUnavailable as exc:
                log.warning("queue_log_waiting_for_database", error=str(exc))
                await asyncio.sleep(RETRY)
                self._resyncs.put_nowait(resync)
            except Exception:  # one resync's failure must not end the reconciler
                log.exception("queue_log_reconcile_failed")

    async def reconcile(self, resync: LinkResynced) -> None:
        away = await self._calls.away_calls(resync)
        if not away:
            return
        parsed = await self._read(away)
        if parsed is None:
            return
        _report_garbage(parsed)
        records = records_of(parsed.entries, (call.call_id for call in away))
        if records:
            self._record(await self._facts(list(records.values())))
        log.info("queue_log_read", calls=len(away), with_record=len(records))

    async def _read(self, away: list[AwayCall]) -> ParsedLines | None:
        since = min(call.entered_at for call in away) - SKEW
        call_ids = frozenset(call.call_id for call in away)
        try:
            parsed = await asyncio.to_thread(read_since, self._path, since, call_ids)
        except OSError as exc:
            if not self._unreadable:
                log.warning("queue_log_unreadable", path=str(self._path), error=str(exc),
                            hint="calls that ended while we were away stay `unknown`")
            self._unreadable = True
            return None
        if self._unreadable:
            log.info("queue_log_readable", path=str(self._path))
        self._unreadable = False
        return parsed

    async def _facts(self, records: list[QueueRecord]) -> list[CallFact]:
        members = await self._members.interfaces() if needs_member_names(records) else {}
        at = self._clock()
        return [_fact(record, members, at) for record in records]


def _fact(record: QueueRecord, members: Mapping[str, str], at: datetime) -> CallReconciled:
    fact = reconciled(record, members, at)
    if record.agent is not None and fact.seat is None:
        log.warning("queue_log_member_unknown", call_id=record.call_id, member=record.agent,
                    hint="not a member of any queue now: the operator stays empty")
    log.info("call_reconciled", call_id=fact.call_id, outcome=fact.outcome, seat=fact.seat,
             answered_at=fact.answered_at, ended_at=fact.ended_at)
    return fact


def _report_garbage(parsed: ParsedLines) -> None:
    """Counted, not quoted: a torn ENTERQUEUE line holds a resident's number."""
    if parsed.garbage:
        log.warning("queue_log_lines_skipped", count=len(parsed.garbage),
                    hint="not queue_log lines (time|callid|queue|agent|event|...)")
