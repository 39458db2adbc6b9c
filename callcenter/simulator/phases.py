"""Split one call's frames into the phases that live playback separates with delays."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from callcenter.simulator.frames import Frame, header


@dataclass(frozen=True)
class Phases:
    enter: list[Frame]  # up to (not including) the first AgentCalled
    ring: list[Frame]  # from AgentCalled to the answer, or to the caller's HangupRequest
    talk: list[Frame]  # from the answering DialEnd to the first (Soft)HangupRequest
    hangup: list[Frame]  # the rest


def split_phases(frames: list[Frame]) -> Phases:
    """Playback sends enter+ring, waits ring_seconds, sends talk, waits talk_seconds, sends
    hangup.  An abandoned call has no talk phase: its hangup starts at the caller's
    HangupRequest."""
    called = _find(frames, 0, lambda f: header(f, "Event") == "AgentCalled")
    answer = _find(frames, called, _is_answer)
    if answer < len(frames):
        hangup = _find(frames, answer, _is_hangup_request)
        talk = frames[answer:hangup]
        return Phases(frames[:called], frames[called:answer], talk, frames[hangup:])
    linkedid = header(frames[0], "Linkedid") if frames else ""
    end = _find(frames, called, lambda f: _is_caller_hangup(f, linkedid))
    return Phases(frames[:called], frames[called:end], [], frames[end:])


def _find(frames: list[Frame], start: int, test: Callable[[Frame], bool]) -> int:
    """Index of the first frame from `start` that passes `test`, else len(frames)."""
    for index in range(start, len(frames)):
        if test(frames[index]):
            return index
    return len(frames)


def _is_answer(frame: Frame) -> bool:
    return header(frame, "Event") == "DialEnd" and header(frame, "DialStatus") == "ANSWER"


def _is_hangup_request(frame: Frame) -> bool:
    return header(frame, "Event") in ("HangupRequest", "SoftHangupRequest")


def _is_caller_hangup(frame: Frame, linkedid: str) -> bool:
    return header(frame, "Event") == "HangupRequest" and header(frame, "Uniqueid") == linkedid
