"""The call store on real SQLite and PostgreSQL: idempotent, numbered, concurrent-safe."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from callcenter.appeals.rows import appeal_history
from callcenter.appeals.store.queries import list_appeals
from callcenter.appeals.tables import Appeal
from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallOutcome,
    CallQueued,
    CallRang,
    CallRingTimedOut,
    LinkResynced,
    RecordingAnnounced,
)
from callcenter.calls.store.calls import SqlCallStore
from callcenter.calls.tables import Call, CallRing
from callcenter.core.database import Database

T0 = datetime(2026, 11, 28, 23, 19, 34, tzinfo=UTC)


def entered(call_id: str, at: datetime = T0, caller: str | None = "+380671234567"
            ) -> CallEntered:
    return CallEntered(call_id=call_id, at=at, trunk="kyivstar", line="mobile",
                       channel="PJSIP/kyivstar-00000000", caller=caller,
                       caller_raw=caller or "anonymous", caller_name="Іван Петренко",
                       carrier="Київстар")


def answered_call(call_id: str) -> list:
    return [
        entered(call_id),
        RecordingAnnounced(call_id, T0, f"/var/spool/asterisk/monitor/{call_id}.wav"),
        CallQueued(call_id, T0 + timedelta(seconds=1), "operators", 1),
        CallRang(call_id, T0 + timedelta(seconds=1), "PJSIP/op1002"),
        CallRang(call_id, T0 + timedelta(seconds=1), "PJSIP/op1001"),
        CallAnswered(call_id, T0 + timedelta(seconds=4), "PJSIP/op1001"),
        CallEnded(call_id, T0 + timedelta(seconds=8), "answered", 16, "Normal Clearing"),
    ]


async def test_answered_call_opens_one_new_appeal(database_url: str) -> None:
    db = Database(database_url)
    store = SqlCallStore(db, pbx="pbx1", timezone="Europe/Kyiv")
    try:
        await store.apply(answered_call("1795908845.0"))
        [item] = await list_appeals(db)
        assert item.number == "2026-000001"
        assert (item.status, item.channel, item.call_outcome) == ("new", "phone", "answered")
        assert item.operator == "PJSIP/op1001"
        assert item.caller_name == "Іван Петренко"
        assert item.recording_path == "/var/spool/asterisk/monitor/1795908845.0.wav"
        assert item.opened_at == T0
        async with db.transaction() as session:
            rings = (await session.execute(select(CallRing.seat, CallRing.result)
                                           .order_by(CallRing.id))).all()
        assert [tuple(r) for r in rings] == [("PJSIP/op1002", "taken"),
                                             ("PJSIP/op1001", "answered")]
    finally:
        await db.close()


async def test_the_same_call_twice_opens_one_appeal(database_url: str) -> None:
    db = Database(database_url)
    store = SqlCallStore(db, pbx="pbx1", timezone="Europe/Kyiv")
    try:
        await store.apply(answered_call("1.0"))
        await store.apply(answered_call("1.0"))  # replay, reconnect, resync
        await store.apply([entered("1.0")])
        items = await list_appeals(db)
        assert [i.number for i in items] == ["2026-000001"]
        history = await appeal_history(db, "2026-000001")
        assert [h.action for h in history] == ["opened"]
    finally:
        await db.close()


async def test_same_linkedid_on_another_pbx_is_another_call(database_url: str) -> None:
    db = Database(database_url)
    try:
        await SqlCallStore(db, pbx="pbx1", timezone="Europe/Kyiv").apply([entered("1.0")])
        await SqlCallStore(db, pbx="pbx2", timezone="Europe/Kyiv").apply([entered("1.0")])
        assert len(await list_appeals(db)) == 2
    finally:
        await db.close()


async def test_abandoned_call_leaves_appeal_missed_with_history(database_url: str) -> None:
    db = Database(database_url)
    store = SqlCallStore(db, pbx="pbx1", timezone="Europe/Kyiv")
    try:
        await store.apply([
            entered("2.0"),
            CallRang("2.0", T0, "PJSIP/op1001"),
            CallRingTimedOut("2.0", T0 + timedelta(seconds=15), "PJSIP/op1001"),
            CallEnded("2.0", T0 + timedelta(seconds=20), "abandoned", 0, "Unknown"),
        ])
        [item] = await list_appeals(db)
        assert (item.status, item.call_outcome, item.operator) == ("missed", "abandoned", None)
        history = await appeal_history(db, item.number)
        assert [(h.from_status, h.to_status, h.actor) for h in history] == [
            (None, "new", "system"), ("new", "missed", "system")]
    finally:
        await db.close()


async def test_resync_closes_calls_that_ended_while_away(database_url: str) -> None:
    db = Database(database_url)
    store = SqlCallStore(db, pbx="pbx1", timezone="Europe/Kyiv")
    try:
        await store.apply([entered("3.0"), entered("4.0"),
                           CallAnswered("4.0", T0, "PJSIP/op1001"), entered("5.0")])
        await store.apply([LinkResynced(T0 + timedelta(minutes=1), frozenset({"5.0"}))])
        items = {i.call_id: i for i in await list_appeals(db)}
        assert (items["3.0"].call_outcome, items["3.0"].status) == ("unknown", "missed")
        assert (items["4.0"].call_outcome, items["4.0"].status) == ("unknown", "new")
        assert (items["5.0"].call_outcome, items["5.0"].status) == ("in_progress", "new")
        async with db.transaction() as session:
            flags = (await session.execute(select(Call.linkedid, Call.link_down)
                                           .order_by(Call.linkedid))).all()
        assert [tuple(f) for f in flags] == [("3.0", True), ("4.0", True), ("5.0", False)]
    finally:
        await db.close()


async def test_numbers_follow_the_year_in_the_configured_timezone(database_url: str) -> None:
    db = Database(database_url)
    store = SqlCallStore(db, pbx="pbx1", timezone="Europe/Kyiv")
    try:
        new_year_kyiv = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 Jan in Kyiv
        await store.apply([entered("6.0", at=new_year_kyiv - timedelta(hours=1)),
                           entered("7.0", at=new_year_kyiv)])
        assert [i.number for i in await list_appeals(db)] == ["2026-000001", "2027-000001"]
    finally:
        await db.close()


async def test_concurrent_writers_get_unique_gapless_numbers(database_url: str) -> None:
    """Several processes' stores (own engines) race on new and repeated calls."""
    dbs = [Database(database_url) for _ in range(4)]
    stores = [SqlCallStore(db, pbx="pbx1", timezone="Europe/Kyiv") for db in dbs]
    try:
        async def writer(index: int) -> None:
            store = stores[index % len(stores)]
            for n in range(10):
                await store.apply([entered(f"{n}.{index % 5}")])  # 5 writers share each call

        await asyncio.gather(*(writer(i) for i in range(20)))
        async with dbs[0].transaction() as session:
            numbers = (await session.scalars(select(Appeal.sequence))).all()
            calls = await session.scalar(select(func.count()).select_from(Call))
        assert calls == 50
        assert sorted(numbers) == list(range(1, 51))
    finally:
        for db in dbs:
            await db.close()


