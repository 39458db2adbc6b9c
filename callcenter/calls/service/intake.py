"""Call intake: AMI frames -> call tracker -> facts -> backlog -> database, in order.

The AMI link hands every wanted frame to `frame_received` (a plain, cheap callback). `consume`
interprets frames in a supervised task; `write` applies facts to the store in batches and, while
the database is away, lets them wait in the backlog (memory, then journal).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import structlog

from callcenter.calls.model import ami_events as ami
from callcenter.calls.model.facts import CallEnded, CallEntered, CallFact, LinkResynced
from callcenter.calls.model.tracker import CallTracker
from callcenter.calls.service import fact_codec
from callcenter.calls.service.backlog import Backlog
from callcenter.core.errors import StoreUnavailable
from callcenter.core.logs import printable
from callcenter.core.pacing import DatabaseOutage, after_burst

log = structlog.get_logger("callcenter.intake")
RESYNC_PREFIX = "callcenter-resync-"
BATCH_GROWTH = 4  # a writer far behind takes batches up to this many times batch_size
FRAMES_FIRST = 0.1  # at most this long the writer gives way to a burst of frames
QUIET = 0.005  # a burst is over once no frame arrived for this long


class CallStore(Protocol):
    async def apply(self, facts: Sequence[CallFact]) -> None: ...


class CallWatcher(Protocol):
    """Told about facts twice: the moment they are known, and once they are in the database.

    `facts_seen` runs on the intake's hot path (screen pops): it must only look up memory and
    hand work off; it returns True when what it handed off should leave at once (a pop for
    an operator's socket), and the intake then yields to the event loop once. Yielding after
    every frame instead would let reading outrun interpreting: a burst would pile up in
    memory as parsed frames rather than in the kernel's socket buffer. `facts_stored` runs
    after the batch committed (recordings, pop cards): it should enqueue, not do long work,
    because the writer waits for it.
    """

    def facts_seen(self, facts: Sequence[CallFact]) -> bool | None: ...

    async def facts_stored(self, facts: Sequence[CallFact]) -> None: ...


class AmiActions(Protocol):
    async def action(self, fields: Mapping[str, Any], *, as_list: bool | None = None,
                     timeout: float | None = None) -> Any: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class Intake:
    def __init__(self, *, tracker: CallTracker, store: CallStore, backlog: Backlog,
                 batch_size: int = 500, retry_max: float = 10.0,
                 rejected: Path | None = None, clock: Callable[[], datetime] = utc_now,
                 watchers: Sequence[CallWatcher] = ()) -> None:
        self.tracker = tracker
        self.store = store
        self.backlog = backlog
        self.inbox: asyncio.Queue[tuple[ami.Headers, datetime, float]] = asyncio.Queue()
        # time.monotonic() when the frame being interpreted arrived (screen-pop latency)
        self.received = 0.0
        self._handed_off = False  # a watcher has something to send from the last frame
        self._batch_size = batch_size
        self._rejected = rejected
        self._clock = clock
        self.watchers = list(watchers)
        self._wake = asyncio.Event()
        self._resyncs = 0
        self._snapshots: dict[str, list[ami.ChannelSnapshot]] = {}
        self._link: AmiActions | None = None
        self._lookups: asyncio.Queue[list[tuple[str, str]]] = asyncio.Queue()
        self.facts_written = 0
        self._outage = DatabaseOutage("intake_waiting_for_database", back="intake_database_back",
                                      longest=retry_max)

    @property
    def database_ok(self) -> bool:
        return not self._outage.away

    # -- from the AMI link ---------------------------------------------------------------

    def frame_received(self, headers: ami.Headers) -> None:
        self.inbox.put_nowait((headers, self._clock(), time.monotonic()))

    async def on_login(self, link: AmiActions) -> None:
        """After every (re)connect: ask which channels are up; the answer is queued in order."""
        self._link = link
        self._resyncs += 1
        answer = await link.action({"Action": "CoreShowChannels",
                                    "ActionID": f"{RESYNC_PREFIX}{self._resyncs}"},
                                   as_list=True)
        first = answer[0] if isinstance(answer, list) and answer else answer
        if isinstance(first, Mapping) and ami.header(first, "Response") not in ("Success", ""):
            log.error("resync_refused", message=ami.header(first, "Message"),
                      hint="the AMI user needs the `reporting` write class (manager.conf)")

    # -- interpreting --------------------------------------------------------------------

    async def consume(self) -> None:
        while True:
            headers, received_at, self.received = await self.inbox.get()
            try:
                self.interpret(headers, received_at)
            except Exception:  # a frame we cannot interpret must not stop the intake
                log.exception("intake_frame_failed", ami_event=ami.header(headers, "Event"))
            if self._handed_off:  # let what the watchers handed off (screen pops) go out now
                self._handed_off = False
                await asyncio.sleep(0)

    def interpret(self, headers: ami.Headers, received_at: datetime) -> None:
        name = ami.header(headers, "Event")
        action_id = ami.header(headers, "ActionID")
        if action_id.startswith(RESYNC_PREFIX):
            self._collect_snapshot(name, action_id, headers, received_at)
            return
        if action_id:
            return  # items of other actions' answers
        event = ami.parse_event(headers, received_at)
        if event is None:
            self._warn_if_incomplete(headers)
            return
        facts = self.tracker.handle(event)
        self._record(facts)
        if not facts and isinstance(event, ami.ChannelCreated):
            self._warn_if_unknown_trunk(event)

    def _warn_if_incomplete(self, headers: ami.Headers) -> None:
        missing = ami.missing_headers(headers)
        if missing:
            log.warning("ami_event_incomplete", ami_event=printable(ami.header(headers, "Event")),
                        missing=list(missing), channel=printable(ami.header(headers, "Channel")))

    def _warn_if_unknown_trunk(self, event: ami.ChannelCreated) -> None:
        if self.tracker.unknown_trunk(event):
            log.warning("call_from_unknown_trunk", channel=event.channel,
                        context=event.context, call_id=event.linkedid,
                        hint="no [[trunks]] entry names this channel: its calls open nothing")

    def _collect_snapshot(self, name: str, action_id: str, headers: ami.Headers,
                          at: datetime) -> None:
        items = self._snapshots.setdefault(action_id, [])
        snapshot = ami.parse_snapshot(headers)
        if snapshot is not None:
            items.append(snapshot)
        if name == "CoreShowChannelsComplete":
            self._record(self.tracker.resync(self._snapshots.pop(action_id), at))
            missing = self.tracker.without_recording()
            if missing:
                self._lookups.put_nowait(missing)

    async def look_up_recordings(self) -> None:
        """Ask Asterisk for the recording of the live calls a resync left without one (a call
        adopted mid-way, whose MixMonitor announcement went by before we listened)."""
        while True:
            calls = await self._lookups.get()
            for call_id, channel in calls:
                path = await self._recording_of(call_id, channel)
                if path:
                    self._record(self.tracker.recording_found(call_id, self._clock(), path))

    async def _recording_of(self, call_id: str, channel: str) -> str:
        link = self._link
        if link is None:
            return ""
        try:
            reply = await link.action({"Action": "Getvar", "Channel": channel,
                                       "Variable": ami.RECORDING_VARIABLE})
        except Exception as exc:  # link down or no answer: the next resync asks again
            log.warning("recording_lookup_failed", call_id=call_id, channel=channel,
                        error=str(exc))
            return ""
        if ami.header(reply, "Response").lower() != "success":
            log.warning("recording_lookup_refused", call_id=call_id, channel=channel,
                        message=ami.header(reply, "Message"))
            return ""
        return ami.header(reply, "Value")

    def add_facts(self, facts: list[CallFact]) -> None:
        """Facts found out of band (Asterisk's queue_log): the same way as the tracker's."""
        self._record(facts)

    def _record(self, facts: list[CallFact]) -> None:
        for fact in facts:
            self.backlog.put(fact)
            _log_fact(fact)
        if facts:
            self._wake.set()
            for watcher in self.watchers:
                if _guarded(watcher.facts_seen, facts):
                    self._handed_off = True

    # -- writing -------------------------------------------------------------------------

    async def write(self) -> None:
        if len(self.backlog):
            self._wake.set()  # a journal left by the previous run
        while True:
            await self._wake.wait()
            await after_burst(lambda: self.received, quiet=QUIET, longest=FRAMES_FIRST,
                              busy=lambda: not self.inbox.empty())
            batch = self.backlog.peek(self._batch_limit())
            if not batch:
                if len(self.backlog):
                    self.backlog.commit(0)  # only unreadable journal lines: skip them
                else:
                    self._wake.clear()
                continue
            try:
                await self._apply(batch)
            except StoreUnavailable as exc:  # said once per outage; waits longer each time
                await self._outage.wait(exc, waiting=len(self.backlog),
                                        in_journal=self.backlog.in_journal)
                continue
            self._outage.over(waiting=len(self.backlog) - len(batch))
            self.backlog.commit(len(batch))
            self.facts_written += len(batch)
            await self._tell_stored(batch)

    def _batch_limit(self) -> int:
        """`batch_size` facts; when the backlog is long, a quarter of it, up to BATCH_GROWTH
        times as many: a batch costs about as many statements whatever its size, so a
        writer that fell behind catches up faster."""
        grown = min(len(self.backlog) // 4, self._batch_size * BATCH_GROWTH)
        return max(self._batch_size, grown)

    async def _tell_stored(self, batch: list[CallFact]) -> None:
        """Watchers keep what they could not store (recordings retry); a failure is logged."""
        for watcher in self.watchers:
            try:
                await watcher.facts_stored(batch)
            except StoreUnavailable as exc:
                log.warning("intake_watcher_waiting", watcher=type(watcher).__name__,
                            error=str(exc))
            except Exception:  # a watcher's failure must not stop the intake
                log.exception("intake_watcher_failed", watcher=type(watcher).__name__)

    async def _apply(self, batch: list[CallFact]) -> None:
        try:
            await self.store.apply(batch)
        except StoreUnavailable:
            raise
        except Exception:
            log.exception("intake_batch_failed", facts=len(batch))
            await self._apply_one_by_one(batch)

    async def _apply_one_by_one(self, batch: list[CallFact]) -> None:
        for fact in batch:
            try:
                await self.store.apply([fact])
            except StoreUnavailable:
                raise
            except Exception as exc:
                self._reject(fact, exc)

    def _reject(self, fact: CallFact, exc: Exception) -> None:
        log.error("intake_fact_rejected", fact=type(fact).__name__, error=str(exc))
        if self._rejected is not None:
            with self._rejected.open("a", encoding="utf-8") as handle:
                handle.write(fact_codec.encode(fact) + "\n")


def _guarded(seen: Callable[[Sequence[CallFact]], bool | None], facts: list[CallFact]
             ) -> bool:
    try:
        return bool(seen(facts))
    except Exception:  # a watcher's failure must not stop the intake
        log.exception("intake_watcher_failed", watcher=type(seen).__qualname__)
        return False


def _log_fact(fact: CallFact) -> None:
    """On the hot path: `call_id` is passed, not bound (binding costs a context switch per
    fact), and the debug line's fields are built only when debug is on."""
    if isinstance(fact, LinkResynced):
        log.info("calls_resynced", live=len(fact.live_call_ids))
    elif isinstance(fact, CallEntered):
        log.info("call_entered", call_id=fact.call_id, trunk=fact.trunk, line=fact.line,
                 caller=fact.caller, carrier=fact.carrier, resynced=fact.resynced)
    elif isinstance(fact, CallEnded):
        log.info("call_ended", call_id=fact.call_id, outcome=fact.outcome, cause=fact.cause,
                 link_down=fact.link_down)
    elif log.is_enabled_for(logging.DEBUG):
        log.debug("call_fact", call_id=fact.call_id, fact=type(fact).__name__,
                  **_fields(fact))


def _fields(fact: CallFact) -> dict[str, Any]:
    return {f.name: getattr(fact, f.name) for f in dataclasses.fields(fact)
            if f.name not in {"call_id", "at"}}
