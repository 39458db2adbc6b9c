"""Call intake: frames -> tracker -> backlog -> store (callcenter.calls.service.intake)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from callcenter.calls.model import ami_events as ami
from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallFact,
    CallQueued,
    LinkResynced,
    RecordingAnnounced,
)
from callcenter.calls.model.tracker import CallTracker
from callcenter.calls.model.trunks import Trunk, TrunkDirectory
from callcenter.calls.service import fact_codec
from callcenter.calls.service.backlog import Backlog
from callcenter.calls.service.intake import CallWatcher, Intake
from callcenter.core.ami.protocol import parse_frame
from callcenter.core.errors import StoreUnavailable

TRACES = Path(__file__).resolve().parents[3] / "callcenter" / "simulator" / "traces"
RECEIVED = datetime(2026, 11, 28, 23, 19, 40, tzinfo=UTC)
TRUNKS = (
    Trunk("landline", "landline", ("PJSIP/landline", "SIP/landline")),
    Trunk("kyivstar", "mobile", ("PJSIP/kyivstar", "SIP/kyivstar")),
    Trunk("vodafone", "mobile", ("PJSIP/vodafone", "SIP/vodafone")),
)
Frame = dict[str, "str | list[str]"]


# -- fakes and helpers --------------------------------------------------------------------------


class FakeStore:
    """Records the batches applied; can be down for the first `unavailable` calls, and can
    refuse one `poison` fact (as a database refuses a row that breaks a constraint)."""

    def __init__(self, *, unavailable: int = 0, poison: CallFact | None = None) -> None:
        self.unavailable = unavailable
        self.poison = poison
        self.attempts = 0
        self.batches: list[list[CallFact]] = []

    async def apply(self, facts: Sequence[CallFact]) -> None:
        self.attempts += 1
        if self.unavailable > 0:
            self.unavailable -= 1
            raise StoreUnavailable("connection refused")
        if self.poison is not None and self.poison in facts:
            raise ValueError("violates a constraint")
        self.batches.append(list(facts))

    @property
    def written(self) -> list[CallFact]:
        return [fact for batch in self.batches for fact in batch]


class ExplodingTracker(CallTracker):
    """A tracker that fails on one call's events, to see that the intake survives it."""

    def __init__(self, bad_linkedid: str) -> None:
        super().__init__(TrunkDirectory(TRUNKS, ["from-trunk"]), area_code="342")
        self.bad_linkedid = bad_linkedid

    def handle(self, event: ami.AmiEvent) -> list[CallFact]:
        if event.linkedid == self.bad_linkedid:
            raise RuntimeError("cannot interpret")
        return super().handle(event)


class FakeLink:
    def __init__(self) -> None:
        self.actions: list[tuple[dict[str, Any], bool | None]] = []

    async def action(self, fields: Mapping[str, Any], *, as_list: bool | None = None,
                     timeout: float | None = None) -> Any:
        self.actions.append((dict(fields), as_list))
        return []


async def eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"not true within {timeout}s")
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def running(coroutine: Any) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.ensure_future(coroutine)
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task  # re-raises anything the task died of


def new_tracker() -> CallTracker:
    return CallTracker(TrunkDirectory(TRUNKS, ["from-trunk"]), area_code="342")


def new_intake(tmp_path: Path, store: FakeStore, *, memory_limit: int = 100,
               batch_size: int = 500, tracker: CallTracker | None = None,
               watchers: Sequence[CallWatcher] = ()) -> Intake:
    return Intake(
        tracker=tracker or new_tracker(),
        store=store,
        backlog=Backlog(tmp_path / "journal.jsonl", memory_limit=memory_limit),
        batch_size=batch_size,
        retry_max=0.05,
        rejected=tmp_path / "journal.jsonl.rejected",
        clock=lambda: RECEIVED,
        watchers=watchers,
    )


def trace_frames(name: str) -> list[Frame]:
    text = (TRACES / f"{name}.ami").read_bytes().decode("utf-8")
    _banner, _, rest = text.partition("\r\n")
    return [parse_frame(raw.strip("\r\n")) for raw in rest.split("\r\n\r\n") if raw.strip("\r\n")]


def expected_facts(*names: str) -> list[CallFact]:
    """What a tracker of its own concludes from the same frames (the tracker has its tests)."""
    tracker = new_tracker()
    out: list[CallFact] = []
    for name in names:
        for headers in trace_frames(name):
            event = ami.parse_event(headers, RECEIVED)
            if event is not None and not ami.header(headers, "ActionID"):
                out.extend(tracker.handle(event))
    return out


