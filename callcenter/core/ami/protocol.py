"""The wire: panoramisk's AMIProtocol with its measured defects fixed.

- bytes are decoded incrementally, so a UTF-8 character split across TCP reads survives;
  bytes that are not UTF-8 (a gateway sending a caller name in Windows-1251) are read as
  Windows-1251 rather than lost;
- frames are pre-filtered by event name before any object is built (most AMI traffic is
  VarSet/Newexten noise we never use);
- events never go through panoramisk's dispatch (which starts coroutines it never awaits and
  lets one handler's exception kill the connection): they go to one plain callback, guarded;
- a Shutdown event or EOF is reported once to the link, which decides about reconnecting;
- a frame longer than the cap is skipped to its end (never cut, so its tail is never read as
  a frame of its own), and every dropped frame is logged, its text escaped: whatever a peer
  sends, no control character reaches a terminal through the logs.
"""

from __future__ import annotations

import asyncio
import codecs
from collections.abc import Callable
from typing import Any, Protocol

import structlog
from panoramisk.ami_protocol import AMIProtocol
from panoramisk.message import Message

from callcenter.core.logs import printable

EOL = "\r\n"
FRAME_END = "\r\n\r\n"
BANNER = "Asterisk Call Manager/"
MAX_PENDING_CHARS = 1_000_000  # a frame longer than this is garbage: skip it, keep reading

log = structlog.get_logger("callcenter.ami")


def _as_cp1251(error: UnicodeError) -> tuple[str, int]:
    """Decode error handler: the bytes that are not UTF-8, read as Windows-1251 (Cyrillic)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return bytes(bad).decode("cp1251", errors="replace"), error.end


codecs.register_error("callcenter-cp1251", _as_cp1251)

Headers = dict[str, "str | list[str]"]


class LinkEvents(Protocol):
    def frame_received(self, headers: Headers) -> None: ...
    def link_lost(self, reason: str) -> None: ...


def frame_event(frame: str) -> tuple[str, str]:
    """(event name, VarSet variable) read from raw frame text without parsing it."""
    if not frame.startswith("Event: "):
        return "", ""
    name = frame[7:frame.find(EOL)] if EOL in frame else frame[7:]
    if name != "VarSet":
        return name, ""
    start = frame.find(EOL + "Variable: ")
    if start < 0:
        return name, ""
    start += len(EOL + "Variable: ")
    end = frame.find(EOL, start)
    return name, frame[start:] if end < 0 else frame[start:end]


def parse_frame(frame: str) -> Headers:
    """Headers of one frame; a repeated key (ChanVariable) becomes a list; junk lines skipped."""
    headers: Headers = {}
    for line in frame.split(EOL):
        key, sep, value = line.partition(": ")
        if not sep or not key:
            key, sep, value = line.partition(":")
            if not sep or not key or " " in key:
                continue
            value = value.strip()
        if key in headers:
            old = headers[key]
            headers[key] = [*old, value] if isinstance(old, list) else [old, value]
        else:
            headers[key] = value
    return headers


class AmiConnection(AMIProtocol):  # type: ignore[misc]
    """One TCP connection to Asterisk."""

    def __init__(self, link: LinkEvents, wanted: Callable[[str, str], bool]) -> None:
        super().__init__()
        self._link = link
        self._wanted = wanted
        self._decoder = codecs.getincrementaldecoder("utf-8")("callcenter-cp1251")
        self._pending = ""
        self._banner_done = False
        self._skipped: int | None = None  # chars of an oversized frame skipped so far
        self.version: str | None = None
        self.frames_dropped = 0

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self.encoding = "utf-8"

    def data_received(self, data: bytes) -> None:
        self._pending += self._decoder.decode(data)
        if self._skipped is not None and not self._skip_oversized():
            return
        if not self._banner_done and not self._take_banner():
            return
        *frames, self._pending = self._pending.split(FRAME_END)
        for frame in frames:
            self._frame(frame.strip(EOL))
        if len(self._pending) > MAX_PENDING_CHARS:
            self._skipped = 0
            self._skip_oversized()

    def _skip_oversized(self) -> bool:
        """Drop the oversized frame up to its end; False while its end has not arrived."""
        assert self._skipped is not None
        end = self._pending.find(FRAME_END)
        if end < 0:
            keep = len(FRAME_END) - 1  # the end marker may be split across reads
            self._skipped += max(0, len(self._pending) - keep)
            self._pending = self._pending[-keep:]
            return False
        self.frames_dropped += 1
        log.error("ami_frame_too_long", chars=self._skipped + end, limit=MAX_PENDING_CHARS)
        self._pending, self._skipped = self._pending[end + len(FRAME_END):], None
        return True

    def _take_banner(self) -> bool:
        if EOL not in self._pending:
            return False
        first, _, rest = self._pending.partition(EOL)
        if first.startswith(BANNER):
            self.version = first.removeprefix(BANNER).strip()
            self._pending = rest
        self._banner_done = True
        return True

    def _frame(self, frame: str) -> None:
        if not frame:
            return
        if len(frame) > MAX_PENDING_CHARS:  # it arrived whole, but no frame is that long
            self.frames_dropped += 1
            log.error("ami_frame_too_long", chars=len(frame), limit=MAX_PENDING_CHARS)
            return
        name, variable = frame_event(frame)
        if name == "Shutdown":
            self._link.link_lost("Asterisk is shutting down")
            return
        is_reply = (not name) or (EOL + "ActionID: ") in frame
        if name and not is_reply and not self._wanted(name, variable):
            return
        headers = parse_frame(frame)
        if "Event" not in headers and "Response" not in headers:
            self.frames_dropped += 1
            log.warning("ami_frame_malformed", frame=printable(frame))
            return
        if name:
            self._deliver(headers)
        if is_reply:
            self.handle_message(Message(headers))

    def _deliver(self, headers: Headers) -> None:
        try:
            self._link.frame_received(headers)
        except Exception:  # one bad event must never kill the connection
            log.exception("ami_handler_failed", ami_event=headers.get("Event"))

    def handle_message(self, message: Message) -> None:
        response = self.responses.get(message.id)
        if response is not None and response.add_message(message):
            self.responses.pop(response.id, None)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._link.link_lost(f"connection lost: {exc}" if exc else "connection closed")

    def fail_pending(self, error: Exception) -> None:
        for action in list(self.responses.values()):
            if not action.future.done():
                action.future.set_exception(error)
        self.responses.clear()

    def close(self) -> None:
        if not getattr(self, "closed", False):
            self.closed = True
            self.transport.close()


def new_connection_factory(link: LinkEvents, wanted: Callable[[str, str], bool]
                           ) -> Callable[[], asyncio.Protocol]:
    return lambda: AmiConnection(link, wanted)