@pytest.mark.parametrize("looked_like", ["failed", "abandoned"])
async def test_an_answer_stored_before_a_restart_wins_over_the_end_seen_after_it(
        database_url: str, looked_like: CallOutcome) -> None:
    """Issue 11, item 3: the process that saw the answer stopped; the next one adopted the
    call on its resync after the operator had left the bridge (so it looked unanswered) and
    saw it end. The row keeps its answer."""
    db = Database(database_url)
    try:
        await SqlCallStore(db, pbx="pbx1", timezone="Europe/Kyiv").apply(
            answered_call("6.0")[:-1])
        resync = T0 + timedelta(seconds=30)
        adopted = dataclasses.replace(entered("6.0", T0 + timedelta(seconds=1)), resynced=True)
        await SqlCallStore(db, pbx="pbx1", timezone="Europe/Kyiv").apply([
            adopted, LinkResynced(resync, frozenset({"6.0"})),
            CallEnded("6.0", resync + timedelta(seconds=1), looked_like, 16, "Normal Clearing")])
        [item] = await list_appeals(db)
        assert (item.call_outcome, item.status, item.operator) == (
            "answered", "new", "PJSIP/op1001")
        async with db.transaction() as session:
            call = (await session.execute(select(Call))).scalar_one()
            rings = (await session.execute(select(CallRing.seat, CallRing.result)
                                           .order_by(CallRing.id))).all()
        assert call.answered_at == T0 + timedelta(seconds=4)
        assert [tuple(r) for r in rings] == [("PJSIP/op1002", "taken"),
                                             ("PJSIP/op1001", "answered")]
    finally:
        await db.close()