def interpret_all(intake: Intake, frames: list[Frame], at: datetime = RECEIVED) -> None:
    for headers in frames:
        intake.interpret(headers, at)


def taken(backlog: Backlog) -> list[CallFact]:
    return backlog.peek(10_000)


# -- interpreting -------------------------------------------------------------------------------


async def test_a_trace_becomes_facts_in_the_backlog(tmp_path: Path) -> None:
    intake = new_intake(tmp_path, FakeStore())

    interpret_all(intake, trace_frames("landline-answered"))

    facts = taken(intake.backlog)
    assert facts == expected_facts("landline-answered")
    assert [type(f).__name__ for f in facts] == [
        "CallEntered", "RecordingAnnounced", "CallQueued", "CallRang", "CallRang",
        "CallRingEnded", "CallAnswered", "CallEnded"]


async def test_facts_are_written_in_order(tmp_path: Path) -> None:
    store = FakeStore()
    intake = new_intake(tmp_path, store)
    expected = expected_facts("landline-answered", "vodafone-abandoned")

    async with running(intake.write()):
        interpret_all(intake, trace_frames("landline-answered"))
        interpret_all(intake, trace_frames("vodafone-abandoned"))
        await eventually(lambda: len(store.written) == len(expected))

    assert store.written == expected
    assert (len(intake.backlog), intake.facts_written, intake.database_ok) == (
        0, len(expected), True)


class RecordingWatcher:
    def __init__(self, *, fail: bool = False) -> None:
        self.seen: list[CallFact] = []
        self.stored: list[CallFact] = []
        self.fail = fail

    def facts_seen(self, facts: Sequence[CallFact]) -> None:
        self.seen.extend(facts)
        if self.fail:
            raise RuntimeError("watcher broke")

    async def facts_stored(self, facts: Sequence[CallFact]) -> None:
        self.stored.extend(facts)
        if self.fail:
            raise RuntimeError("watcher broke")


async def test_watchers_see_facts_at_once_and_again_once_stored(tmp_path: Path) -> None:
    store = FakeStore()
    watcher = RecordingWatcher()
    intake = new_intake(tmp_path, store, watchers=[watcher])
    expected = expected_facts("landline-answered")

    interpret_all(intake, trace_frames("landline-answered"))
    assert (watcher.seen, watcher.stored) == (expected, [])

    async with running(intake.write()):
        await eventually(lambda: len(watcher.stored) == len(expected))
    assert watcher.stored == store.written == expected


async def test_a_failing_watcher_loses_nothing(tmp_path: Path) -> None:
    store = FakeStore()
    broken, healthy = RecordingWatcher(fail=True), RecordingWatcher()
    intake = new_intake(tmp_path, store, watchers=[broken, healthy])
    expected = expected_facts("landline-answered", "vodafone-abandoned")

    async with running(intake.write()):
        interpret_all(intake, trace_frames("landline-answered"))
        interpret_all(intake, trace_frames("vodafone-abandoned"))
        await eventually(lambda: len(healthy.stored) == len(expected))

    assert store.written == healthy.seen == broken.stored == expected


async def test_frames_received_are_consumed_with_the_clock_time(tmp_path: Path) -> None:
    intake = new_intake(tmp_path, FakeStore())

    async with running(intake.consume()):
        for headers in trace_frames("pjsip-cyrillic-name"):
            intake.frame_received(headers)
        await eventually(lambda: intake.inbox.empty() and len(intake.backlog) == 8)

    facts = taken(intake.backlog)
    assert {f.at for f in facts} == {RECEIVED}
    entered = facts[0]
    assert isinstance(entered, CallEntered)
    assert entered.caller_name == "Іван Петренко"


async def test_a_frame_that_cannot_be_interpreted_does_not_stop_consuming(
        tmp_path: Path) -> None:
    bad: Frame = {"Event": "Newchannel", "Channel": "PJSIP/kyivstar-00000009",
                  "Uniqueid": "1795908000.9", "Linkedid": "1795908000.9",
                  "CallerIDNum": "+380671234567", "Context": "from-trunk"}
    good = trace_frames("landline-answered")
    intake = new_intake(tmp_path, FakeStore(), tracker=ExplodingTracker("1795908000.9"))

    async with running(intake.consume()) as task:
        for headers in [bad, *good[:40], bad, *good[40:]]:
            intake.frame_received(headers)
        await eventually(lambda: intake.inbox.empty() and len(intake.backlog) == 8)
        assert not task.done()

    assert taken(intake.backlog) == expected_facts("landline-answered")


