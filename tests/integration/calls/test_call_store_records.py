"""Asterisk's records of calls (`CallReconciled`, from its queue_log) through the call store:
the rows and appeals they correct, the same however the stream is cut into batches or
replayed. Every test runs on SQLite and on PostgreSQL (see conftest.py)."""

from __future__ import annotations

import dataclasses

from callcenter.appeals.rows import appeal_history
from callcenter.appeals.store.queries import list_appeals
from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallFact,
    CallQueued,
    CallReconciled,
    LinkResynced,
)
from callcenter.calls.store.calls import SqlCallStore
from callcenter.core.database import Database
from tests.integration.calls.test_call_store_batches import (
    OP1,
    OP2,
    apply_in,
    at,
    entered,
    snapshot,
    statuses,
)


def adopted(call_id: str, seconds: float) -> CallEntered:
    return dataclasses.replace(entered(call_id, seconds), resynced=True)


# The backend was away from about 10 s to 60 s. A answered with us watching, ended while away;
# B waiting when we left, answered and ended while away; C gave up while away (closed by the
# tracker); E has no record; F was adopted by the resync, answered 8 s before it.
STREAM: list[CallFact] = [
    entered("A", 0), CallQueued("A", at(2), "operators", 1), entered("B", 3),
    CallQueued("B", at(4), "operators", 2), CallAnswered("A", at(5.4), OP1),
    entered("C", 6), entered("E", 7),
    adopted("F", 50), CallAnswered("F", at(60), OP2),
    CallEnded("C", at(60), "unknown", None, "", link_down=True),
    LinkResynced(at(60), frozenset({"F"})),
    CallReconciled("A", at(61), at(2), at(5), "PJSIP/op1001", at(30), "answered"),
    CallReconciled("B", at(61), at(4), at(40), "PJSIP/op1002", at(50), "answered"),
    CallReconciled("C", at(61), at(7), None, None, at(20), "abandoned"),
    CallReconciled("F", at(61), at(51), at(52), "PJSIP/op1002", None, "answered"),
    CallEnded("F", at(70), "answered", 16, "Normal Clearing"),
]


async def test_the_records_correct_the_calls_and_their_appeals(database_url: str) -> None:
    db = Database(database_url)
    try:
        await SqlCallStore(db, pbx="p", timezone="Europe/Kyiv").apply(STREAM)
        rows = await snapshot(db, "p")
        calls = {c["linkedid"]: c for c in rows["calls"]}
        assert {k: (c["outcome"], c["answered_at"], c["operator"], c["ended_at"])
                for k, c in calls.items()} == {
            "A": ("answered", at(5.4), OP1, at(30)),  # our answer, to the millisecond
            "B": ("answered", at(40), OP2, at(50)),
            "C": ("abandoned", None, None, at(20)),
            "E": ("unknown", None, None, at(60)),
            "F": ("answered", at(52), OP2, at(70)),
        }
        assert all(calls[k]["link_down"] for k in "ABCE") and not calls["F"]["link_down"]
        assert calls["C"]["queued_at"] == at(7)
        assert statuses(rows) == [("A", "new"), ("B", "new"), ("C", "missed"),
                                  ("E", "missed"), ("F", "new")]
        assert rows["history_order"]["B"] == ["opened", "call_ended", "call_answered"]
        number = await _number_of(db, "B")
        history = await appeal_history(db, number)
        assert [(h.at, h.from_status, h.to_status, h.comment) for h in history[-1:]] == [
            (at(61), "missed", "new", "call answered by PJSIP/op1002 (Asterisk's queue_log)")]
    finally:
        await db.close()


async def test_any_cut_and_any_replay_gives_the_same_rows(database_url: str) -> None:
    db = Database(database_url)
    try:
        await apply_in(SqlCallStore(db, pbx="single", timezone="Europe/Kyiv"),
                       [[fact] for fact in STREAM])
        expected = await snapshot(db, "single")
        for k in range(1, len(STREAM)):
            cut = SqlCallStore(db, pbx=f"cut{k}", timezone="Europe/Kyiv")
            await apply_in(cut, [STREAM[:k], STREAM[k:]])
            assert await snapshot(db, f"cut{k}") == expected, f"cut{k}"
            twice = SqlCallStore(db, pbx=f"twice{k}", timezone="Europe/Kyiv")
            await apply_in(twice, [STREAM[:k], STREAM[:k], STREAM[k:], STREAM[k:], STREAM])
            assert await snapshot(db, f"twice{k}") == expected, f"twice{k}"
    finally:
        await db.close()


async def _number_of(db: Database, call_id: str) -> str:
    return next(i.number for i in await list_appeals(db) if i.call_id == call_id)
