"""How a queue call ends (DESIGN-NOTES, "Call outcomes"), on inline traces in the order
app_queue sends them (apps/app_queue.c; ../shared/ami-traces/pjsip-queue-timeout.ami,
pjsip-vodafone-abandoned.ami, pjsip-landline-answered.ami), and how every seat's ring ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallRingEnded,
    CallRingTimedOut,
)
from tests.unit.calls.ami_legs import (
    AT,
    CALLER,
    OPERATOR,
    Frame,
    caller_leg,
    feed,
    new_tracker,
    only,
    operator_leg,
    snapshot,
)

OP1, OP2 = "PJSIP/op1001", "PJSIP/op1002"
RING1 = OPERATOR  # PJSIP/op1001-00000001
RING2 = operator_leg("1795908021.5", CALLER.linkedid, seat="op1002", seq="00000002")


def waiting() -> list[Frame]:
    """Answered by the dialplan, in the queue, both seats ringing (ring-all)."""
    return [CALLER.new(), CALLER.queued(), CALLER.agent_called(RING1, OP1),
            CALLER.agent_called(RING2, OP2)]


def rings_time_out() -> list[Frame]:
    """The queue's `timeout` per attempt ran out: rna() for each seat, then the dials end."""
    return [CALLER.ring_no_answer(RING1, OP1), CALLER.ring_no_answer(RING2, OP2),
            CALLER.dial_end(RING1, "NOANSWER"), CALLER.dial_end(RING2, "NOANSWER"),
            CALLER.dial_end(RING1, "CANCEL"), CALLER.dial_end(RING2, "CANCEL")]


def queue_gives_up(status: str) -> list[Frame]:
    """record_abandoned() (ABANDONED=TRUE, QueueCallerAbandon), leave_queue(), then
    set_queue_result() (QUEUESTATUS) and the dialplan's own UserEvent after Queue()."""
    return [CALLER.var("ABANDONED", "TRUE"), CALLER.abandon(hold=120), CALLER.left_queue(),
            CALLER.var("QUEUESTATUS", status),
            CALLER.user_event("AppealQueueResult", QueueStatus=status)]


def dialplan_hangs_up() -> list[Frame]:
    """After the "call later" notice: Hangup() in the dialplan."""
    return [CALLER.soft_hangup_request("16"), CALLER.hangup("16", "Normal Clearing")]


def caller_hangs_up() -> list[Frame]:
    """The trunk's BYE: the driver queues the hang-up (HangupRequest), then the PBX ends."""
    return [CALLER.hangup_request(), CALLER.soft_hangup_request("16"),
            CALLER.hangup("0", "Unknown")]


def outcome(frames: list[Frame]) -> str:
    [ended] = [f for f in feed(new_tracker(), frames) if isinstance(f, CallEnded)]
    return ended.outcome


def without(frames: list[Frame], *events: str) -> list[Frame]:
    return [f for f in frames if f["Event"] not in events]


def without_varset(frames: list[Frame], name: str) -> list[Frame]:
    return [f for f in frames if not (f["Event"] == "VarSet" and f.get("Variable") == name)]


# -- every path that ends a queue call --------------------------------------------------------

QUEUE_TIMEOUT = [*waiting(), *rings_time_out(), *queue_gives_up("TIMEOUT"),
                 *dialplan_hangs_up()]
CALLER_ABANDON = [*waiting(), CALLER.hangup_request(), CALLER.dial_end(RING1, "CANCEL"),
                  CALLER.dial_end(RING2, "CANCEL"), CALLER.dial_end(RING1, "CANCEL"),
                  CALLER.dial_end(RING2, "CANCEL"), CALLER.var("ABANDONED", "TRUE"),
                  CALLER.abandon(hold=6), CALLER.left_queue(), CALLER.soft_hangup_request(),
                  CALLER.hangup("0", "Unknown")]


