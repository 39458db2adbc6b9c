"""The supervisors' live board: callers waiting and every seat's state, kept from pop messages.

Pure: it reads the same messages the operators' sockets get (and the board-only `queued`,
`dequeued`, `reset`), so every web process can keep it from the pop stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from callcenter.pops.model.cards import Message, iso

Activity = Literal["idle", "ringing", "talking", "paused", "wrap_up", "offline"]
SEAT_LIMIT = 10_000
WAITING_LIMIT = 10_000


@dataclass(slots=True)
class SeatState:
    since: datetime
    call_id: str | None = None
    talking: bool = False
    pause_reason: str | None = None  # "manual" or "wrap_up" while paused
    pause_until: str | None = None

    def activity(self) -> Activity:
        if self.call_id is not None:
            return "talking" if self.talking else "ringing"
        if self.pause_reason == "wrap_up":
            return "wrap_up"
        return "paused" if self.pause_reason else "idle"


@dataclass(frozen=True, slots=True)
class Waiting:
    call_id: str
    since: datetime
    caller: str | None
    caller_name: str | None
    line: str | None
    trunk: str | None
    carrier: str | None


@dataclass(frozen=True, slots=True)
class Operator:
    username: str
    display_name: str


def parse_time(value: Any, default: datetime) -> datetime:
    if not isinstance(value, str):
        return default
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return default


@dataclass
class Board:
    seats: dict[str, SeatState] = field(default_factory=dict)
    waiting: dict[str, Waiting] = field(default_factory=dict)

    def apply(self, seat: str | None, message: Message, now: datetime) -> None:
        kind = message.get("type")
        at = parse_time(message.get("at") or message.get("rang_at"), now)
        if seat is None:
            self._board_only(kind, message, at)
        elif kind == "paused":
            self._paused(seat, message, at)
        elif kind in ("pop", "answered", "taken", "ring_timed_out", "ended"):
            self._call(seat, kind, str(message.get("call_id")), at)

    def _board_only(self, kind: Any, message: Message, at: datetime) -> None:
        if kind == "queued" and len(self.waiting) < WAITING_LIMIT:
            call_id = str(message.get("call_id"))
            self.waiting[call_id] = Waiting(call_id, at, message.get("caller"),
                                            message.get("caller_name"), message.get("line"),
                                            message.get("trunk"), message.get("carrier"))
        elif kind == "dequeued":
            self.waiting.pop(str(message.get("call_id")), None)
        elif kind == "reset":
            self.waiting.clear()
            for state in self.seats.values():
                if state.call_id is not None:
                    state.call_id, state.talking, state.since = None, False, at

    def _seat(self, seat: str, at: datetime) -> SeatState | None:
        state = self.seats.get(seat)
        if state is None and len(self.seats) < SEAT_LIMIT:
            state = self.seats[seat] = SeatState(at)
        return state

    def _call(self, seat: str, kind: str, call_id: str, at: datetime) -> None:
        state = self._seat(seat, at)
        if state is None:
            return
        if kind == "pop":
            state.call_id, state.talking, state.since = call_id, False, at
        elif kind == "answered":
            state.call_id, state.talking, state.since = call_id, True, at
        elif state.call_id == call_id:  # taken, ring_timed_out, ended: this call is over here
            state.call_id, state.talking, state.since = None, False, at

    def _paused(self, seat: str, message: Message, at: datetime) -> None:
        state = self._seat(seat, at)
        if state is None:
            return
        reason = message.get("reason") if message.get("paused") else None
        state.pause_reason = str(reason or "manual") if message.get("paused") else None
        state.pause_until = message.get("until")
        if state.call_id is None:
            state.since = at

    def snapshot(self, operators: Mapping[str, Operator], now: datetime) -> Message:
        """The whole board; `operators` maps each signed-in seat to who sits there."""
        ordered = sorted(self.waiting.values(), key=lambda w: w.since)
        waiting = [_waiting_json(w, position) for position, w in enumerate(ordered, start=1)]
        seats = sorted(set(self.seats) | set(operators))
        return {"type": "board", "at": iso(now), "waiting": waiting,
                "seats": [self._seat_json(seat, operators.get(seat), now) for seat in seats]}

    def _seat_json(self, seat: str, operator: Operator | None, now: datetime) -> Message:
        state = self.seats.get(seat) or SeatState(now)
        activity: Activity = state.activity()
        if activity == "idle" and operator is None:
            activity = "offline"
        return {"seat": seat, "state": activity, "since": iso(state.since),
                "call_id": state.call_id,
                "operator": operator.display_name if operator else None,
                "user": operator.username if operator else None,
                "pause_reason": state.pause_reason, "pause_until": state.pause_until}


def _waiting_json(waiting: Waiting, position: int) -> Message:
    return {"call_id": waiting.call_id, "caller": waiting.caller,
            "caller_name": waiting.caller_name, "line": waiting.line, "trunk": waiting.trunk,
            "carrier": waiting.carrier, "waiting_since": iso(waiting.since),
            "position": position}


@dataclass(frozen=True, slots=True)
class DailyFigures:
    """Today's calls for the board: answered share = answered / entered the queue."""

    queued: int = 0
    answered: int = 0
    abandoned: int = 0
    failed: int = 0
    wait_seconds: float | None = None  # the average wait of the answered calls

    @property
    def answered_share(self) -> int | None:
        return round(100 * self.answered / self.queued) if self.queued else None


def daily_figures(calls: list[tuple[datetime | None, datetime | None, str]]) -> DailyFigures:
    """From (queued_at, answered_at, outcome) of the calls that entered the queue today."""
    waits = [(answered - queued).total_seconds() for queued, answered, _ in calls
             if queued is not None and answered is not None]
    return DailyFigures(
        queued=len(calls), answered=len(waits),
        abandoned=sum(1 for *_, outcome in calls if outcome == "abandoned"),
        failed=sum(1 for *_, outcome in calls if outcome == "failed"),
        wait_seconds=sum(waits) / len(waits) if waits else None)
