"""Merging one call's facts of a batch in memory (callcenter.calls.store.changes), pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.appeals.model.statuses import Status
from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallOutcome,
    CallQueued,
    CallRang,
    CallRingEnded,
    CallRingTimedOut,
    RecordingAnnounced,
)
from callcenter.calls.store.changes import CallRow, Ring, fold, from_entered

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
OP1, OP2 = "PJSIP/op1001", "PJSIP/op1002"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def entered(seconds: float = 0) -> CallEntered:
    return CallEntered("1.0", at(seconds), "landline", "landline", "SIP/landline-1",
                       "+380342123456", "342123456", None, None)


def numbered(*facts: object) -> list:
    return list(enumerate(facts))


def results(rings: list[Ring]) -> list[tuple[str, datetime, str | None]]:
    return [(r.seat, r.rang_at, r.result) for r in rings]


def test_a_seat_rung_twice_keeps_two_rings_each_closed_once() -> None:
    changes = fold(numbered(CallRang("1.0", at(1), OP1), CallRingTimedOut("1.0", at(16), OP1),
                            CallRang("1.0", at(18), OP1), CallAnswered("1.0", at(20), OP1)),
                   CallRow())
    assert [(r.rang_at, r.result) for r in changes.new_rings] == [(at(1), "no_answer"),
                                                                  (at(18), "answered")]
    assert changes.closed_rings == []


def test_a_close_without_its_ring_in_the_batch_closes_the_stored_one() -> None:
    stored = [Ring(OP2, at(1), "no_answer", pk=7), Ring(OP2, at(10), None, pk=8)]
    changes = fold(numbered(CallRingTimedOut("1.0", at(16), OP2),
                            CallRang("1.0", at(17), OP2)), CallRow(), stored)
    assert [(r.pk, r.result) for r in changes.closed_rings] == [(8, "no_answer")]
    assert results(changes.new_rings) == [(OP2, at(17), None)]


def test_a_close_before_any_ring_of_the_seat_closes_nothing() -> None:
    changes = fold(numbered(CallRingTimedOut("1.0", at(1), OP1), CallRang("1.0", at(2), OP1)),
                   CallRow(), [Ring(OP1, at(5), None, pk=3)])
    assert changes.closed_rings == []
    assert results(changes.new_rings) == [(OP1, at(2), None)]


def test_a_ring_already_stored_is_not_added_again() -> None:
    changes = fold(numbered(CallRang("1.0", at(1), OP1), CallRang("1.0", at(1), OP2)),
                   CallRow(), [Ring(OP1, at(1), None, pk=1)])
    assert [r.seat for r in changes.new_rings] == [OP2]


# -- every ring ends with a result (issue 11, item 7) -----------------------------------------


def test_an_answer_closes_the_other_seats_rings_as_taken() -> None:
    stored = [Ring(OP2, at(1), None, pk=1), Ring(OP1, at(1), None, pk=2)]
    changes = fold(numbered(CallRang("1.0", at(5), OP1), CallAnswered("1.0", at(6), OP1),
                            CallRang("1.0", at(7), OP2)), CallRow(), stored)
    assert results(changes.rings) == [(OP2, at(1), "taken"), (OP1, at(1), "no_answer"),
                                      (OP1, at(5), "answered"), (OP2, at(7), None)]
    assert [r.pk for r in changes.closed_rings] == [1, 2]


@pytest.mark.parametrize(("outcome", "result"), [
    ("abandoned", "caller_gone"), ("failed", "no_answer"), ("unknown", "unknown"),
    ("answered", "taken"),
])
def test_the_end_closes_every_ring_still_open(outcome: CallOutcome, result: str) -> None:
    stored = [Ring(OP1, at(1), "no_answer", pk=1), Ring(OP1, at(3), None, pk=2)]
    changes = fold(numbered(CallRang("1.0", at(3), OP2),
                            CallEnded("1.0", at(9), outcome, 0, "")),
                   CallRow(), stored)
    assert results(changes.rings) == [(OP1, at(1), "no_answer"), (OP1, at(3), result),
                                      (OP2, at(3), result)]
    assert [r.pk for r in changes.closed_rings] == [2]


def test_a_ring_the_tracker_saw_cancelled_keeps_its_reason() -> None:
    changes = fold(numbered(CallRang("1.0", at(1), OP1), CallRang("1.0", at(1), OP2),
                            CallRingEnded("1.0", at(4), OP2, "caller_gone"),
                            CallEnded("1.0", at(5), "abandoned", 0, "")), CallRow())
    assert results(changes.rings) == [(OP1, at(1), "caller_gone"), (OP2, at(1), "caller_gone")]


# -- the row's own facts win (issue 11, item 3) -----------------------------------------------


@pytest.mark.parametrize("outcome", ["failed", "abandoned"])
def test_an_end_never_contradicts_a_stored_answer(outcome: CallOutcome) -> None:
    # A call adopted on resync after its operator left the bridge looked unanswered to the
    # tracker of the new process; the row knew better.
    row = CallRow(answered_at=at(3), operator=OP1)
    changes = fold(numbered(CallEnded("1.0", at(9), outcome, 16, "")), row)
    assert (row.outcome, row.answered_at, row.operator, changes.target) == (
        "answered", at(3), OP1, None)


def test_an_end_while_the_link_was_down_stays_unknown_but_the_appeal_is_not_missed() -> None:
    row = CallRow(answered_at=at(3), operator=OP1)
    changes = fold(numbered(CallEnded("1.0", at(9), "unknown", None, "", link_down=True)), row)
    assert (row.outcome, row.link_down, changes.target) == ("unknown", True, None)


def test_first_queue_and_answer_win_the_last_recording_wins() -> None:
    row = fold(numbered(CallQueued("1.0", at(1), "q", 1), CallQueued("1.0", at(2), "q", 1),
                        RecordingAnnounced("1.0", at(2), "/a.wav"),
                        CallAnswered("1.0", at(3), OP1), CallAnswered("1.0", at(4), OP2),
                        RecordingAnnounced("1.0", at(5), "/b.wav")), CallRow()).row
    assert (row.queued_at, row.answered_at, row.operator, row.recording_path) == (
        at(1), at(3), OP1, "/b.wav")


def test_an_end_counts_once_and_an_answer_after_it_does_not_save_the_appeal() -> None:
    changes = fold(numbered(CallEnded("1.0", at(9), "failed", 0, "x"),
                            CallAnswered("1.0", at(10), OP1),
                            CallEnded("1.0", at(11), "answered", 16, "y")), CallRow())
    # the row agrees with its answer; the appeal the end made missed stays so
    assert (changes.row.ended_at, changes.row.outcome, changes.target) == (
        at(9), "answered", Status.MISSED)
    assert changes.ended is not None and changes.ended.at == at(9)


def test_a_stored_answer_or_end_is_respected() -> None:
    answered = CallRow(answered_at=at(3), operator=OP1)
    assert fold(numbered(CallEnded("1.0", at(9), "abandoned", 0, "")), answered).target is None
    ended = CallRow(ended_at=at(5), outcome="unknown")
    changes = fold(numbered(CallEnded("1.0", at(9), "abandoned", 0, "")), ended)
    assert (changes.ended, changes.row.outcome) == (None, "unknown")


def test_a_new_row_ignores_what_came_before_its_call_entered() -> None:
    changes = from_entered(numbered(CallQueued("1.0", at(0), "q", 1), entered(1),
                                    CallQueued("1.0", at(2), "q", 1), entered(1)))
    assert changes is not None
    assert (changes.entered_order, changes.row.queued_at) == (1, at(2))
    assert from_entered(numbered(CallQueued("1.0", at(0), "q", 1))) is None


def test_an_end_before_the_call_entered_does_not_move_the_appeal_it_opens() -> None:
    changes = fold(numbered(CallEnded("1.0", at(9), "failed", 0, ""), entered(0)), CallRow())
    assert changes.target == Status.MISSED and not changes.ended_after_entered