@pytest.mark.parametrize(
    ("frames", "expected"),
    [
        (QUEUE_TIMEOUT, "failed"),
        # the caller hangs up during the "call later" notice: the queue had given up first
        ([*waiting(), *rings_time_out(), *queue_gives_up("TIMEOUT"), *caller_hangs_up()],
         "failed"),
        # leavewhenempty: record_abandoned(), EXITEMPTY, QUEUESTATUS=LEAVEEMPTY
        ([*waiting(), *rings_time_out(), *queue_gives_up("LEAVEEMPTY"), *dialplan_hangs_up()],
         "failed"),
        # joinempty / maxlen: join_queue() refuses; no queue event but QUEUESTATUS
        ([CALLER.new(), CALLER.var("QUEUESTATUS", "JOINEMPTY"), *dialplan_hangs_up()],
         "failed"),
        ([CALLER.new(), CALLER.var("QUEUESTATUS", "FULL"), *caller_hangs_up()], "failed"),
        ([CALLER.new(), CALLER.user_event("AppealQueueResult", QueueStatus="FULL"),
          *caller_hangs_up()], "failed"),
        # a value this code has never seen: Queue() returned unanswered all the same
        ([CALLER.new(), CALLER.queued(), CALLER.var("QUEUESTATUS", "SOMETHINGNEW"),
          *caller_hangs_up()], "failed"),
        (CALLER_ABANDON, "abandoned"),
        # the caller hangs up during the recording notice, before Queue()
        ([CALLER.new(), *caller_hangs_up()], "abandoned"),
        # "Caller was about to talk to agent ... but the caller hungup" (ABANDON)
        ([*waiting(), CALLER.dial_end(RING1, "ANSWER"), CALLER.hangup_request(),
          CALLER.abandon(), *dialplan_hangs_up()], "abandoned"),
    ],
    ids=["timeout", "timeout-then-caller-hangs-up", "leave-empty", "join-empty", "full",
         "full-user-event-only", "unknown-status", "caller-abandons", "gone-during-notice",
         "gone-as-operator-answers"],
)
def test_how_an_unanswered_queue_call_ends(frames: list[Frame], expected: str) -> None:
    assert outcome(frames) == expected


def test_a_timeout_needs_no_dialplan_class_nor_the_dialplans_user_event() -> None:
    # An AMI user without `dialplan` gets no VarSet; an older dialplan sends no UserEvent:
    # QueueCallerAbandon without the caller's HangupRequest before it is the queue giving up.
    bare = without_varset(without(QUEUE_TIMEOUT, "UserEvent"), "QUEUESTATUS")
    assert outcome(bare) == "failed"
    assert outcome(without(CALLER_ABANDON, "UserEvent")) == "abandoned"


def test_the_hangup_cause_does_not_decide() -> None:
    # A trunk may send Q.850 16 with its BYE; the dialplan may hang up with any cause.
    abandon = [f if f["Event"] != "Hangup" else CALLER.hangup("16", "Normal Clearing")
               for f in CALLER_ABANDON]
    timeout = [f if f["Event"] != "Hangup" else CALLER.hangup("0", "Unknown")
               for f in QUEUE_TIMEOUT]
    assert (outcome(abandon), outcome(timeout)) == ("abandoned", "failed")


def test_header_variants_and_unknown_events_change_nothing() -> None:
    noisy: list[Frame] = []
    for frame in QUEUE_TIMEOUT:
        noisy += [{**frame, "SomethingNew": "1", "ChanVariable": ["TRUNK=kyivstar", "X=1"]},
                  CALLER.frame("QueueCallerSomethingNew", Queue="operators")]
    lower = [{**f, "DialStatus": "cancel"} if f["Event"] == "DialEnd" else f
             for f in CALLER_ABANDON]
    assert (outcome(noisy), outcome(lower)) == ("failed", "abandoned")


@pytest.mark.parametrize(
    "after",
    [
        # the caller hangs up (AgentComplete Reason: caller), the operator leg after
        [CALLER.hangup_request(), CALLER.agent_complete(RING1, OP1, "caller", 5),
         RING1.hangup(), CALLER.soft_hangup_request(), CALLER.hangup()],
        # the operator hangs up first
        [RING1.hangup_request(), CALLER.agent_complete(RING1, OP1, "agent", 5),
         CALLER.soft_hangup_request(), RING1.hangup(), CALLER.hangup()],
        # a blind transfer (the `t` option), then the caller hangs up on the new party
        [CALLER.agent_complete(RING1, OP1, "transfer", 5), RING1.hangup(),
         CALLER.hangup_request(), CALLER.hangup("0", "Unknown")],
        # whatever the queue or the dialplan says afterwards
        [CALLER.var("QUEUESTATUS", "CONTINUE"), CALLER.abandon(), *caller_hangs_up()],
    ],
    ids=["caller-hangs-up", "operator-hangs-up", "transferred", "later-noise"],
)
def test_an_answered_call_stays_answered(after: list[Frame]) -> None:
    answered = [*waiting(), CALLER.dial_end(RING1, "ANSWER"), CALLER.dial_end(RING2, "CANCEL"),
                CALLER.agent_connect(RING1, OP1)]
    assert outcome([*answered, *after]) == "answered"


