"""AMI frames: ordered header pairs, parsed from and written as `Key: value\\r\\n` lines."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

Header = tuple[str, str]
Frame = list[Header]

BANNER = b"Asterisk Call Manager/9.0.0\r\n"
NOT_CALL_EVENTS = frozenset({"SuccessfulAuth", "FullyBooted", "Shutdown"})


def parse_frame(block: str) -> Frame:
    """Split one frame (without its blank line) into (key, value) pairs, keeping order."""
    pairs: Frame = []
    for line in block.split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            pairs.append((key, value[1:] if value.startswith(" ") else value))
    return pairs


def parse_stream(text: str) -> list[Frame]:
    """Split AMI text (no banner) into frames; empty blocks are skipped."""
    return [parse_frame(block) for block in text.split("\r\n\r\n") if block.strip()]


def read_trace(data: bytes) -> list[Frame]:
    """Parse a raw trace capture: UTF-8, banner line first, then frames."""
    text = data.decode("utf-8")
    if text.startswith("Asterisk Call Manager/"):
        text = text.partition("\r\n")[2]
    return parse_stream(text)


def is_call_event(frame: Frame) -> bool:
    """A real event about a call: has Event and Privilege, and is not a system notice."""
    event = header(frame, "Event")
    return bool(event) and has_header(frame, "Privilege") and event not in NOT_CALL_EVENTS


def header(frame: Frame, key: str, default: str = "") -> str:
    """The first value of `key` (exact spelling), or `default`."""
    for name, value in frame:
        if name == key:
            return value
    return default


def has_header(frame: Frame, key: str) -> bool:
    return any(name == key for name, _ in frame)


def first_values(frame: Frame) -> dict[str, str]:
    """The first value of every key, as a dict."""
    values: dict[str, str] = {}
    for key, value in frame:
        values.setdefault(key, value)
    return values


def replace_values(frame: Frame, updates: Mapping[str, str]) -> Frame:
    """A copy of `frame` with the values of the given keys replaced (all occurrences)."""
    return [(key, updates.get(key, value)) for key, value in frame]


def frame_text(frame: Iterable[Header]) -> str:
    return "".join(f"{key}: {value}\r\n" for key, value in frame) + "\r\n"


def frame_bytes(frame: Iterable[Header]) -> bytes:
    return frame_text(frame).encode("utf-8")


def event_stamp() -> str:
    """`Timestamp:` value as Asterisk writes it with `timestampevents = yes`."""
    return f"{time.time():.6f}"


def with_timestamp(frame: Frame, stamp: str) -> Frame:
    """Insert `Timestamp:` right after `Privilege:` (or after `Event:` when there is none)."""
    anchor = "Privilege" if has_header(frame, "Privilege") else "Event"
    out: Frame = []
    for key, value in frame:
        out.append((key, value))
        if key == anchor:
            out.append(("Timestamp", stamp))
            anchor = ""
    return out
