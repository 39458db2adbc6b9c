"""Pause, resume and wrap-up of an operator's seat in the queue: states and refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from callcenter.calls.model.ami_events import Headers, header
from callcenter.core.errors import DomainError

# "phone": paused outside this program (a feature code on the phone, another AMI client)
PauseReason = Literal["manual", "wrap_up", "phone"]
# Events that tell a queue member's pause state: on a change, on a device-state change, and
# the items of a QueueStatus answer (which name the interface `Location`).
MEMBER_EVENTS = frozenset({"QueueMemberPause", "QueueMemberStatus", "QueueMember"})
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True, slots=True)
class PauseState:
    paused: bool
    reason: PauseReason | None = None
    until: datetime | None = None  # when a wrap-up pause ends by itself


NOT_PAUSED = PauseState(False)


class NoSeat(DomainError):
    """The signed-in operator picked no seat, so there is no phone to pause or pop."""

    error_id = "no_seat"


class PbxUnavailable(DomainError):
    """The phone system did not answer (AMI link down, no answer in time, nobody to forward to)."""

    error_id = "pbx_unavailable"


class SeatNotInQueue(DomainError):
    """Asterisk refused: the seat is not a member of the operators' queue."""

    error_id = "seat_not_in_queue"


@dataclass(frozen=True, slots=True)
class MemberPause:
    """What Asterisk says about a seat's pause in the operators' queue."""

    seat: str
    paused: bool
    reason: PauseReason | None

    def state(self) -> PauseState:
        return PauseState(True, self.reason) if self.paused else NOT_PAUSED


def reason_of(text: str) -> PauseReason:
    """Our own pauses carry our reason words; any other pause came from elsewhere."""
    if text == "manual":
        return "manual"
    if text == "wrap_up":
        return "wrap_up"
    return "phone"


def member_pause(headers: Headers, queue: str) -> MemberPause | None:
    """The pause a member event of `queue` reports; None for other events, other queues,
    or an event without the interface or the `Paused` flag."""
    if header(headers, "Event") not in MEMBER_EVENTS or header(headers, "Queue") != queue:
        return None
    seat = header(headers, "Interface") or header(headers, "Location")
    flag = header(headers, "Paused").strip().lower()
    if not seat or not flag:
        return None
    if flag not in TRUE_WORDS:
        return MemberPause(seat, False, None)
    text = header(headers, "PausedReason") or header(headers, "Reason")
    return MemberPause(seat, True, reason_of(text.strip()))