# -- the database away --------------------------------------------------------------------------


async def test_facts_wait_while_the_database_is_away(tmp_path: Path) -> None:
    store = FakeStore(unavailable=3)
    intake = new_intake(tmp_path, store, memory_limit=3, batch_size=4)
    expected = expected_facts("landline-answered", "kyivstar-operator-hangup")

    async with running(intake.write()):
        interpret_all(intake, trace_frames("landline-answered"))
        await eventually(lambda: store.attempts >= 1)
        assert store.written == []
        assert intake.database_ok is False
        assert len(intake.backlog) == 8
        interpret_all(intake, trace_frames("kyivstar-operator-hangup"))  # more while away
        await eventually(lambda: len(store.written) == len(expected))

    assert store.written == expected
    assert all(len(batch) <= 4 for batch in store.batches)
    assert store.attempts == 3 + len(store.batches)
    assert (len(intake.backlog), intake.database_ok) == (0, True)


async def test_a_poison_fact_is_rejected_and_the_rest_written(tmp_path: Path) -> None:
    expected = expected_facts("landline-answered")
    poison = expected[2]
    assert isinstance(poison, CallQueued)
    store = FakeStore(poison=poison)
    intake = new_intake(tmp_path, store)

    async with running(intake.write()):
        interpret_all(intake, trace_frames("landline-answered"))
        await eventually(lambda: len(intake.backlog) == 0)

    assert store.written == [f for f in expected if f != poison]
    rejected = (tmp_path / "journal.jsonl.rejected").read_text(encoding="utf-8").splitlines()
    assert [fact_codec.decode(line) for line in rejected] == [poison]


async def test_a_poison_fact_while_the_database_flaps(tmp_path: Path) -> None:
    expected = expected_facts("vodafone-abandoned")
    poison = expected[-1]
    store = FakeStore(unavailable=1, poison=poison)
    intake = new_intake(tmp_path, store)

    async with running(intake.write()):
        interpret_all(intake, trace_frames("vodafone-abandoned"))
        await eventually(lambda: len(intake.backlog) == 0)

    assert store.written == expected[:-1]
    assert (tmp_path / "journal.jsonl.rejected").read_text(encoding="utf-8").count("\n") == 1


# -- resync after a (re)connect -----------------------------------------------------------------

TRACKED = "1795908019.3"
ADOPTED = "1795908100.0"


def channel_item(action_id: str, channel: str, uniqueid: str, linkedid: str, *,
                 context: str, bridge: str, duration: str = "00:00:30") -> Frame:
    return {
        "Event": "CoreShowChannel", "ActionID": action_id, "Channel": channel,
        "Uniqueid": uniqueid, "Linkedid": linkedid, "CallerIDNum": "+380671234567",
        "CallerIDName": "+380671234567", "Context": context, "Exten": "1580",
        "Application": "Queue", "Duration": duration, "BridgeId": bridge,
    }


def show_channels_answer(action_id: str) -> list[Frame]:
    return [
        {"Response": "Success", "ActionID": action_id, "EventList": "start",
         "Message": "Channels will follow"},
        channel_item(action_id, "PJSIP/kyivstar-0000000a", ADOPTED, ADOPTED,
                     context="from-trunk", bridge="b-1"),
        channel_item(action_id, "PJSIP/op1001-0000000b", "1795908102.1", ADOPTED,
                     context="from-operator", bridge="b-1", duration="00:00:20"),
        {"Event": "CoreShowChannelsComplete", "ActionID": action_id, "EventList": "Complete",
         "ListItems": "2"},
    ]


def tracked_call() -> Frame:
    return {"Event": "Newchannel", "Channel": "PJSIP/landline-00000003", "Uniqueid": TRACKED,
            "Linkedid": TRACKED, "CallerIDNum": "123456", "CallerIDName": "",
            "Context": "from-trunk", "Exten": "1580"}


