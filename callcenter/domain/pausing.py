"""Pause, resume and wrap-up of an operator's seat in the queue: states and refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from callcenter.domain.errors import DomainError

PauseReason = Literal["manual", "wrap_up"]


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
