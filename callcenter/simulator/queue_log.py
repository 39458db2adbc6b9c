"""The queue_log file the simulated Asterisk keeps: app_queue's lines for the calls it plays.

Lines as main/logger.c writes them, `time|callid|queue|agent|event|data...`, derived from the
queue events played (the real files in `traces/*.queue_log` show the same shapes):
QueueCallerJoin -> ENTERQUEUE, AgentConnect -> CONNECT, AgentComplete -> COMPLETECALLER /
COMPLETEAGENT, AgentRingNoAnswer -> RINGNOANSWER, and QueueCallerAbandon -> ABANDON when the
caller's leg asked to hang up first, else EXITWITHTIMEOUT (app_queue sends QueueCallerAbandon
for a timeout too). The agent is the member's name. Written whoever is connected, so calls
played while the backend is away are in the file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from callcenter.simulator.frames import Frame, first_values

NONE = "NONE"


class QueueLogWriter:
    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._positions: dict[str, str] = {}  # caller Uniqueid -> original position
        self._hung_up: set[str] = set()  # callers whose leg sent HangupRequest
        self.started()

    def started(self) -> None:
        """app_queue loaded (Asterisk started): `QUEUESTART`."""
        self._write(NONE, NONE, NONE, "QUEUESTART", "")

    def apply(self, frame: Frame) -> None:
        values = first_values(frame)
        event, uniqueid = values.get("Event", ""), values.get("Uniqueid", "")
        if event == "HangupRequest":
            if uniqueid in self._positions:  # a caller still in the queue
                self._hung_up.add(uniqueid)
            return
        line = self._line(event, values)
        if line is not None:
            self._write(uniqueid, values.get("Queue", NONE), *line)

    def _line(self, event: str, v: dict[str, str]) -> tuple[str, str, str] | None:
        """(agent, event, data) of the queue_log line an AMI event stands for."""
        uniqueid, member = v.get("Uniqueid", ""), v.get("MemberName", NONE)
        if event == "QueueCallerJoin":
            self._positions[uniqueid] = v.get("Position", "1")
            return NONE, "ENTERQUEUE", f"|{v.get('CallerIDNum', '')}|{v.get('Position', '1')}"
        if event == "AgentConnect":
            data = f"{v.get('HoldTime', '0')}|{v.get('DestUniqueid', '')}|{v.get('RingTime', '0')}"
            return member, "CONNECT", data
        if event == "AgentComplete":
            ended = "COMPLETEAGENT" if v.get("Reason") == "agent" else "COMPLETECALLER"
            position = self._positions.pop(uniqueid, "1")
            return member, ended, f"{v.get('HoldTime', '0')}|{v.get('TalkTime', '0')}|{position}"
        if event == "AgentRingNoAnswer":
            return member, "RINGNOANSWER", v.get("RingTime", "0")
        if event == "QueueCallerAbandon":
            return NONE, self._left(uniqueid), (f"{v.get('Position', '1')}|"
                                                f"{v.get('OriginalPosition', '1')}|"
                                                f"{v.get('HoldTime', '0')}")
        return None

    def _left(self, uniqueid: str) -> str:
        self._positions.pop(uniqueid, None)
        if uniqueid in self._hung_up:
            self._hung_up.discard(uniqueid)
            return "ABANDON"
        return "EXITWITHTIMEOUT"

    def _write(self, callid: str, queue: str, agent: str, event: str, data: str) -> None:
        line = f"{int(self._clock())}|{callid}|{queue}|{agent}|{event}|{data}\n"
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