async def test_the_resync_answer_resyncs_the_tracker(tmp_path: Path) -> None:
    intake = new_intake(tmp_path, FakeStore())
    later = RECEIVED + timedelta(minutes=5)
    intake.interpret(tracked_call(), RECEIVED)

    interpret_all(intake, show_channels_answer("callcenter-resync-1"), later)

    facts = taken(intake.backlog)
    assert [type(f) for f in facts] == [CallEntered, CallEnded, CallEntered, CallAnswered,
                                        LinkResynced]
    assert facts[1] == CallEnded(TRACKED, later, "unknown", None, "", link_down=True)
    adopted = facts[2]
    assert isinstance(adopted, CallEntered)
    assert (adopted.call_id, adopted.resynced, adopted.at, adopted.trunk) == (
        ADOPTED, True, later - timedelta(seconds=30), "kyivstar")
    assert facts[3] == CallAnswered(ADOPTED, later, "PJSIP/op1001")
    assert facts[4] == LinkResynced(later, frozenset({ADOPTED}))
    assert intake.tracker.live_call_ids == frozenset({ADOPTED})


async def test_a_call_on_an_unknown_trunk_is_logged_as_a_warning(tmp_path: Path) -> None:
    intake = new_intake(tmp_path, FakeStore())
    unknown = {**tracked_call(), "Channel": "PJSIP/lifecell-00000007"}

    with capture_logs() as logs:
        intake.interpret(unknown, RECEIVED)
        intake.interpret(tracked_call(), RECEIVED)

    warnings = [e for e in logs if e["log_level"] == "warning"]
    assert [(e["event"], e["channel"]) for e in warnings] == [
        ("call_from_unknown_trunk", "PJSIP/lifecell-00000007")]
    assert [type(f) for f in taken(intake.backlog)] == [CallEntered]


async def test_answers_to_other_actions_are_ignored(tmp_path: Path) -> None:
    intake = new_intake(tmp_path, FakeStore())
    intake.interpret(tracked_call(), RECEIVED)

    interpret_all(intake, show_channels_answer("x"))
    interpret_all(intake, show_channels_answer("lab-1-CoreShowChannels"))

    assert [type(f) for f in taken(intake.backlog)] == [CallEntered]
    assert intake.tracker.live_call_ids == frozenset({TRACKED})


class GetvarLink(FakeLink):
    """Answers Getvar as Asterisk does: a value, a refusal, or no answer at all."""

    def __init__(self, answers: dict[str, Any], listing: list[Any] | None = None) -> None:
        super().__init__()
        self.answers = answers
        self.listing = listing or []

    async def action(self, fields: Mapping[str, Any], *, as_list: bool | None = None,
                     timeout: float | None = None) -> Any:
        await super().action(fields, as_list=as_list)
        if fields["Action"] != "Getvar":
            return self.listing
        answer = self.answers[fields["Channel"]]
        if isinstance(answer, Exception):
            raise answer
        return answer


ADOPTED_PATH = f"/var/spool/asterisk/monitor/{ADOPTED}.wav"


@pytest.mark.parametrize(("answer", "announced"), [
    ({"Response": "Success", "Variable": "MIXMONITOR_FILENAME", "Value": ADOPTED_PATH},
     [ADOPTED_PATH]),
    ({"Response": "Success", "Variable": "MIXMONITOR_FILENAME", "Value": ""}, []),
    ({"Response": "Error", "Message": "Permission denied"}, []),
    ({"Response": "Error", "Message": "No such channel"}, []),
    (TimeoutError("Getvar got no answer in time"), []),
])
async def test_an_adopted_call_s_recording_is_asked_of_asterisk(
        tmp_path: Path, answer: Any, announced: list[str]) -> None:
    intake = new_intake(tmp_path, FakeStore())
    link = GetvarLink({"PJSIP/kyivstar-0000000a": answer})
    await intake.on_login(link)
    interpret_all(intake, show_channels_answer("callcenter-resync-1"))
    before = len(taken(intake.backlog))

    async with running(intake.look_up_recordings()):
        await eventually(lambda: len(link.actions) == 2)
        await asyncio.sleep(0.05)

    assert link.actions[1] == ({"Action": "Getvar", "Channel": "PJSIP/kyivstar-0000000a",
                                "Variable": "MIXMONITOR_FILENAME"}, None)
    after = taken(intake.backlog)[before:]
    assert [(f.call_id, f.path) for f in after if isinstance(f, RecordingAnnounced)] == [
        (ADOPTED, path) for path in announced]
    assert len(after) == len(announced)


