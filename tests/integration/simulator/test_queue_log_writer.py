"""The simulated PBX keeps a queue_log file with the lines a real Asterisk writes."""

from __future__ import annotations

from pathlib import Path

from callcenter.calls.model.queue_log import QueueLogEntry, parse_lines
from callcenter.calls.model.queue_record import record_of
from callcenter.simulator import SimulatedPbx
from callcenter.simulator.queue_log import QueueLogWriter

TRACES = Path(__file__).resolve().parents[3] / "callcenter" / "simulator" / "traces"
FAST = {"ring_seconds": 0.05, "talk_seconds": 0.05}


def entries(path: Path) -> list[QueueLogEntry]:
    parsed = parse_lines(path.read_text(encoding="utf-8").splitlines())
    assert parsed.garbage == []
    return parsed.entries


def shapes(items: list[QueueLogEntry]) -> list[tuple[str, str, str, int]]:
    """What must match the real file: queue, agent, event and how many data fields."""
    return [(e.queue, e.agent, e.event, len(e.data)) for e in items]


async def test_an_answered_call_is_logged_as_the_real_asterisk_logged_it(
        tmp_path: Path) -> None:
    path = tmp_path / "queue_log"
    async with SimulatedPbx(queue_log=path) as pbx:
        call_id = await pbx.play("pjsip-landline-answered", caller="0342501234", **FAST)
    real = entries(TRACES / "pjsip-landline-answered-queue_log.queue_log")
    ours = entries(path)
    assert shapes(ours) == shapes(real)
    assert [e.call_id for e in ours] == ["NONE", call_id, call_id, call_id]
    assert ours[1].data[1] == "0342501234"  # ENTERQUEUE: the caller's number
    found = record_of(call_id, ours)
    assert found is not None
    assert (found.agent, found.outcome) == ("Operator 1001", "answered")


async def test_a_caller_who_gives_up_is_an_abandon_and_a_restart_a_new_queuestart(
        tmp_path: Path) -> None:
    path = tmp_path / "queue_log"
    async with SimulatedPbx(queue_log=path) as pbx:
        first = await pbx.play("pjsip-vodafone-abandoned", **FAST)
        operator_hung_up = await pbx.play("pjsip-kyivstar-operator-hangup", **FAST)
        await pbx.restart()
        retried = await pbx.play("kyivstar-ringnoanswer-abandoned", **FAST)
    events = [(e.call_id, e.event) for e in entries(path)]
    assert events == [
        ("NONE", "QUEUESTART"),
        (first, "ENTERQUEUE"), (first, "ABANDON"),
        (operator_hung_up, "ENTERQUEUE"), (operator_hung_up, "CONNECT"),
        (operator_hung_up, "COMPLETEAGENT"),
        ("NONE", "QUEUESTART"),
        (retried, "ENTERQUEUE"), (retried, "RINGNOANSWER"), (retried, "RINGNOANSWER"),
        (retried, "ABANDON"),
    ]


def test_a_queue_timeout_is_exitwithtimeout_though_ami_says_queuecallerabandon(
        tmp_path: Path) -> None:
    """app_queue sends QueueCallerAbandon for a timeout too; only a caller's HangupRequest
    before it makes it an ABANDON."""
    path = tmp_path / "queue_log"
    writer = QueueLogWriter(path, clock=lambda: 1796583184.9)
    caller = [("Uniqueid", "1796583062.0"), ("Queue", "operators")]
    writer.apply([("Event", "QueueCallerJoin"), *caller, ("CallerIDNum", "+380671234599"),
                  ("Position", "1")])
    writer.apply([("Event", "QueueCallerAbandon"), *caller, ("Position", "1"),
                  ("OriginalPosition", "1"), ("HoldTime", "120")])
    assert path.read_text(encoding="utf-8").splitlines() == [
        "1796583184|NONE|NONE|NONE|QUEUESTART|",
        "1796583184|1796583062.0|operators|NONE|ENTERQUEUE||+380671234599|1",
        "1796583184|1796583062.0|operators|NONE|EXITWITHTIMEOUT|1|1|120",
    ]
