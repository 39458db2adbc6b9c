"""The call tracker (callcenter.calls.model.tracker) on real AMI traces and on small inline ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callcenter.calls.model import ami_events as ami
from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallQueued,
    CallRang,
    CallRingEnded,
    CallRingTimedOut,
    LinkResynced,
    RecordingAnnounced,
)
from callcenter.calls.model.tracker import CallTracker
from callcenter.calls.model.trunks import TrunkDirectory
from callcenter.core.ami.protocol import parse_frame
from tests.unit.calls.ami_legs import (
    AT,
    CALLER,
    KYIVSTAR,
    OPERATOR,
    RECEIVED,
    TRUNKS,
    Frame,
    Leg,
    caller_leg,
    feed,
    new_tracker,
    only,
    operator_leg,
    snapshot,
)

TRACES = Path(__file__).resolve().parents[3] / "callcenter" / "simulator" / "traces"
BANNER = "Asterisk Call Manager/"


# -- real traces ------------------------------------------------------------------------------


def trace_frames(name: str) -> list[Frame]:
    """The frames of a raw AMI capture: banner line first (no blank line after it)."""
    text = (TRACES / f"{name}.ami").read_bytes().decode("utf-8")
    banner, _, rest = text.partition("\r\n")
    assert banner.startswith(BANNER)
    return [parse_frame(raw.strip("\r\n")) for raw in rest.split("\r\n\r\n") if raw.strip("\r\n")]


@dataclass(frozen=True)
class Expected:
    call_id: str
    trunk: str
    line: str
    channel: str
    caller: str
    caller_name: str | None
    carrier: str | None
    shape: tuple[type, ...]
    rang: tuple[str, ...]
    answered_by: str | None
    outcome: str
    cause: int


ANSWERED = (CallEntered, RecordingAnnounced, CallQueued, CallRang, CallRang, CallRingEnded,
            CallAnswered, CallEnded)
ABANDONED = (CallEntered, RecordingAnnounced, CallQueued, CallRang, CallRang, CallRingEnded,
             CallRingEnded, CallEnded)
RING_NO_ANSWER = (CallEntered, RecordingAnnounced, CallQueued, CallRang, CallRang,
                  CallRingTimedOut, CallRingTimedOut, CallRang, CallRang, CallRingEnded,
                  CallRingEnded, CallEnded)
# 120 s in Queue(): eight attempts of ring-all, each ended by AgentRingNoAnswer for both seats
TIMED_OUT = (CallEntered, RecordingAnnounced, CallQueued,
             *(CallRang, CallRang, CallRingTimedOut, CallRingTimedOut) * 8, CallEnded)
LANDLINE = "+380342123456"
VODAFONE = "+380501234567"

TRACE_EXPECTATIONS = {
    "landline-answered": Expected(
        "1795907974.0", "landline", "landline", "SIP/landline-00000000", LANDLINE, None, None,
        ANSWERED, ("SIP/op1002", "SIP/op1001"), "SIP/op1001", "answered", 16),
    "pjsip-landline-answered": Expected(
        "1795908845.0", "landline", "landline", "PJSIP/landline-00000000", LANDLINE, None, None,
        ANSWERED, ("PJSIP/op1002", "PJSIP/op1001"), "PJSIP/op1001", "answered", 16),
    "kyivstar-operator-hangup": Expected(
        "1795907991.0", "kyivstar", "mobile", "SIP/kyivstar-00000000", KYIVSTAR, None,
        "Київстар", ANSWERED, ("SIP/op1002", "SIP/op1001"), "SIP/op1001", "answered", 16),
    "pjsip-kyivstar-operator-hangup": Expected(
        "1795908859.0", "kyivstar", "mobile", "PJSIP/kyivstar-00000000", KYIVSTAR, None,
        "Київстар", ANSWERED, ("PJSIP/op1002", "PJSIP/op1001"), "PJSIP/op1001", "answered", 16),
    "vodafone-abandoned": Expected(
        "1795908005.0", "vodafone", "mobile", "SIP/vodafone-00000000", VODAFONE, None,
        "Vodafone Україна", ABANDONED, ("SIP/op1002", "SIP/op1001"), None, "abandoned", 0),
    "pjsip-vodafone-abandoned": Expected(
        "1795908872.0", "vodafone", "mobile", "PJSIP/vodafone-00000000", VODAFONE, None,
        "Vodafone Україна", ABANDONED, ("PJSIP/op1002", "PJSIP/op1001"), None, "abandoned", 0),
    "kyivstar-ringnoanswer-abandoned": Expected(
        "1795908090.0", "kyivstar", "mobile", "SIP/kyivstar-00000000", KYIVSTAR, None,
        "Київстар", RING_NO_ANSWER, ("SIP/op1002", "SIP/op1001") * 2, None, "abandoned", 0),
    "pjsip-cyrillic-name": Expected(
        "1795908885.0", "kyivstar", "mobile", "PJSIP/kyivstar-00000000", KYIVSTAR,
        "Іван Петренко", "Київстар", ANSWERED, ("PJSIP/op1002", "PJSIP/op1001"),
        "PJSIP/op1001", "answered", 16),
    "pjsip-queue-timeout": Expected(
        "1796583062.0", "kyivstar", "mobile", "PJSIP/kyivstar-00000000", "+380671234599", None,
        "Київстар", TIMED_OUT, ("PJSIP/op1002", "PJSIP/op1001") * 8, None, "failed", 16),
    # told by the recording notice (or an outage announcement), hung up before the queue
    "pjsip-caller-hangs-up-during-notice": Expected(
        "1796582992.0", "vodafone", "mobile", "PJSIP/vodafone-00000000", "+380501234599", None,
        "Vodafone Україна", (CallEntered, RecordingAnnounced, CallEnded), (), None,
        "abandoned", 0),
    "restart-mid-call": Expected(
        "1795908046.0", "landline", "landline", "SIP/landline-00000000", LANDLINE, None, None,
        ANSWERED, ("SIP/op1002", "SIP/op1001"), "SIP/op1001", "answered", 16),
}


def test_every_shipped_trace_has_an_expectation() -> None:
    assert {p.stem for p in TRACES.glob("*.ami")} == set(TRACE_EXPECTATIONS)


@pytest.mark.parametrize("name", sorted(TRACE_EXPECTATIONS))
def test_real_trace(name: str) -> None:
    expected = TRACE_EXPECTATIONS[name]
    tracker = new_tracker()

    facts = feed(tracker, trace_frames(name))

    assert tuple(type(f) for f in facts) == expected.shape
    assert {getattr(f, "call_id", None) for f in facts} == {expected.call_id}
    entered, recording = facts[0], facts[1]
    assert entered == CallEntered(
        call_id=expected.call_id, at=RECEIVED, trunk=expected.trunk, line=expected.line,
        channel=expected.channel, caller=expected.caller, caller_raw=expected.caller,
        caller_name=expected.caller_name, carrier=expected.carrier, resynced=False,
    )
    assert recording == RecordingAnnounced(
        expected.call_id, RECEIVED, f"/var/spool/asterisk/monitor/{expected.call_id}.wav")
    assert only(facts, CallQueued) == ([CallQueued(expected.call_id, RECEIVED, "operators", 1)]
                                       if expected.rang else [])
    assert tuple(f.seat for f in only(facts, CallRang)) == expected.rang
    assert [f.seat for f in only(facts, CallAnswered)] == (
        [expected.answered_by] if expected.answered_by else [])
    ended = facts[-1]
    assert isinstance(ended, CallEnded)
    assert (ended.outcome, ended.cause, ended.link_down) == (
        expected.outcome, expected.cause, False)
    assert tracker.live_call_ids == frozenset()


def test_ring_no_answer_names_both_seats() -> None:
    facts = feed(new_tracker(), trace_frames("kyivstar-ringnoanswer-abandoned"))
    assert [f.seat for f in only(facts, CallRingTimedOut)] == ["SIP/op1002", "SIP/op1001"]


@pytest.mark.parametrize("name", sorted(TRACE_EXPECTATIONS))
def test_the_same_trace_twice_enters_again_with_the_same_facts(name: str) -> None:
    # The tracker forgets ended calls, so a replay enters the call again; the store dedupes.
    tracker = new_tracker()
    frames = trace_frames(name)

    first = feed(tracker, frames)
    second = feed(tracker, frames)

    assert len(only(second, CallEntered)) == 1
    assert second == first


# -- inline traces ----------------------------------------------------------------------------


def answered_call(caller: Leg = CALLER, operator: Leg = OPERATOR) -> list[Frame]:
    return [
        caller.new(),
        caller.recording(f"/var/spool/asterisk/monitor/{caller.uniqueid}.wav"),
        caller.queued(),
        operator.new(number="1001", name="Operator 1001"),
        caller.agent_called(operator, "PJSIP/op1001"),
        caller.agent_connect(operator, "PJSIP/op1001"),
    ]


@pytest.mark.parametrize(
    "hangups",
    [
        [OPERATOR.hangup(), CALLER.hangup()],
        [CALLER.hangup(), OPERATOR.hangup()],  # the other Hangups come in no stable order
        [CALLER.hangup_request(), CALLER.hangup(), OPERATOR.hangup_request(), OPERATOR.hangup()],
    ],
    ids=["operator-first", "trunk-first", "with-requests"],
)
def test_a_call_ends_once_whatever_the_order_of_hangups(hangups: list[Frame]) -> None:
    facts = feed(new_tracker(), [*answered_call(), *hangups])

    ended = only(facts, CallEnded)
    assert ended == [CallEnded(CALLER.linkedid, RECEIVED, "answered", 16, "Normal Clearing")]


@pytest.mark.parametrize(
    "leg",
    [
        Leg("PJSIP/op1001-00000005", "1795908030.5", "1795908030.5", context="from-operator"),
        Leg("PJSIP/op1001-00000005", "1795908030.5", "1795908030.5"),  # operator, trunk context
        Leg("PJSIP/lifecell-00000005", "1795908030.5", "1795908030.5"),  # unknown trunk
        Leg("PJSIP/kyivstar-00000005", "1795908030.5", "1795908030.5",
            context="from-operator"),  # a call-back we originate
        Leg("PJSIP/kyivstar-00000005", "1795908030.6", "1795908030.5"),  # not the first leg
    ],
    ids=["operator-leg", "operator-in-trunk-context", "unknown-trunk", "outbound-callback",
         "uniqueid-not-linkedid"],
)
def test_channels_that_are_not_inbound_open_nothing(leg: Leg) -> None:
    tracker = new_tracker()

    facts = feed(tracker, [leg.new(), leg.queued(), leg.hangup_request(), leg.hangup()])

    assert facts == []
    assert tracker.live_call_ids == frozenset()


@pytest.mark.parametrize(("leg", "unknown"), [
    (Leg("PJSIP/lifecell-00000005", "1795908030.5", "1795908030.5"), True),
    (Leg("PJSIP/op1001-00000005", "1795908030.5", "1795908030.5"), True),
    (Leg("PJSIP/lifecell-00000005", "1795908030.5", "1795908030.5", context="x"), False),
    (Leg("PJSIP/lifecell-00000005", "1795908030.6", "1795908030.5"), False),
    (Leg("PJSIP/kyivstar-00000005", "1795908030.5", "1795908030.5"), False),
])
def test_a_first_leg_in_an_inbound_context_on_no_trunk_is_an_unknown_trunk(
        leg: Leg, unknown: bool) -> None:
    [event] = [e for e in [ami.parse_event(leg.new(), RECEIVED)]
               if isinstance(e, ami.ChannelCreated)]
    assert new_tracker().unknown_trunk(event) is unknown


def test_with_no_inbound_contexts_configured_nothing_is_an_unknown_trunk() -> None:
    tracker = CallTracker(TrunkDirectory(TRUNKS), area_code="342")
    leg = Leg("PJSIP/lifecell-00000005", "1795908030.5", "1795908030.5")
    [event] = [e for e in [ami.parse_event(leg.new(), RECEIVED)]
               if isinstance(e, ami.ChannelCreated)]
    assert not tracker.unknown_trunk(event)


def test_overlapping_calls_are_tracked_by_linkedid() -> None:
    first = caller_leg("1795908019.3", trunk="landline", seq="00000003")
    second = caller_leg("1795908020.5", trunk="kyivstar", seq="00000005")
    op1 = operator_leg("1795908021.4", first.linkedid, seat="op1001", seq="00000004")
    op2 = operator_leg("1795908022.6", second.linkedid, seat="op1002", seq="00000006")
    frames = [
        first.new(number=LANDLINE),
        first.queued(1),
        second.new(number=KYIVSTAR),
        second.queued(2),
        op1.new(number="1001"),
        first.agent_called(op1, "PJSIP/op1001"),
        op2.new(number="1002"),
        second.agent_called(op2, "PJSIP/op1002"),
        second.agent_connect(op2, "PJSIP/op1002"),
        first.agent_connect(op1, "PJSIP/op1001"),
        op2.hangup(),
        first.hangup(),
        second.hangup_request(),
        second.hangup(),
        op1.hangup(),
    ]
    tracker = new_tracker()

    facts = feed(tracker, frames)

    by_call = {cid: [f for f in facts if getattr(f, "call_id", None) == cid]
               for cid in (first.linkedid, second.linkedid)}
    assert [type(f) for f in by_call[first.linkedid]] == [
        CallEntered, CallQueued, CallRang, CallAnswered, CallEnded]
    assert [type(f) for f in by_call[second.linkedid]] == [
        CallEntered, CallQueued, CallRang, CallAnswered, CallEnded]
    assert len(facts) == 10
    entered = only(facts, CallEntered)
    assert [(e.call_id, e.trunk, e.caller) for e in entered] == [
        (first.linkedid, "landline", LANDLINE), (second.linkedid, "kyivstar", KYIVSTAR)]
    assert [(f.call_id, f.position) for f in only(facts, CallQueued)] == [
        (first.linkedid, 1), (second.linkedid, 2)]
    assert [(f.call_id, f.seat) for f in only(facts, CallAnswered)] == [
        (second.linkedid, "PJSIP/op1002"), (first.linkedid, "PJSIP/op1001")]
    assert [(f.call_id, f.outcome) for f in only(facts, CallEnded)] == [
        (first.linkedid, "answered"), (second.linkedid, "answered")]
    assert tracker.live_call_ids == frozenset()


@pytest.mark.parametrize(
    ("middle", "outcome"),
    [
        ([CALLER.hangup_request(), CALLER.abandon()], "abandoned"),
        ([CALLER.abandon()], "failed"),  # app_queue gave up (timeout): nobody asked to hang up
        ([CALLER.hangup_request()], "abandoned"),  # no QueueCallerAbandon, caller hung up
        ([], "failed"),
        ([OPERATOR.hangup_request()], "failed"),  # only the operator's leg asked to hang up
        ([CALLER.agent_connect(OPERATOR, "PJSIP/op1001"), CALLER.hangup_request()], "answered"),
    ],
    ids=["caller-abandon", "queue-abandon", "hangup-request", "neither", "operator-request",
         "answered-first"],
)
def test_outcome_of_a_call(middle: list[Frame], outcome: str) -> None:
    frames = [CALLER.new(), CALLER.queued(), CALLER.agent_called(OPERATOR, "PJSIP/op1001"),
              *middle, CALLER.hangup(cause="0", text="Unknown")]

    facts = feed(new_tracker(), frames)

    ended = facts[-1]
    assert isinstance(ended, CallEnded)
    assert (ended.call_id, ended.outcome, ended.cause, ended.cause_text) == (
        CALLER.linkedid, outcome, 0, "Unknown")


def test_unknown_events_and_headers_are_ignored() -> None:
    frames = [
        CALLER.frame("Newchannel", CallerIDNum=KYIVSTAR, CallerIDName=KYIVSTAR,
                     SomethingNew="1", ChanVariable=["TRUNK=kyivstar", "APPEAL_REC=/x.wav"]),
        CALLER.frame("DialBegin", DestChannel=OPERATOR.channel),
        CALLER.frame("Newexten", Application="Queue"),
        CALLER.frame("BridgeEnter", BridgeUniqueid="b1"),
        CALLER.frame("VarSet", Variable="RTPAUDIOQOS", Value="ssrc=1"),
        CALLER.frame("UserEvent", UserEvent="SomethingElse", Recording="/other.wav"),
        CALLER.frame("Hangup", Cause="16", **{"Cause-txt": "Normal Clearing"}),
    ]

    facts = feed(new_tracker(), frames)

    assert [type(f) for f in facts] == [CallEntered, CallEnded]


def test_recording_is_announced_once_by_varset_or_user_event() -> None:
    path = f"/var/spool/asterisk/monitor/{CALLER.uniqueid}.wav"
    frames = [
        CALLER.new(),
        CALLER.recording(path),
        CALLER.frame("UserEvent", UserEvent="AppealCall", Trunk="kyivstar", Recording=path),
        OPERATOR.recording("/var/spool/asterisk/monitor/operator.wav"),  # not the trunk leg
    ]

    facts = feed(new_tracker(), frames)

    assert only(facts, RecordingAnnounced) == [
        RecordingAnnounced(CALLER.linkedid, RECEIVED, path)]


def test_recording_from_user_event_alone() -> None:
    frames = [CALLER.new(),
              CALLER.frame("UserEvent", UserEvent="AppealCall", Recording="/r/1.wav")]

    facts = feed(new_tracker(), frames)

    assert only(facts, RecordingAnnounced) == [
        RecordingAnnounced(CALLER.linkedid, RECEIVED, "/r/1.wav")]


def test_only_the_first_agent_connect_answers() -> None:
    other = operator_leg("1795908021.7", CALLER.linkedid, seat="op1002", seq="00000007")
    frames = [*answered_call(), CALLER.agent_connect(other, "PJSIP/op1002")]

    facts = feed(new_tracker(), frames)

    assert only(facts, CallAnswered) == [CallAnswered(CALLER.linkedid, RECEIVED, "PJSIP/op1001")]


@pytest.mark.parametrize(
    ("number", "name", "caller", "caller_name"),
    [
        ("anonymous", "Anonymous", None, None),
        ("", "", None, None),
        ("<unknown>", "<unknown>", None, None),
        ("123456", "123456", LANDLINE, None),
        (KYIVSTAR, "Іван Петренко", KYIVSTAR, "Іван Петренко"),
    ],
)
def test_caller_and_name(number: str, name: str, caller: str | None,
                         caller_name: str | None) -> None:
    frames = [CALLER.frame("Newchannel", CallerIDNum=number, CallerIDName=name, Exten="1580")]

    (entered,) = feed(new_tracker(), frames)

    assert isinstance(entered, CallEntered)
    assert (entered.caller, entered.caller_raw, entered.caller_name) == (
        caller, number, caller_name)
    assert entered.carrier == (None if caller != KYIVSTAR else "Київстар")


def test_event_time_comes_from_the_timestamp_header() -> None:
    frame = CALLER.new()
    frame["Timestamp"] = "1795908019.250000"

    (entered,) = feed(new_tracker(), [frame])

    assert entered.at == datetime(2026, 11, 28, 23, 20, 19, 250000, tzinfo=UTC)


# -- resync after a (re)connect ---------------------------------------------------------------

def test_resync_closes_a_tracked_call_asterisk_no_longer_has() -> None:
    tracker = new_tracker()
    feed(tracker, answered_call())

    facts = tracker.resync([], AT)

    assert facts == [
        CallEnded(CALLER.linkedid, AT, "unknown", None, "", link_down=True),
        LinkResynced(AT, frozenset()),
    ]
    assert tracker.live_call_ids == frozenset()
    assert feed(tracker, [CALLER.hangup()]) == []  # forgotten


def test_resync_keeps_a_tracked_call_asterisk_still_has() -> None:
    tracker = new_tracker()
    feed(tracker, answered_call())

    facts = tracker.resync([snapshot(CALLER), snapshot(OPERATOR, number="1001")], AT)

    assert facts == [LinkResynced(AT, frozenset({CALLER.linkedid}))]
    assert only(feed(tracker, [CALLER.hangup()]), CallEnded)[0].outcome == "answered"


def test_resync_adopts_an_untracked_call_waiting_in_the_queue() -> None:
    tracker = new_tracker()
    leg = caller_leg("1795908100.0", seq="0000000a")

    facts = tracker.resync([snapshot(leg, seconds=30, name="Іван Петренко")], AT)

    assert facts == [
        CallEntered(call_id=leg.linkedid, at=AT - timedelta(seconds=30), trunk="kyivstar",
                    line="mobile", channel="PJSIP/kyivstar-0000000a", caller=KYIVSTAR,
                    caller_raw=KYIVSTAR, caller_name="Іван Петренко", carrier="Київстар",
                    resynced=True),
        LinkResynced(AT, frozenset({leg.linkedid})),
    ]
    assert tracker.live_call_ids == frozenset({leg.linkedid})
    later = feed(tracker, [leg.hangup_request(), leg.hangup(cause="0", text="Unknown")])
    assert later == [CallEnded(leg.linkedid, RECEIVED, "abandoned", 0, "Unknown")]


def test_an_adopted_call_waits_for_its_recording_to_be_looked_up() -> None:
    tracker = new_tracker()
    feed(tracker, answered_call()[:2])  # tracked, its recording announced
    leg = caller_leg("1795908100.0", seq="0000000a")
    tracker.resync([snapshot(CALLER), snapshot(leg)], AT)

    assert tracker.without_recording() == [(leg.linkedid, leg.channel)]
    path = f"/var/spool/asterisk/monitor/{leg.linkedid}.wav"
    assert tracker.recording_found(leg.linkedid, AT, path) == [
        RecordingAnnounced(leg.linkedid, AT, path)]
    assert tracker.without_recording() == []
    assert tracker.recording_found(leg.linkedid, AT, path) == []  # known already
    assert feed(tracker, [leg.recording(path)]) == []


def test_a_recording_found_after_the_call_ended_is_still_announced() -> None:
    tracker = new_tracker()
    leg = caller_leg("1795908100.0", seq="0000000a")
    tracker.resync([snapshot(leg)], AT)
    feed(tracker, [leg.hangup()])

    assert tracker.recording_found(leg.linkedid, AT, "/x.wav") == [
        RecordingAnnounced(leg.linkedid, AT, "/x.wav")]
    assert tracker.recording_found(leg.linkedid, AT, "") == []


def test_resync_adopts_a_bridged_call_as_answered_by_the_seat() -> None:
    tracker = new_tracker()
    leg = caller_leg("1795908100.0", seq="0000000a")
    operator = operator_leg("1795908102.1", leg.linkedid, seq="0000000b")

    facts = tracker.resync([
        snapshot(operator, number="1001", bridge="b-1"),
        snapshot(leg, bridge="b-1"),
    ], AT)

    assert [type(f) for f in facts] == [CallEntered, CallAnswered, LinkResynced]
    assert facts[1] == CallAnswered(leg.linkedid, AT, "PJSIP/op1001")
    assert facts[2] == LinkResynced(AT, frozenset({leg.linkedid}))
    assert only(feed(tracker, [leg.hangup()]), CallEnded)[0].outcome == "answered"


def test_resync_does_not_answer_when_the_operator_is_in_another_bridge() -> None:
    tracker = new_tracker()
    leg = caller_leg("1795908100.0", seq="0000000a")
    operator = operator_leg("1795908102.1", leg.linkedid, seq="0000000b")

    facts = tracker.resync([snapshot(leg, bridge="b-1"), snapshot(operator, bridge="b-2")], AT)

    assert [type(f) for f in facts] == [CallEntered, LinkResynced]


def test_resync_ignores_channels_that_are_not_inbound_trunk_legs() -> None:
    tracker = new_tracker()
    orphan_operator = operator_leg("1795908102.1", "1795908102.1")
    callback = Leg("PJSIP/kyivstar-0000000c", "1795908103.0", "1795908103.0",
                   context="from-operator")
    unknown = Leg("PJSIP/lifecell-0000000d", "1795908104.0", "1795908104.0")

    facts = tracker.resync(
        [snapshot(orphan_operator), snapshot(callback), snapshot(unknown)], AT)

    assert facts == [LinkResynced(AT, frozenset())]


def test_resync_mixes_closing_adopting_and_keeping() -> None:
    tracker = new_tracker()
    gone = caller_leg("1795908019.3", seq="00000003")
    kept = caller_leg("1795908020.5", trunk="landline", seq="00000005")
    new = caller_leg("1795908100.0", trunk="vodafone", seq="0000000a")
    feed(tracker, [gone.new(), kept.new(number=LANDLINE)])

    facts = tracker.resync([snapshot(kept, number=LANDLINE),
                            snapshot(new, number=VODAFONE, seconds=65)], AT)

    assert [type(f) for f in facts] == [CallEnded, CallEntered, LinkResynced]
    assert facts[0] == CallEnded(gone.linkedid, AT, "unknown", None, "", link_down=True)
    adopted = facts[1]
    assert isinstance(adopted, CallEntered)
    assert (adopted.call_id, adopted.trunk, adopted.carrier, adopted.at) == (
        new.linkedid, "vodafone", "Vodafone Україна", AT - timedelta(seconds=65))
    assert facts[2] == LinkResynced(AT, frozenset({kept.linkedid, new.linkedid}))