async def test_a_refused_resync_is_an_error_in_the_log(tmp_path: Path) -> None:
    intake = new_intake(tmp_path, FakeStore())
    refused = {"Response": "Error", "ActionID": "callcenter-resync-1",
               "Message": "Permission denied"}

    with capture_logs() as logs:
        await intake.on_login(GetvarLink({}, listing=[refused]))
        await intake.on_login(GetvarLink({}, listing=[]))

    assert [(e["event"], e["message"]) for e in logs if e["log_level"] == "error"] == [
        ("resync_refused", "Permission denied")]


async def test_every_login_asks_for_channels_with_a_fresh_resync_id(tmp_path: Path) -> None:
    intake = new_intake(tmp_path, FakeStore())
    link = FakeLink()

    await intake.on_login(link)
    await intake.on_login(link)

    assert link.actions == [
        ({"Action": "CoreShowChannels", "ActionID": "callcenter-resync-1"}, True),
        ({"Action": "CoreShowChannels", "ActionID": "callcenter-resync-2"}, True),
    ]


# -- the journal after a restart ----------------------------------------------------------------


async def test_the_journal_of_a_previous_run_is_written_at_start_up(tmp_path: Path) -> None:
    # Even with Asterisk unreachable, what the previous run journaled is written at once.
    expected = expected_facts("landline-answered")
    previous = Backlog(tmp_path / "journal.jsonl", memory_limit=0)
    for fact in expected:
        previous.put(fact)
    store = FakeStore()
    intake = new_intake(tmp_path, store)
    assert len(intake.backlog) == len(expected)

    async with running(intake.write()):
        await eventually(lambda: len(store.written) == len(expected), timeout=2)

    assert store.written == expected


async def test_a_writer_far_behind_takes_bigger_batches(tmp_path: Path) -> None:
    names = ["landline-answered", "kyivstar-operator-hangup", "vodafone-abandoned",
             "kyivstar-ringnoanswer-abandoned", "pjsip-landline-answered"]
    store = FakeStore()
    intake = new_intake(tmp_path, store, batch_size=2)
    for name in names:
        interpret_all(intake, trace_frames(name))
    waiting = len(intake.backlog)
    assert waiting >= 4 * 2 * 4  # enough for the largest batch

    async with running(intake.write()):
        await eventually(lambda: len(intake.backlog) == 0)

    assert store.written == expected_facts(*names)
    sizes = [len(batch) for batch in store.batches]
    assert sizes[0] == 8  # a quarter of the backlog, at most 4 times batch_size
    assert max(sizes) == 8 and sizes[-1] <= 2  # and back to batch_size once caught up


@pytest.mark.parametrize("batch_size", [1, 500])
async def test_a_torn_journal_line_does_not_stall_the_writer(tmp_path: Path,
                                                             batch_size: int) -> None:
    # A torn line at the head of the journal (crash mid-write) is skipped, whatever the
    # batch size, and never stalls the writer.
    journal = tmp_path / "journal.jsonl"
    journal.write_text(fact_codec.encode(expected_facts("landline-answered")[0])[:30])
    store = FakeStore()
    intake = new_intake(tmp_path, store, batch_size=batch_size)

    async with running(intake.write()):
        interpret_all(intake, trace_frames("vodafone-abandoned"))
        await eventually(lambda: len(store.written) == 8, timeout=2)

    assert store.written == expected_facts("vodafone-abandoned")


async def test_an_event_missing_required_headers_is_logged_not_silently_dropped(
        tmp_path: Path) -> None:
    intake = new_intake(tmp_path, FakeStore())
    no_linkedid = {k: v for k, v in tracked_call().items() if k != "Linkedid"}
    hostile = {**no_linkedid, "Channel": "PJSIP/landline\x1b[2J"}

    with capture_logs() as logs:
        intake.interpret(no_linkedid, RECEIVED)
        intake.interpret(hostile, RECEIVED)
        intake.interpret({"Event": "Newexten", "Channel": "x"}, RECEIVED)  # not ours: silent

    warnings = [(e["event"], e["ami_event"], e["missing"], e["channel"]) for e in logs]
    assert warnings == [
        ("ami_event_incomplete", "Newchannel", ["Linkedid"], tracked_call()["Channel"]),
        ("ami_event_incomplete", "Newchannel", ["Linkedid"], "PJSIP/landline\\x1b[2J")]
    assert taken(intake.backlog) == []
