"""Pop messages between processes, through the database.

The process holding the AMI link publishes every message it delivers: a row in `pop_messages`
and, on PostgreSQL, a `NOTIFY callcenter_pops` in the same transaction carrying the whole
message (or only the row id when it would not fit in NOTIFY's 8000 bytes). Every web process
subscribes: first it replays the last hour's rows to rebuild the seats' state and the board,
then it follows `LISTEN` on PostgreSQL (see pop_listen.py) or polls the table on SQLite every
`poll_interval` seconds. Publishing never blocks a pop: messages wait in a bounded memory queue
(the oldest dropped beyond it) while the database is away. Rows older than `retention` are
pruned by the publisher.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import delete, insert, select, text

from callcenter.core.database import Database
from callcenter.core.errors import StoreUnavailable
from callcenter.core.pacing import DatabaseOutage, after_burst
from callcenter.core.tables import Base
from callcenter.pops.service.relay import Envelope, envelope_from_text
from callcenter.pops.tables import PopMessage

log = structlog.get_logger("callcenter.pops")
CHANNEL = "callcenter_pops"
NOTIFY_LIMIT = 7_900  # bytes; PostgreSQL refuses a NOTIFY payload of 8000 bytes or more
QUEUE_LIMIT = 10_000
BATCH = 1_000
PRUNE_EVERY = 60.0
SEEN_LIMIT = 20_000
POP_MESSAGES = Base.metadata.tables["pop_messages"]
# The publisher writes once no message came for QUIET seconds (at the latest COALESCE after
# the first): a burst of pops becomes one transaction instead of one each, which in the
# process holding the AMI link would take event-loop time from the pops still to be sent.
QUIET = 0.005
COALESCE = 0.05
Receive = Callable[[Envelope, bool], None]  # (message, deliver to sockets?)


def utc_now() -> datetime:
    return datetime.now(UTC)


def notify_payload(row_id: int, origin: str, item: Envelope) -> str:
    """`id TAB origin TAB seat TAB message`; an empty message means "read the row"."""
    payload = f"{row_id}\t{origin}\t{item.seat or ''}\t{item.text}"
    if len(payload.encode()) < NOTIFY_LIMIT:
        return payload
    return f"{row_id}\t{origin}\t{item.seat or ''}\t"


class PopChannel:
    def __init__(self, db: Database, *, origin: str | None = None, poll_interval: float = 0.05,
                 retention: float = 3600.0, queue_limit: int = QUEUE_LIMIT,
                 replays: bool = True) -> None:
        self.db = db
        # A web-only process rebuilds its state from the recent rows; the process holding
        # the AMI link starts afresh (it tells the others with a "reset") and skips them.
        self.replays = replays
        self.origin = origin or secrets.token_hex(8)
        self.poll_interval = poll_interval
        self.retention = timedelta(seconds=retention)
        self._queue: deque[Envelope] = deque()
        self._queue_limit = queue_limit
        self._wake = asyncio.Event()
        self._seen: OrderedDict[int, None] = OrderedDict()
        self.last_id = 0
        self.ready = asyncio.Event()  # set once replayed: following from here on
        self.published = 0
        self.dropped = 0
        self._last_publish = 0.0

    # -- publishing (the process holding the AMI link) --------------------------------------

    def publish(self, item: Envelope) -> None:
        self._last_publish = time.monotonic()
        self._queue.append(item)
        if len(self._queue) > self._queue_limit:
            self._queue.popleft()
            self.dropped += 1
        self._wake.set()

    async def run_publisher(self) -> None:
        pruned = time.monotonic()
        outage = DatabaseOutage("pops_not_published")
        while True:
            await self._wake.wait()
            await after_burst(lambda: self._last_publish, quiet=QUIET, longest=COALESCE)
            self._wake.clear()
            batch = [self._queue.popleft() for _ in range(min(len(self._queue), BATCH))]
            try:
                await self._write(batch)
            except StoreUnavailable as exc:
                self._put_back(batch)
                await outage.wait(exc, waiting=len(self._queue))
                continue
            except Exception:  # kept for the next try; the supervisor logs and retries
                self._put_back(batch)
                raise
            outage.over()
            if self._queue:
                self._wake.set()
            if time.monotonic() - pruned > PRUNE_EVERY:
                pruned = time.monotonic()
                await self.prune()

    def _put_back(self, batch: list[Envelope]) -> None:
        self._queue.extendleft(reversed(batch))
        while len(self._queue) > self._queue_limit:
            self._queue.popleft()
            self.dropped += 1
        self._wake.set()

    async def _write(self, batch: Sequence[Envelope]) -> None:
        if not batch:
            return
        now = utc_now()
        rows = [{"at": now, "origin": self.origin, "seat": item.seat, "body": item.text}
                for item in batch]
        async with self.db.transaction() as session:
            if self.db.dialect != "postgresql":  # polled by id: no ids needed here
                await session.execute(insert(POP_MESSAGES), rows)
            else:  # NOTIFY carries each row's id: RETURNING in the rows' order
                statement = insert(PopMessage).returning(PopMessage.id,
                                                         sort_by_parameter_order=True)
                ids = list((await session.scalars(statement, rows)).all())
                payloads = [notify_payload(i, self.origin, item)
                            for i, item in zip(ids, batch, strict=True)]
                await session.execute(
                    text("SELECT pg_notify(:channel, p) FROM unnest(CAST(:payloads AS text[])) p"),
                    {"channel": CHANNEL, "payloads": payloads})
        self.published += len(batch)

    async def prune(self) -> None:
        try:
            async with self.db.transaction() as session:
                await session.execute(delete(PopMessage).where(
                    PopMessage.at < utc_now() - self.retention))
        except StoreUnavailable as exc:
            log.warning("pops_not_pruned", error=str(exc))

    # -- subscribing (every web process) ----------------------------------------------------

    async def replay(self, receive: Receive) -> None:
        """Rebuild state from the recent rows (nothing delivered); remembers the last id."""
        if not self.replays:
            await self._remember_newest()
            self.ready.set()
            return
        query = (select(PopMessage.id, PopMessage.origin, PopMessage.seat, PopMessage.body)
                 .where(PopMessage.at >= utc_now() - self.retention).order_by(PopMessage.id))
        async with self.db.reading() as session:
            rows = (await session.execute(query)).all()
        for row_id, origin, seat, body in rows:
            self.take(row_id, origin, seat, body, receive, deliver=False)
        if rows:
            self.last_id = max(self.last_id, rows[-1][0])
        else:
            await self._remember_newest()
        self.ready.set()
        log.info("pops_replayed", messages=len(rows), last_id=self.last_id)

    async def _remember_newest(self) -> None:
        async with self.db.reading() as session:
            newest = await session.scalar(select(PopMessage.id).order_by(
                PopMessage.id.desc()).limit(1))
        self.last_id = max(self.last_id, newest or 0)

    async def catch_up(self, receive: Receive) -> int:
        """Deliver the rows after the last one seen, in order; how many there were."""
        query = (select(PopMessage.id, PopMessage.origin, PopMessage.seat, PopMessage.body)
                 .where(PopMessage.id > self.last_id).order_by(PopMessage.id).limit(1000))
        async with self.db.reading() as session:
            rows = (await session.execute(query)).all()
        for row_id, origin, seat, body in rows:
            self.take(row_id, origin, seat, body, receive, deliver=True)
        return len(rows)

    async def poll(self, receive: Receive) -> None:
        """SQLite: follow the table (a message takes up to `poll_interval` to arrive)."""
        outage = DatabaseOutage("pops_poll_failed", first=1.0)
        while True:
            try:
                while await self.catch_up(receive) >= 1000:
                    pass
                outage.over()
            except StoreUnavailable as exc:
                await outage.wait(exc)
            await asyncio.sleep(self.poll_interval)

    async def fetch(self, row_id: int) -> tuple[str | None, str] | None:
        async with self.db.reading() as session:
            row = (await session.execute(select(PopMessage.seat, PopMessage.body)
                                         .where(PopMessage.id == row_id))).first()
        return None if row is None else (row[0], row[1])

    def take(self, row_id: int, origin: str, seat: str | None, body: str, receive: Receive,
             *, deliver: bool) -> None:
        """Hand one row (or notification) on, once, unless this process published it."""
        self.last_id = max(self.last_id, row_id)
        if row_id in self._seen or origin == self.origin:
            return
        self._seen[row_id] = None
        if len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)
        try:
            item = envelope_from_text(seat, body)
        except ValueError:
            log.error("pop_message_unreadable", id=row_id)
            return
        receive(item, deliver)
