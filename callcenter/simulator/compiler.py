"""Turn a call's frames into format strings with named slots, so that a call renders fast.

Slots: `u0..` Uniqueid/Linkedid values (in order of first appearance, so `u0` is the caller
leg), `c0..` channel name suffixes, `b0..` bridge ids, `caller`, `name` (the caller's display
name where it stands alone), `trunk`, and `ts` (an optional `Timestamp:` line per frame).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from callcenter.simulator.frames import Frame, header

ID_KEYS = ("Uniqueid", "Linkedid", "DestUniqueid", "DestLinkedid")
NAME_KEYS = frozenset(
    {"CallerIDName", "ConnectedLineName", "DestCallerIDName", "DestConnectedLineName"}
)
UUID = re.compile(r"(?P<v>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
CHANNEL = re.compile(r"(?:PJSIP|SIP|IAX2|DAHDI|Local)/[^\s,/;]+?-(?P<v>[0-9a-f]{8})(?![0-9A-Za-z])")

Piece = tuple[bool, str]  # (is a slot, slot name or literal text)


@dataclass(frozen=True)
class CompiledValue:
    key: str
    raw: str
    fmt: str | None  # None: the value never changes


@dataclass(frozen=True)
class CompiledCall:
    values: list[list[CompiledValue]]
    texts: list[str]  # whole frames as format strings, `{ts}` after Privilege
    id_count: int
    channel_count: int
    bridge_count: int


@dataclass(frozen=True)
class Originals:
    caller: str
    caller_name: str
    trunk: str


def originals(frames: list[Frame]) -> Originals:
    """Caller number, caller name and trunk of the call's first Newchannel (the trunk leg)."""
    first = next(f for f in frames if header(f, "Event") == "Newchannel")
    channel = header(first, "Channel")
    trunk = channel.partition("/")[2].rpartition("-")[0]
    return Originals(header(first, "CallerIDNum"), header(first, "CallerIDName"), trunk)


class _Slots:
    """Maps original values to slot names, numbering them in order of first appearance."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.names: dict[str, str] = {}

    def __call__(self, original: str) -> str:
        if original not in self.names:
            self.names[original] = f"{self.prefix}{len(self.names)}"
        return self.names[original]


def compile_call(frames: list[Frame]) -> CompiledCall:
    orig = originals(frames)
    ids = _Slots("u")
    for frame in frames:
        for key, value in frame:
            if key in ID_KEYS:
                ids(value)
    channels, bridges = _Slots("c"), _Slots("b")
    passes = _passes(orig, ids, channels, bridges)
    values = [[_compile_value(key, value, orig, passes) for key, value in f] for f in frames]
    texts = [_frame_format(frame) for frame in values]
    return CompiledCall(values, texts, len(ids.names), len(channels.names), len(bridges.names))


Pass = tuple[re.Pattern[str], Callable[[str], str]]


def _passes(orig: Originals, ids: _Slots, channels: _Slots, bridges: _Slots) -> list[Pass]:
    passes: list[Pass] = [(UUID, bridges), (CHANNEL, channels)]
    if ids.names:
        known = "|".join(re.escape(v) for v in sorted(ids.names, key=len, reverse=True))
        passes.insert(0, (re.compile(rf"(?<![\d.])(?P<v>{known})(?!\d)"), ids))
    if orig.caller:
        caller = re.compile(rf"(?<![\w+])(?P<v>{re.escape(orig.caller)})(?!\w)")
        passes.append((caller, lambda _: "caller"))
    if orig.trunk:
        passes.append((re.compile(rf"(?<!\w)(?P<v>{re.escape(orig.trunk)})(?!\w)"), _trunk))
    return passes


def _trunk(_: str) -> str:
    return "trunk"


def _compile_value(key: str, value: str, orig: Originals, passes: list[Pass]) -> CompiledValue:
    if key in NAME_KEYS and value == orig.caller_name and value not in ("", "<unknown>"):
        return CompiledValue(key, value, "{name}")
    pieces: list[Piece] = [(False, value)]
    for pattern, slot_for in passes:
        pieces = _split(pieces, pattern, slot_for)
    if all(not is_slot for is_slot, _ in pieces):
        return CompiledValue(key, value, None)
    return CompiledValue(key, value, _format(pieces))


def _split(
    pieces: list[Piece], pattern: re.Pattern[str], slot_for: Callable[[str], str]
) -> list[Piece]:
    out: list[Piece] = []
    for is_slot, text in pieces:
        if is_slot:
            out.append((True, text))
            continue
        position = 0
        for match in pattern.finditer(text):
            start, end = match.span("v")
            out.append((False, text[position:start]))
            out.append((True, slot_for(match.group("v"))))
            position = end
        out.append((False, text[position:]))
    return [(is_slot, text) for is_slot, text in out if is_slot or text]


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _format(pieces: list[Piece]) -> str:
    return "".join("{" + text + "}" if is_slot else _escape(text) for is_slot, text in pieces)


def _frame_format(values: list[CompiledValue]) -> str:
    lines = []
    for value in values:
        fmt = value.fmt if value.fmt is not None else _escape(value.raw)
        lines.append(f"{value.key}: {fmt}\r\n")
        if value.key == "Privilege":
            lines.append("{ts}")
    return "".join(lines) + "\r\n"
