"""The supervisors' board, kept from pop messages (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from callcenter.pops.model import cards as pops
from callcenter.pops.model.board import Board, Operator, daily_figures

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
A, B = "PJSIP/op1001", "PJSIP/op1002"
OLENA = {A: Operator("olena", "Олена Коваль")}
CARD: dict[str, Any] = {"caller": "+380342123456", "caller_name": None, "line": "landline",
                        "trunk": "landline", "carrier": None}


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def seats(board: Board, operators: dict[str, Operator] | None = None) -> dict[str, Any]:
    snapshot = board.snapshot(operators or {}, at(100))
    return {s["seat"]: (s["state"], s["since"], s["call_id"]) for s in snapshot["seats"]}


def test_a_call_rings_is_answered_and_ends() -> None:
    board = Board()
    board.apply(None, pops.queued(call_id="1.1", at=at(1), card=CARD), at(1))
    board.apply(A, pops.pop(call_id="1.1", seat=A, rang_at=at(2), card={}), at(2))
    board.apply(B, pops.pop(call_id="1.1", seat=B, rang_at=at(2), card={}), at(2))
    ringing = board.snapshot(OLENA, at(3))
    board.apply(A, pops.answered(call_id="1.1", seat=A, at=at(4)), at(4))
    board.apply(B, pops.taken(call_id="1.1", by_seat=A, at=at(4)), at(4))
    board.apply(None, pops.dequeued(call_id="1.1", at=at(4)), at(4))
    talking = seats(board, OLENA)
    board.apply(A, pops.ended(call_id="1.1", outcome="answered", at=at(9)), at(9))
    assert [(w["call_id"], w["position"], w["caller"]) for w in ringing["waiting"]] == [
        ("1.1", 1, "+380342123456")]
    assert [(s["seat"], s["state"], s["operator"]) for s in ringing["seats"]] == [
        (A, "ringing", "Олена Коваль"), (B, "ringing", None)]
    assert talking == {A: ("talking", "2026-11-29T10:00:04.000Z", "1.1"),
                       B: ("offline", "2026-11-29T10:00:04.000Z", None)}
    assert seats(board, OLENA)[A] == ("idle", "2026-11-29T10:00:09.000Z", None)
    assert board.snapshot(OLENA, at(10))["waiting"] == []


def test_positions_follow_the_order_callers_joined() -> None:
    board = Board()
    for n in (3, 1, 2):
        board.apply(None, pops.queued(call_id=f"1.{n}", at=at(n), card=CARD), at(n))
    board.apply(None, pops.dequeued(call_id="1.1", at=at(5)), at(5))
    waiting = board.snapshot({}, at(6))["waiting"]
    assert [(w["call_id"], w["position"]) for w in waiting] == [("1.2", 1), ("1.3", 2)]


def test_pauses_and_wrap_up() -> None:
    board = Board()
    board.apply(A, pops.paused(paused=True, reason="wrap_up", until=at(30), at=at(0)), at(0))
    assert seats(board, OLENA)[A][0] == "wrap_up"
    board.apply(A, pops.paused(paused=True, reason="manual", until=None, at=at(5)), at(5))
    board.apply(A, pops.pop(call_id="1.1", seat=A, rang_at=at(6), card={}), at(6))
    assert seats(board, OLENA)[A][0] == "ringing"  # a call beats the pause flag
    board.apply(A, pops.ring_timed_out(call_id="1.1", at=at(20)), at(20))
    assert seats(board, OLENA)[A][0] == "paused"
    board.apply(A, pops.paused(paused=False, reason=None, until=None, at=at(40)), at(40))
    assert seats(board, OLENA)[A] == ("idle", "2026-11-29T10:00:40.000Z", None)


def test_a_late_message_of_another_call_changes_nothing() -> None:
    board = Board()
    board.apply(A, pops.pop(call_id="1.2", seat=A, rang_at=at(1), card={}), at(1))
    board.apply(A, pops.ended(call_id="1.1", outcome="abandoned", at=at(2)), at(2))
    assert seats(board)[A][0] == "ringing"


def test_reset_forgets_calls_but_not_pauses() -> None:
    board = Board()
    board.apply(None, pops.queued(call_id="1.1", at=at(1), card=CARD), at(1))
    board.apply(A, pops.pop(call_id="1.1", seat=A, rang_at=at(2), card={}), at(2))
    board.apply(B, pops.paused(paused=True, reason="manual", until=None, at=at(2)), at(2))
    board.apply(None, pops.reset(at=at(3)), at(3))
    assert seats(board) == {A: ("offline", "2026-11-29T10:00:03.000Z", None),
                            B: ("paused", "2026-11-29T10:00:02.000Z", None)}
    assert board.snapshot({}, at(4))["waiting"] == []


def test_daily_figures_answered_share_is_of_the_calls_that_entered_the_queue() -> None:
    t = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    figures = daily_figures([(t, t + timedelta(seconds=20), "answered"),
                             (t, t + timedelta(seconds=40), "answered"),
                             (t, None, "abandoned"), (t, None, "failed")])
    assert (figures.queued, figures.answered, figures.abandoned, figures.failed) == (4, 2, 1, 1)
    assert figures.answered_share == 50 and figures.wait_seconds == 30
    assert daily_figures([]).answered_share is None
