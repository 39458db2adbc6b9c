"""The pure rules of call-backs: outcomes -> statuses, the outbound call on the AMI stream,
Originate replies, the worklist's order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.appeals.model.statuses import Status
from callcenter.callbacks.model import (
    Kind,
    OutboundCalls,
    Outcome,
    Plan,
    WorkItem,
    WrongOutcome,
    action_id,
    attempt_of,
    by_waiting,
    claim_status,
    due_again,
    originate_problem,
    plan_outcome,
    reply_error,
)
from callcenter.calls.model import ami_events

T0 = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def plan(kind: Kind, outcome: Outcome, before: int = 0, words: str = "так") -> Plan:
    return plan_outcome(kind, outcome, words=words, no_answers_before=before, max_attempts=3)


def test_a_check_confirmed_closes_not_confirmed_returns_and_tells_the_contractor() -> None:
    assert plan(Kind.CHECK, Outcome.CONFIRMED).status is Status.CLOSED
    returned = plan(Kind.CHECK, Outcome.NOT_CONFIRMED, words="Вода досі тече")
    assert returned.status is Status.RETURNED
    assert returned.tell_contractor and returned.comment == "Вода досі тече"


def test_no_answer_is_tried_again_until_the_limit_then_closed_as_not_reached() -> None:
    first = plan(Kind.CHECK, Outcome.NO_ANSWER, before=0)
    assert first.status is None and not first.leaves_list
    third = plan(Kind.CHECK, Outcome.NO_ANSWER, before=2)
    assert third.status is Status.CLOSED and "не вдалося" in third.comment
    missed = plan(Kind.MISSED, Outcome.NO_ANSWER, before=2)
    assert missed.status is None and missed.leaves_list  # a missed call cannot be closed


def test_a_missed_caller_reached_folds_the_other_missed_calls_in() -> None:
    reached = plan(Kind.MISSED, Outcome.REACHED)
    assert reached.status is None and reached.others_duplicate
    assert plan(Kind.MISSED, Outcome.CONSULTATION).status is Status.CONSULTATION


def test_an_outcome_that_does_not_fit_the_kind_is_refused() -> None:
    with pytest.raises(WrongOutcome):
        plan(Kind.MISSED, Outcome.CONFIRMED)
    with pytest.raises(WrongOutcome):
        plan(Kind.CONTROL, Outcome.NOT_CONFIRMED)


def test_claiming_a_done_appeal_puts_it_on_check_only_then() -> None:
    assert claim_status(Kind.CHECK, Status.DONE) is Status.ON_CHECK
    assert claim_status(Kind.CHECK, Status.ON_CHECK) is None
    assert claim_status(Kind.MISSED, Status.MISSED) is None


def test_the_oldest_waiting_comes_first_and_a_retry_waits() -> None:
    items = [WorkItem(Kind.CHECK, 2, "n2", "+380", Status.DONE, T0),
             WorkItem(Kind.MISSED, 1, "n1", "+380", Status.MISSED, T0 - timedelta(hours=1))]
    assert [i.appeal_id for i in by_waiting(items)] == [1, 2]
    assert not due_again(T0, T0 + timedelta(minutes=59), 3600)
    assert due_again(T0, T0 + timedelta(minutes=60), 3600) and due_again(None, T0, 3600)


def test_action_ids_name_their_attempt() -> None:
    assert attempt_of(action_id(42, "ab12")) == 42
    assert attempt_of("lab-1-Originate") is None


def frame(event: str, **headers: str) -> dict[str, str | list[str]]:
    return {"Event": event, **headers}


def test_the_outbound_call_is_followed_from_originate_response_to_the_operator_hangup() -> None:
    calls = OutboundCalls()
    op, out = "1796583037.0", "1796583038.1"
    assert calls.handle(frame("VarSet", Uniqueid=op, Linkedid=op,
                              Variable="MIXMONITOR_FILENAME", Value=f"/m/{op}.wav"), T0) == []
    started = calls.handle(frame("OriginateResponse", ActionID=action_id(7, "x"),
                                 Response="Success", Uniqueid=op,
                                 Channel="PJSIP/op1001-00000000"), T0)
    assert [(f.kind, f.attempt_id) for f in started] == [("started", 7), ("recording", None)]
    assert started[1].path == f"/m/{op}.wav"
    answered = calls.handle(frame("DialEnd", Linkedid=op, Uniqueid=op, DestUniqueid=out,
                                  DialStatus="ANSWER"), T0)
    assert [f.kind for f in answered] == ["answered"]
    assert calls.handle(frame("Hangup", Linkedid=op, Uniqueid=out, Cause="16"), T0) == []
    ended = calls.handle(frame("Hangup", Linkedid=op, Uniqueid=op, Cause="16"), T0)
    assert [(f.kind, f.cause) for f in ended] == [("ended", 16)]
    assert calls.following == {}


def test_an_originate_not_ours_or_failed_is_not_followed() -> None:
    calls = OutboundCalls()
    assert calls.handle(frame("OriginateResponse", ActionID="other-1", Response="Success",
                              Uniqueid="1.0"), T0) == []
    assert calls.handle(frame("OriginateResponse", ActionID=action_id(1, "x"),
                              Response="Failure", Uniqueid="<null>"), T0) == []
    assert calls.following == {}


def test_originate_replies_say_why_the_call_was_not_placed() -> None:
    queued = {"Response": "Success", "Message": "Originate successfully queued"}
    assert reply_error([queued, {"Event": "OriginateResponse", "Response": "Success",
                                 "Reason": "4"}]) is None
    assert reply_error([queued, {"Event": "OriginateResponse", "Response": "Failure",
                                 "Reason": "3"}]) == "seat_no_answer"
    assert reply_error({"Response": "Error", "Message": "Permission denied"}) == \
        "permission_denied"
    assert reply_error({"Response": "Error", "Message": "Channel not specified"}) == \
        "pbx_refused"


def test_the_intake_passes_over_an_originates_first_dial_without_a_warning() -> None:
    dial = {"Event": "DialEnd", "DestChannel": "PJSIP/op1001-00000000",
            "DestUniqueid": "1.0", "DestLinkedid": "1.0", "DialStatus": "ANSWER"}
    assert ami_events.parse_event(dial, T0) is None
    assert ami_events.missing_headers(dial) == ()
    assert ami_events.missing_headers({"Event": "DialEnd", "DialStatus": "ANSWER"})


def test_nothing_but_a_number_and_a_channel_reaches_the_originate() -> None:
    assert originate_problem("PJSIP/op1001", "+380342509999") is None
    assert originate_problem("PJSIP/op1001", "0342509999") is None
    assert originate_problem("PJSIP/op1001", "+38034\r\nAction: Command") == "invalid_number"
    assert originate_problem("PJSIP/op1001\r\nX: y", "+380342509999") == "invalid_seat"
    assert originate_problem("op1001", "+380342509999") == "invalid_seat"
