"""What Asterisk's queue member events say about a seat's pause (domain.pausing)."""

from __future__ import annotations

from callcenter.pops.model.pausing import MemberPause, member_pause

PAUSE = {"Event": "QueueMemberPause", "Privilege": "agent,all", "Queue": "operators",
         "MemberName": "Operator 1001", "Interface": "PJSIP/op1001",
         "StateInterface": "PJSIP/op1001", "Paused": "1", "PausedReason": "", "Reason": ""}


def test_a_pause_from_the_phone() -> None:
    assert member_pause(PAUSE, "operators") == MemberPause("PJSIP/op1001", True, "phone")


def test_our_own_reasons_are_recognized() -> None:
    for reason in ("manual", "wrap_up"):
        event = {**PAUSE, "PausedReason": reason}
        assert member_pause(event, "operators") == MemberPause("PJSIP/op1001", True, reason)
    older = {**PAUSE, "PausedReason": "", "Reason": "wrap_up"}  # only the older header
    assert member_pause(older, "operators") == MemberPause("PJSIP/op1001", True, "wrap_up")


def test_a_queue_status_item_names_the_interface_location() -> None:
    item = {"Event": "QueueMember", "Queue": "operators", "Name": "Оператор 1002",
            "Location": "SIP/op1002", "StateInterface": "SIP/op1002", "Paused": "0",
            "PausedReason": "", "ActionID": "x-1"}
    assert member_pause(item, "operators") == MemberPause("SIP/op1002", False, None)


def test_other_queues_events_and_incomplete_frames_say_nothing() -> None:
    assert member_pause({**PAUSE, "Queue": "vip"}, "operators") is None
    assert member_pause({**PAUSE, "Event": "AgentCalled"}, "operators") is None
    assert member_pause({k: v for k, v in PAUSE.items() if k != "Paused"}, "operators") is None
    no_seat = {k: v for k, v in PAUSE.items() if k != "Interface"}
    assert member_pause(no_seat, "operators") is None


def test_status_events_and_repeated_headers() -> None:
    status = {**PAUSE, "Event": "QueueMemberStatus", "Paused": ["0", "1"]}  # first value counts
    assert member_pause(status, "operators") == MemberPause("PJSIP/op1001", False, None)