# -- the answer the tracker did not see (issue 11, item 3) ------------------------------------


def test_a_call_adopted_after_its_operator_left_the_bridge_is_answered() -> None:
    # Adopted by a resync between BridgeLeave and the trunk's Hangup: unbridged, so it looks
    # unanswered; the AgentComplete that follows proves the answer, talk time before it.
    tracker = new_tracker()
    tracker.resync([snapshot(CALLER, seconds=40)], AT)

    later = AT + timedelta(seconds=1)
    facts = feed(tracker, [CALLER.agent_complete(RING1, OP1, "agent", 12),
                           CALLER.soft_hangup_request(), CALLER.hangup()], later)

    assert facts == [CallAnswered(CALLER.linkedid, later - timedelta(seconds=12), OP1),
                     CallEnded(CALLER.linkedid, later, "answered", 16, "Normal Clearing")]


def test_a_call_answered_while_the_link_was_down_is_answered_at_the_resync() -> None:
    tracker = new_tracker()
    feed(tracker, waiting())  # the AgentConnect went by while the link was down

    facts = tracker.resync([snapshot(CALLER, bridge="b-1"), snapshot(RING1, bridge="b-1")], AT)
    ended = feed(tracker, [CALLER.hangup_request(), CALLER.hangup()])

    assert only(facts, CallAnswered) == [CallAnswered(CALLER.linkedid, AT, OP1)]
    assert [f.outcome for f in ended if isinstance(f, CallEnded)] == ["answered"]


def test_the_tracker_never_ends_a_call_it_saw_answered_as_unanswered() -> None:
    endings = [*queue_gives_up("TIMEOUT"), *rings_time_out(), *caller_hangs_up()]
    for cut in range(len(endings) + 1):
        frames = [*waiting(), CALLER.agent_connect(RING1, OP1), *endings[:cut],
                  CALLER.hangup()]
        assert outcome(frames) == "answered", cut


# -- every ring ends with a result (issue 11, item 7) -----------------------------------------


def ring_ends(frames: list[Frame]) -> list[tuple[str, str, str]]:
    """(fact, seat, result) of every ring end, in order."""
    facts = feed(new_tracker(), frames)
    return [(type(f).__name__, f.seat, getattr(f, "result", "no_answer")) for f in facts
            if isinstance(f, CallRingEnded | CallRingTimedOut)]


def test_the_ring_all_loser_is_taken() -> None:
    frames = [*waiting(), CALLER.dial_end(RING1, "ANSWER"), CALLER.dial_end(RING2, "CANCEL"),
              CALLER.dial_end(RING2, "CANCEL"), CALLER.agent_connect(RING1, OP1)]
    assert ring_ends(frames) == [("CallRingEnded", OP2, "taken")]


def test_rings_cancelled_by_the_caller_hanging_up_are_caller_gone() -> None:
    assert ring_ends(CALLER_ABANDON) == [("CallRingEnded", OP1, "caller_gone"),
                                         ("CallRingEnded", OP2, "caller_gone")]


def test_a_ring_that_times_out_ends_once() -> None:
    assert ring_ends([*waiting(), *rings_time_out()]) == [
        ("CallRingTimedOut", OP1, "no_answer"), ("CallRingTimedOut", OP2, "no_answer")]


def test_a_busy_seat_ends_its_ring_at_dial_end_and_once() -> None:
    # app_queue publishes DialEnd BUSY before its rna() (AgentRingNoAnswer)
    frames = [*waiting(), CALLER.dial_end(RING2, "BUSY"), CALLER.ring_no_answer(RING2, OP2)]
    assert ring_ends(frames) == [("CallRingTimedOut", OP2, "no_answer")]


def test_a_cancel_for_no_known_reason_is_no_answer() -> None:
    frames = [*waiting(), CALLER.dial_end(RING1, "CANCEL")]
    assert ring_ends(frames) == [("CallRingEnded", OP1, "no_answer")]


def test_dial_ends_of_legs_never_rung_are_ignored() -> None:
    stranger = operator_leg("1795908099.9", CALLER.linkedid, seat="op1003", seq="00000009")
    other_call = caller_leg("1795908050.0", seq="00000005")
    frames = [*waiting(), CALLER.dial_end(stranger, "CANCEL"),
              other_call.dial_end(RING1, "CANCEL")]
    assert ring_ends(frames) == []
