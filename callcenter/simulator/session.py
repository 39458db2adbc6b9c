"""One AMI client connection: reading actions, and an ordered outbox with write faults."""

from __future__ import annotations

import asyncio
import itertools
from typing import Protocol

ALL_EVENTS: frozenset[str] | None = None  # event mask meaning "every class"
TRUE_WORDS = frozenset({"on", "yes", "true", "y", "t", "1"})
FALSE_WORDS = frozenset({"off", "no", "false", "n", "f", "0"})


class WriteFaults(Protocol):
    """Where writes are cut (the simulator itself; read at every write)."""

    split_writes: int | None  # cut every write into chunks of at most this many bytes
    split_at_utf8: bool  # also cut inside every multi-byte UTF-8 character


def parse_event_mask(value: str | None) -> frozenset[str] | None:
    """`Events:` of a Login: absent/on = all classes (None), off = none, or a class list."""
    if value is None or value.strip().lower() in TRUE_WORDS or not value.strip():
        return ALL_EVENTS
    if value.strip().lower() in FALSE_WORDS:
        return frozenset()
    classes = frozenset(part.strip().lower() for part in value.split(",") if part.strip())
    return ALL_EVENTS if "all" in classes else classes


def chunks(data: bytes, faults: WriteFaults) -> list[bytes]:
    """`data` cut where the faults say (a single piece when there are none)."""
    cuts: set[int] = set()
    if faults.split_writes:
        cuts.update(range(faults.split_writes, len(data), faults.split_writes))
    if faults.split_at_utf8:
        cuts.update(i for i in range(1, len(data)) if _inside_character(data, i))
    if not cuts:
        return [data]
    edges = [0, *sorted(cuts), len(data)]
    return [data[start:end] for start, end in itertools.pairwise(edges)]


def _inside_character(data: bytes, index: int) -> bool:
    """Is `index` right after the lead byte of a multi-byte UTF-8 character?"""
    return data[index - 1] >= 0xC0 and data[index] & 0xC0 == 0x80


async def read_action(reader: asyncio.StreamReader) -> dict[str, str] | None:
    """The next action (headers up to a blank line; `\\r\\n` or `\\n`), None at EOF."""
    action: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if not line:
            return None
        text = line.decode("utf-8", errors="replace").rstrip("\r\n")
        if not text:
            if action:
                return action
            continue
        key, sep, value = text.partition(":")
        if sep:
            action[key.strip()] = value.strip()


class Client:
    """A connected AMI client. Everything written goes through one ordered outbox, so action
    responses and events never interleave inside a frame, even with split writes."""

    def __init__(self, writer: asyncio.StreamWriter, faults: WriteFaults) -> None:
        self.writer = writer
        self.faults = faults
        self.logged_in = False
        self.username = ""
        self.events: frozenset[str] | None = frozenset()
        self.closed = asyncio.Event()
        self._outbox: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._write_loop())

    @property
    def peer(self) -> str:
        address = self.writer.get_extra_info("peername") or ("127.0.0.1", 0)
        return f"{address[0]}/{address[1]}"

    def wants(self, privilege: str) -> bool:
        """Does this client receive events of that `Privilege:` (e.g. `call,all`)?"""
        if not self.logged_in or self.closed.is_set():
            return False
        if self.events is None:
            return True
        return bool(self.events & {part.strip() for part in privilege.split(",")})

    def send(self, data: bytes) -> None:
        if data and not self.closed.is_set():
            self._outbox.put_nowait(data)

    def close_soon(self) -> None:
        """Close after everything queued so far has been written."""
        self._outbox.put_nowait(None)

    def abort(self) -> None:
        """Drop the connection now (no goodbye, unsent data lost)."""
        self.closed.set()
        self.writer.transport.abort()
        self._task.cancel()

    async def flushed(self) -> None:
        """Wait until the outbox is written (or the connection is gone)."""
        join = asyncio.ensure_future(self._outbox.join())
        gone = asyncio.ensure_future(self.closed.wait())
        await asyncio.wait({join, gone}, return_when=asyncio.FIRST_COMPLETED)
        join.cancel()
        gone.cancel()

    async def finished(self) -> None:
        """Wait for the writer task to end (after close_soon or abort)."""
        await asyncio.wait({self._task})

    async def _write_loop(self) -> None:
        try:
            while (data := await self._outbox.get()) is not None:
                await self._write(data)
                self._outbox.task_done()
            self._outbox.task_done()
            self.writer.close()
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            self.writer.transport.abort()
        finally:
            self.closed.set()

    async def _write(self, data: bytes) -> None:
        pieces = chunks(data, self.faults)
        for piece in pieces:
            self.writer.write(piece)
            await self.writer.drain()
            if len(pieces) > 1:
                await asyncio.sleep(0)
