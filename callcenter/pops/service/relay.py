"""Where every pop message goes: this process's sockets, each seat's current state, the
supervisors' board, and (in the process holding the AMI link) the other web processes.

Messages made here (`send`) are delivered locally first, then handed to the publisher, which
must never block; messages from other processes come in through `receive`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from callcenter.pops.model import cards as pops
from callcenter.pops.model.board import Board
from callcenter.pops.model.cards import Message


@dataclass(frozen=True, slots=True)
class Envelope:
    """One message for one seat (or, with seat None, for the board only), encoded once."""

    seat: str | None
    message: Message
    text: str

    @property
    def kind(self) -> str:
        return str(self.message.get("type", ""))


def envelope(seat: str | None, message: Message) -> Envelope:
    return Envelope(seat, message, json.dumps(message, ensure_ascii=False,
                                              separators=(",", ":")))


def envelope_from_text(seat: str | None, text: str) -> Envelope:
    message = json.loads(text)
    if not isinstance(message, dict):
        raise ValueError("a pop message is a JSON object")
    return Envelope(seat, message, text)


class SeatSockets(Protocol):
    """The sockets of this process (web/): never blocks, drops a socket that cannot keep up."""

    def deliver(self, seat: str, text: str, kind: str, received: float | None) -> int: ...

    def board_changed(self) -> None: ...


class PopPublisher(Protocol):
    """Hands messages to the other processes (db/); must return at once."""

    def publish(self, item: Envelope) -> None: ...


@dataclass(slots=True)
class SeatMemory:
    current: Message | None = None  # the live pop (updated by card / answered)
    pause: Message | None = None  # the last "paused" message


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class PopRelay:
    sockets: SeatSockets | None = None
    publisher: PopPublisher | None = None
    clock: Callable[[], datetime] = utc_now
    board: Board = field(default_factory=Board)
    seats: dict[str, SeatMemory] = field(default_factory=dict)
    delivered: int = 0  # messages handed to this process's sockets, ever

    def send(self, seat: str | None, message: Message, *, received: float | None = None) -> None:
        """A message made in this process: deliver here, then publish to the others."""
        item = envelope(seat, message)
        self._apply(item, received, deliver=True)
        if self.publisher is not None:
            self.publisher.publish(item)

    def receive(self, item: Envelope, *, deliver: bool = True) -> None:
        """A message from another process (`deliver=False` while catching up at start)."""
        self._apply(item, None, deliver=deliver)

    def hello(self, seat: str, user: str) -> Message:
        memory = self.seats.get(seat) or SeatMemory()
        return pops.hello(seat=seat, user=user, pause=memory.pause, current=memory.current)

    def _apply(self, item: Envelope, received: float | None, *, deliver: bool) -> None:
        if item.seat is not None:
            self._remember(item.seat, item.kind, item.message)
        elif item.kind == "reset":
            for memory in self.seats.values():
                memory.current = None
        self.board.apply(item.seat, item.message, self.clock())
        if deliver and self.sockets is not None:
            if item.seat is not None:
                self.delivered += self.sockets.deliver(item.seat, item.text, item.kind,
                                                       received)
            self.sockets.board_changed()

    def _remember(self, seat: str, kind: str, message: Message) -> None:
        memory = self.seats.get(seat)
        if memory is None:
            memory = self.seats[seat] = SeatMemory()
        current = memory.current
        if kind == "pop":
            memory.current = message
        elif kind == "paused":
            memory.pause = message
        elif current is None or current.get("call_id") != message.get("call_id"):
            return
        elif kind == "card":
            memory.current = {**current, "card": message.get("card")}
        elif kind == "answered":
            memory.current = {**current, "answered_at": message.get("at")}
        elif kind in ("taken", "ring_timed_out", "ended"):
            memory.current = None
