"""The call store merges a batch per call before writing: the rows must be exactly those of
applying the facts one at a time, however the stream is cut into batches or replayed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from callcenter.appeals.model.statuses import Channel, Status
from callcenter.appeals.rows import appeal_history, change_status, open_appeal
from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallFact,
    CallQueued,
    CallRang,
    CallRingEnded,
    CallRingTimedOut,
    LinkResynced,
    RecordingAnnounced,
)
from callcenter.calls.store.calls import SqlCallStore
from callcenter.calls.tables import Call, CallRing
from callcenter.core.database import Database

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
OP1, OP2 = "PJSIP/op1001", "PJSIP/op1002"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def entered(call_id: str, seconds: float = 0, trunk: str = "kyivstar") -> CallEntered:
    return CallEntered(call_id=call_id, at=at(seconds), trunk=trunk, line="mobile",
                       channel=f"PJSIP/{trunk}-{call_id}", caller="+380671234567",
                       caller_raw="0671234567", caller_name="Олена", carrier="Київстар")


# Five calls interleaved: A answered after a ring timeout and a second ring of the same seat
# (and its CallEntered seen twice; its other seat's ring taken), B abandoned while a seat
# rang (its recording announced after its end), C still live at the resync and answered
# after it, D lost by the resync, E answered and then ended as `failed` (a new process
# adopted it after its operator left the bridge: the row's answer wins).
STREAM: list[CallFact] = [
    entered("A", 0), RecordingAnnounced("A", at(0), "/rec/A.wav"), entered("B", 1),
    CallQueued("A", at(2), "operators", 1), CallRang("A", at(2), OP1), CallRang("A", at(2), OP2),
    CallQueued("B", at(3), "operators", 2), entered("C", 3, trunk="landline"),
    CallRingTimedOut("A", at(17), OP1), CallRang("B", at(17), OP1), entered("A", 0),
    CallRang("A", at(19), OP1), entered("D", 20), CallRingTimedOut("B", at(32), OP1),
    CallAnswered("A", at(21), OP1), CallQueued("C", at(22), "operators", 1),
    CallRang("B", at(32), OP2), CallRingEnded("B", at(33), OP2, "caller_gone"),
    CallEnded("B", at(33), "abandoned", 16, "Normal Clearing"),
    RecordingAnnounced("B", at(34), "/rec/B.wav"), CallRang("C", at(35), OP2),
    CallRang("C", at(35), OP1), CallEnded("A", at(40), "answered", 16, "Normal Clearing"),
    entered("E", 40), CallRang("E", at(41), OP1), CallAnswered("E", at(42), OP1),
    LinkResynced(at(60), frozenset({"C", "E"})),
    CallAnswered("C", at(61), OP2), CallEnded("E", at(65), "failed", 16, "Normal Clearing"),
    CallEnded("C", at(70), "answered", 16, "Normal Clearing"),
]


async def snapshot(db: Database, pbx: str) -> dict[str, Any]:
    """Every row a pbx's calls produced, without surrogate ids or numbers (the counter is
    shared by the pbxs of one test); appeals in number order, each appeal's history in
    order."""
    async with db.transaction() as session:
        calls = (await session.execute(
            select(Call).where(Call.pbx == pbx).order_by(Call.id))).scalars().all()
        ids = {call.id: call.linkedid for call in calls}
        rings = (await session.execute(
            select(CallRing.call_id, CallRing.seat, CallRing.rang_at, CallRing.result)
            .where(CallRing.call_id.in_(ids)).order_by(CallRing.id))).all()
        appeals = (await session.execute(
            select(Appeal).where(Appeal.auto_call_id.in_(ids)).order_by(Appeal.sequence)
        )).scalars().all()
        history = (await session.execute(
            select(AppealHistory.appeal_id, AppealHistory.at, AppealHistory.actor,
                   AppealHistory.action, AppealHistory.from_status, AppealHistory.to_status,
                   AppealHistory.comment)
            .where(AppealHistory.appeal_id.in_([a.id for a in appeals]))
            .order_by(AppealHistory.id))).all()
    by_appeal = {a.id: ids[a.auto_call_id or 0] for a in appeals}
    return {
        "calls": [_columns(call, skip={"id", "pbx"}) for call in calls],
        "rings": [(ids[r.call_id], r.seat, r.rang_at, r.result) for r in rings],
        "appeals": [{"call": ids[a.auto_call_id or 0], **_columns(
            a, skip={"id", "number", "sequence", "call_id", "auto_call_id",
                     "version"})}  # an optimistic-lock token: batches bump it fewer times
            for a in appeals],
        "history": sorted((by_appeal[h.appeal_id], *h[1:]) for h in history),
        "history_order": per_call_order([(by_appeal[h.appeal_id], h.action)
                                         for h in history]),
    }


def _columns(row: Any, *, skip: set[str]) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}


def statuses(rows: dict[str, Any]) -> list[tuple[str, str]]:
    """(call, status) of the automatic appeals, in number order."""
    return [(appeal["call"], appeal["status"]) for appeal in rows["appeals"]]


def per_call_order(history: list[tuple[str, str]]) -> dict[str, list[str]]:
    order: dict[str, list[str]] = {}
    for call_id, action in history:
        order.setdefault(call_id, []).append(action)
    return order


async def apply_in(store: SqlCallStore, batches: Sequence[Sequence[CallFact]]) -> None:
    for batch in batches:
        await store.apply(batch)


async def test_any_cut_into_batches_gives_the_rows_of_one_fact_at_a_time(
        database_url: str) -> None:
    db = Database(database_url)
    try:
        await apply_in(SqlCallStore(db, pbx="single", timezone="Europe/Kyiv"),
                       [[fact] for fact in STREAM])
        expected = await snapshot(db, "single")
        assert [c["outcome"] for c in expected["calls"]] == [
            "answered", "abandoned", "answered", "unknown", "answered"]
        cuts = {"whole": [STREAM]} | {f"cut{k}": [STREAM[:k], STREAM[k:]]
                                        for k in range(1, len(STREAM))}
        for name, batches in cuts.items():
            await apply_in(SqlCallStore(db, pbx=name, timezone="Europe/Kyiv"), batches)
            got = await snapshot(db, name)
            assert got == expected, name
    finally:
        await db.close()


async def test_the_expected_rows_of_the_stream(database_url: str) -> None:
    db = Database(database_url)
    try:
        await SqlCallStore(db, pbx="p", timezone="Europe/Kyiv").apply(STREAM)
        rows = await snapshot(db, "p")
        assert rows["rings"] == [("A", OP1, at(2), "no_answer"), ("A", OP2, at(2), "taken"),
                                 ("B", OP1, at(17), "no_answer"), ("A", OP1, at(19), "answered"),
                                 ("B", OP2, at(32), "caller_gone"), ("C", OP2, at(35), "answered"),
                                 ("C", OP1, at(35), "taken"), ("E", OP1, at(41), "answered")]
        assert statuses(rows) == [("A", "new"), ("B", "missed"), ("C", "new"), ("D", "missed"),
                                  ("E", "new")]
        calls = {c["linkedid"]: c for c in rows["calls"]}
        assert calls["A"]["operator"] == OP1 and calls["A"]["answered_at"] == at(21)
        assert calls["B"]["recording_path"] == "/rec/B.wav"
        assert (calls["D"]["ended_at"], calls["D"]["link_down"]) == (at(60), True)
        assert calls["C"]["queued_at"] == at(22) and calls["C"]["link_down"] is False
        assert (calls["E"]["outcome"], calls["E"]["operator"], calls["E"]["ended_at"]) == (
            "answered", OP1, at(65))
    finally:
        await db.close()


async def test_a_batch_applied_twice_changes_nothing(database_url: str) -> None:
    db = Database(database_url)
    try:
        await SqlCallStore(db, pbx="once", timezone="Europe/Kyiv").apply(STREAM)
        expected = await snapshot(db, "once")
        for k in (0, 5, 11, 13, 20, len(STREAM)):
            name = f"twice{k}"
            store = SqlCallStore(db, pbx=name, timezone="Europe/Kyiv")
            # a crash after the commit, before the journal moved on: the batch comes again
            await apply_in(store, [STREAM[:k], STREAM[:k], STREAM[k:], STREAM[k:]])
            await store.apply(STREAM)  # and the whole journal replayed at the end
            assert await snapshot(db, name) == expected, name
    finally:
        await db.close()


async def test_facts_about_a_call_another_process_stored(database_url: str) -> None:
    """The call entered in a batch of a previous process; this one sees only the rest."""
    db = Database(database_url)
    try:
        await SqlCallStore(db, pbx="p", timezone="Europe/Kyiv").apply(STREAM[:3])
        await SqlCallStore(db, pbx="p", timezone="Europe/Kyiv").apply(
            [fact for fact in STREAM[3:] if not isinstance(fact, CallEntered)])
        rows = await snapshot(db, "p")
        assert [(c["linkedid"], c["outcome"]) for c in rows["calls"]] == [
            ("A", "answered"), ("B", "abandoned")]
        assert statuses(rows) == [("A", "new"), ("B", "missed")]
    finally:
        await db.close()


async def test_facts_about_a_call_never_entered_write_nothing(database_url: str) -> None:
    db = Database(database_url)
    try:
        await SqlCallStore(db, pbx="p", timezone="Europe/Kyiv").apply([
            CallQueued("X", at(1), "operators", 1), CallRang("X", at(2), OP1),
            CallAnswered("X", at(3), OP1), CallEnded("X", at(4), "answered", 16, ""),
            entered("Y", 5)])
        rows = await snapshot(db, "p")
        assert [c["linkedid"] for c in rows["calls"]] == ["Y"]
        assert rows["rings"] == []
    finally:
        await db.close()


async def test_facts_before_the_call_entered_in_the_same_batch_change_nothing(
        database_url: str) -> None:
    db = Database(database_url)
    try:
        await SqlCallStore(db, pbx="p", timezone="Europe/Kyiv").apply([
            CallQueued("X", at(1), "operators", 1), CallRang("X", at(1), OP2),
            entered("X", 2), CallRang("X", at(3), OP1)])
        rows = await snapshot(db, "p")
        assert rows["calls"][0]["queued_at"] is None
        assert rows["rings"] == [("X", OP1, at(3), None)]
    finally:
        await db.close()


async def test_a_stored_call_without_its_appeal_gets_one(database_url: str) -> None:
    """A call row written by someone else (say, recovered from the CDR) has no automatic
    appeal: its CallEntered opens one, and its end in the same batch moves it."""
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await session.execute(insert(Call).values(
                pbx="p", linkedid="R", trunk="landline", line="landline", channel="SIP/x",
                caller=None, caller_raw="", caller_name=None, carrier=None, entered_at=at(0)))
        store = SqlCallStore(db, pbx="p", timezone="Europe/Kyiv")
        await store.apply([entered("N", 1), CallEnded("R", at(2), "failed", 0, ""),
                           entered("R", 0), CallEnded("R", at(3), "failed", 0, "")])
        rows = await snapshot(db, "p")
        # R's appeal was opened after its (first, effective) end: it stays new; numbers
        # follow the order the calls entered in.
        assert statuses(rows) == [("N", "new"), ("R", "new")]
        await store.apply([CallEnded("N", at(4), "abandoned", 0, "")])
        await store.apply([entered("S", 5)])
        rows = await snapshot(db, "p")
        assert statuses(rows) == [("N", "missed"), ("R", "new"), ("S", "new")]
        assert rows["history_order"] == {
            "R": ["opened"], "N": ["opened", "call_ended"], "S": ["opened"]}
    finally:
        await db.close()


async def test_an_appeal_opened_by_hand_takes_the_next_number(database_url: str) -> None:
    """`open_appeal` / `change_status` (one appeal at a time, for the operators' pages) share
    the counter and the history with the intake's batches."""
    db = Database(database_url)
    try:
        await SqlCallStore(db, pbx="p", timezone="Europe/Kyiv").apply(
            [entered("A", 0), entered("B", 1)])
        async with db.transaction() as session:
            opened = await open_appeal(
                session, timezone="Europe/Kyiv", channel=Channel.WEB,
                opened_at=at(5), call_pk=None, automatic=False, caller=None,
                caller_name="Петро", comment="from the web form")
            appeal = await session.get_one(Appeal, opened.id)
            await change_status(session, appeal, Status.REGISTERED, at=at(9),
                                actor="operator1", action="registered", comment="")
        assert opened.number == "2026-000003"
        history = await appeal_history(db, opened.number)
        assert [(h.actor, h.from_status, h.to_status) for h in history] == [
            ("system", None, "new"), ("operator1", "new", "registered")]
    finally:
        await db.close()
