"""Which channels are inbound trunks, and of which kind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

LineKind = Literal["landline", "mobile"]
LINE_KINDS: tuple[LineKind, ...] = ("landline", "mobile")


@dataclass(frozen=True, slots=True)
class Trunk:
    """A trunk: `channels` are patterns for the channel name without its `-xxxxxxxx` suffix."""

    name: str
    kind: LineKind
    channels: tuple[str, ...]

    def matches(self, channel_stem: str) -> bool:
        return any(fnmatchcase(channel_stem, pattern) for pattern in self.channels)


def channel_stem(channel: str) -> str:
    """`PJSIP/kyivstar-0000001a` -> `PJSIP/kyivstar` (the technology and endpoint)."""
    stem, sep, _ = channel.rpartition("-")
    return stem if sep and "/" in stem else channel


class TrunkDirectory:
    """Recognizes inbound trunk channels by name and, when configured, by dialplan context."""

    def __init__(self, trunks: Iterable[Trunk], inbound_contexts: Iterable[str] = ()) -> None:
        self._trunks = tuple(trunks)
        self._contexts = frozenset(inbound_contexts)

    def trunk_of(self, channel: str) -> Trunk | None:
        stem = channel_stem(channel)
        return next((t for t in self._trunks if t.matches(stem)), None)

    def is_inbound_context(self, context: str) -> bool:
        """True only when inbound contexts are configured and `context` is one of them."""
        return context in self._contexts

    def inbound_trunk(self, channel: str, context: str) -> Trunk | None:
        """The trunk of a channel created by an inbound call, None for anything else."""
        if self._contexts and context not in self._contexts:
            return None
        return self.trunk_of(channel)
