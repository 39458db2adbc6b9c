"""What Asterisk's record of a call (`CallReconciled`) does to the call's row as a batch finds
it (calls.store.changes + calls.store.corrections), and to its automatic appeal. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.appeals.model.statuses import Status
from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallOutcome,
    CallReconciled,
)
from callcenter.calls.service import fact_codec
from callcenter.calls.store.changes import CallChanges, CallRow, fold

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
OP1 = "PJSIP/op1001"
RESYNC = 60  # the resync closed the call at T0 + 60 s


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def record(*, queued: float | None = 2, answered: float | None = 5, ended: float | None = 20,
           outcome: CallOutcome | None = "answered", seat: str | None = OP1) -> CallReconciled:
    return CallReconciled("1.0", at(RESYNC + 1), at(queued) if queued is not None else None,
                          at(answered) if answered is not None else None, seat,
                          at(ended) if ended is not None else None, outcome)


def lost(**row: object) -> CallRow:
    """A row the resync closed: ended `unknown` at the resync's time, link down."""
    return CallRow(ended_at=at(RESYNC), outcome="unknown", link_down=True, **row)  # type: ignore[arg-type]


def apply(row: CallRow, *facts: object) -> CallChanges:
    return fold(list(enumerate(facts)), row)  # type: ignore[arg-type]


def test_a_call_answered_while_we_were_away_takes_the_true_times_and_operator() -> None:
    changes = apply(lost(), record())
    row = changes.row
    assert (row.queued_at, row.answered_at, row.operator) == (at(2), at(5), OP1)
    assert (row.ended_at, row.outcome, row.link_down) == (at(20), "answered", True)
    assert changes.answered_late is not None  # its appeal comes back from `missed`


def test_a_call_abandoned_while_we_were_away_stays_unanswered() -> None:
    changes = apply(lost(), record(answered=None, ended=8, outcome="abandoned", seat=None))
    assert (changes.row.ended_at, changes.row.outcome, changes.row.operator) == (
        at(8), "abandoned", None)
    assert changes.answered_late is None


def test_a_queue_timeout_while_we_were_away_is_failed() -> None:
    changes = apply(lost(), record(answered=None, ended=122, outcome="failed", seat=None))
    assert (changes.row.ended_at, changes.row.outcome) == (at(122), "failed")


def test_an_answer_we_saw_is_kept_to_the_millisecond_and_the_end_corrected() -> None:
    seen = at(5.437)
    changes = apply(lost(answered_at=seen, operator=OP1), record(answered=5))
    assert (changes.row.answered_at, changes.row.ended_at, changes.row.outcome) == (
        seen, at(20), "answered")
    assert changes.answered_late is None  # its appeal never went `missed`


def test_an_adopted_call_gets_its_true_answer_time_and_seat() -> None:
    adopted = CallRow(answered_at=at(RESYNC), operator="PJSIP/op1001")
    row = apply(adopted, record(answered=55.0, ended=None, outcome="answered",
                                seat="PJSIP/op1002")).row
    assert (row.answered_at, row.operator) == (at(55), "PJSIP/op1002")
    assert (row.ended_at, row.outcome) == (None, "in_progress")  # still live: not ended


def test_an_unresolved_seat_keeps_the_operator_the_row_has() -> None:
    adopted = CallRow(answered_at=at(RESYNC), operator="PJSIP/op1001")
    row = apply(adopted, record(answered=55.0, ended=None, seat=None)).row
    assert (row.answered_at, row.operator) == (at(55), "PJSIP/op1001")


def test_an_end_we_saw_is_never_overruled_but_an_answer_is_not_contradicted() -> None:
    seen = CallRow(ended_at=at(30), outcome="failed", cause=16, cause_text="Normal Clearing")
    row = apply(seen, record(ended=25)).row
    assert (row.ended_at, row.cause, row.answered_at, row.operator) == (at(30), 16, at(5), OP1)
    assert row.outcome == "answered"  # an answered call is never `failed`


def test_a_record_without_an_end_leaves_the_resync_s_close() -> None:
    row = apply(lost(), record(answered=None, ended=None, outcome=None, seat=None)).row
    assert (row.queued_at, row.ended_at, row.outcome) == (at(2), at(RESYNC), "unknown")


def test_an_answered_record_without_an_end_is_answered_at_the_resync_s_time() -> None:
    row = apply(lost(), record(ended=None, outcome="answered")).row  # a transfer, a crash
    assert (row.answered_at, row.ended_at, row.outcome) == (at(5), at(RESYNC), "answered")


def test_the_same_record_twice_changes_nothing_more() -> None:
    once = apply(lost(), record())
    twice = apply(CallRow(**once.row.values()), record())
    assert twice.row == once.row
    assert twice.answered_late is None


def test_in_the_same_batch_as_the_unknown_end_the_appeal_follows_the_record() -> None:
    entered = CallEntered("1.0", at(0), "landline", "landline", "PJSIP/landline-1",
                          "+380342123456", "0342123456", None, None)
    unknown = CallEnded("1.0", at(RESYNC), "unknown", None, "", link_down=True)
    answered = apply(CallRow(), entered, unknown, record())
    assert (answered.target, answered.row.outcome) == (None, "answered")
    abandoned = apply(CallRow(), entered, unknown,
                      record(answered=None, ended=8, outcome="abandoned", seat=None))
    assert (abandoned.target, abandoned.row.outcome) == (Status.MISSED, "abandoned")


def test_a_record_then_a_live_answer_keeps_the_first() -> None:
    row = apply(CallRow(), record(answered=5, ended=None), CallAnswered("1.0", at(9), OP1)).row
    assert row.answered_at == at(5)


def test_the_fact_survives_the_journal() -> None:
    for fact in (record(), record(queued=None, answered=None, ended=None, outcome=None,
                                  seat=None)):
        assert fact_codec.decode(fact_codec.encode(fact)) == fact
