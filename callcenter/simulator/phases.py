"""Split one call's frames into the phases that live playback separates with delays."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from callcenter.simulator.frames import Frame, header


@dataclass(frozen=True)
class Phases:
    enter: list[Frame]  # up to (not including) the first AgentCalled
    ring: list[Frame]  # from AgentCalled to the answer, or to the caller's hang-up
    talk: list[Frame]  # from the answer (the operator leg's Newstate Up) to a hang-up
    hangup: list[Frame]  # from the first hang-up sign (see _is_hangup_start) on


def split_phases(frames: list[Frame]) -> Phases:
    """Playback sends enter+ring, waits ring_seconds, sends talk, waits talk_seconds, sends
    hangup.  An abandoned call has no talk phase: its hangup starts when the caller leaves."""
    called = _find(frames, 0, lambda f: header(f, "Event") == "AgentCalled")
    answer = _answer_start(frames, called)
    if answer < len(frames):
        hangup = _find(frames, answer, _is_hangup_start)
        talk = frames[answer:hangup]
        return Phases(frames[:called], frames[called:answer], talk, frames[hangup:])
    linkedid = header(frames[0], "Linkedid") if frames else ""
    end = _find(frames, called, lambda f: _is_hangup_start(f, linkedid))
    return Phases(frames[:called], frames[called:end], [], frames[end:])


def _find(frames: list[Frame], start: int, test: Callable[[Frame], bool]) -> int:
    """Index of the first frame from `start` that passes `test`, else len(frames)."""
    for index in range(start, len(frames)):
        if test(frames[index]):
            return index
    return len(frames)


def _answer_start(frames: list[Frame], start: int) -> int:
    """The answering leg's `Newstate Up`, which comes just before `DialEnd ANSWER`."""
    dial_end = _find(frames, start, _is_answer)
    if dial_end == len(frames):
        return dial_end
    leg = header(frames[dial_end], "DestUniqueid")
    return min(dial_end, _find(frames, start, lambda f: _is_up(f, leg)))


def _is_answer(frame: Frame) -> bool:
    return header(frame, "Event") == "DialEnd" and header(frame, "DialStatus") == "ANSWER"


def _is_up(frame: Frame, uniqueid: str) -> bool:
    event, state = header(frame, "Event"), header(frame, "ChannelStateDesc")
    return event == "Newstate" and state == "Up" and header(frame, "Uniqueid") == uniqueid


def _is_hangup_start(frame: Frame, uniqueid: str = "") -> bool:
    """A BYE shows first as the leg's RTPAUDIOQOS VarSets, then its (Soft)HangupRequest;
    with `uniqueid`, only that leg's."""
    if uniqueid and header(frame, "Uniqueid") != uniqueid:
        return False
    event = header(frame, "Event")
    if event == "VarSet":
        return header(frame, "Variable").startswith("RTPAUDIOQOS")
    return event in ("HangupRequest", "SoftHangupRequest")
