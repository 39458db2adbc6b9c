"""The call-back worklist on each engine: one entry per missed caller, oldest first, withheld
numbers left out; claims that two operators race for; outcomes -> statuses and the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from callcenter.appeals.model.statuses import Status
from callcenter.callbacks.model import AlreadyClaimed, CallFact, Kind, Outcome, WrongOutcome
from callcenter.callbacks.rows import confirmed_share
from callcenter.callbacks.service import Callbacks
from callcenter.callbacks.store.line import SqlCallbackLine
from callcenter.core.database import Database
from tests.integration.callbacks_rig import T0, Clock, Seed, callbacks

A, B = "+380671112233", "+380501234567"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    try:
        yield database
    finally:
        await database.close()


async def connected(db: Database, service: Callbacks, kind: Kind, appeal_id: int,
                    user: str, clock: Clock) -> int:
    """An attempt placed and answered by the operator's phone, as the dialer records it."""
    attempt_id = await service.call(kind, appeal_id, username=user, seat="PJSIP/op1001")
    line = SqlCallbackLine(db, pbx="pbx1")
    assert [p.attempt_id for p in await line.take_pending(clock(), 10)] == [attempt_id]
    await line.write(CallFact("started", f"cb.{attempt_id}", clock(), attempt_id=attempt_id,
                              channel="PJSIP/op1001-00000001"))
    return attempt_id


async def test_one_entry_per_missed_caller_oldest_first_withheld_left_out(db: Database) -> None:
    seed, clock = Seed(db), Clock()
    first_a = await seed.appeal(Status.MISSED, caller=A, at=T0 + timedelta(minutes=5))
    await seed.appeal(Status.MISSED, caller=A, at=T0 + timedelta(minutes=9))
    only_b = await seed.appeal(Status.MISSED, caller=B, at=T0 + timedelta(minutes=7))
    await seed.appeal(Status.MISSED, caller=None, at=T0)  # withheld
    await seed.contractor()
    done = await seed.appeal(Status.DONE, caller=A, at=T0 + timedelta(minutes=8),
                             contractor=True)
    await seed.appeal(Status.IN_WORK, caller=B, at=T0, contractor=True)  # nothing to do yet

    items = await callbacks(db, clock).worklist()

    assert [(i.kind, i.appeal_id) for i in items] == [
        (Kind.MISSED, first_a), (Kind.MISSED, only_b), (Kind.CHECK, done)]
    assert items[0].tries == 2 and items[1].tries == 1


async def test_two_operators_racing_for_one_resident_one_wins(db: Database) -> None:
    seed, clock = Seed(db), Clock()
    appeal = await seed.appeal(Status.MISSED, caller=A, at=T0)
    service = callbacks(db, clock, claim_minutes=10)

    results = await asyncio.gather(
        *(service.claim(Kind.MISSED, appeal, username=f"op{n}", seat=f"PJSIP/op100{n}")
          for n in (1, 2)), return_exceptions=True)

    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], AlreadyClaimed)
    [item] = await service.worklist()
    assert item.claimed_by == won[0].username
    clock.tick(minutes=11)  # the claim expired: the other operator may take it now
    loser = "op2" if won[0].username == "op1" else "op1"
    taken = await service.claim(Kind.MISSED, appeal, username=loser, seat="PJSIP/op1002")
    assert taken.username == loser


async def test_one_resident_behind_two_appeals_is_called_by_one_operator(db: Database) -> None:
    seed, clock = Seed(db), Clock()
    await seed.contractor()
    missed = await seed.appeal(Status.MISSED, caller=A, at=T0)
    done = await seed.appeal(Status.DONE, caller=A, at=T0, contractor=True)
    service = callbacks(db, clock)
    results = await asyncio.gather(
        service.claim(Kind.MISSED, missed, username="op1", seat="PJSIP/op1001"),
        service.claim(Kind.CHECK, done, username="op2", seat="PJSIP/op1002"),
        return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["AlreadyClaimed", "Claim"]


async def test_a_done_appeal_claimed_is_on_check_then_closed_when_confirmed(db: Database) -> None:
    seed, clock = Seed(db), Clock()
    await seed.contractor()
    appeal = await seed.appeal(Status.DONE, caller=A, at=T0, contractor=True)
    service = callbacks(db, clock)
    await service.claim(Kind.CHECK, appeal, username="op1", seat="PJSIP/op1001")
    assert await seed.status(appeal) == "on_check"
    attempt = await connected(db, service, Kind.CHECK, appeal, "op1", clock)
    await service.record(attempt, username="op1", outcome=Outcome.CONFIRMED, words="")
    assert await seed.status(appeal) == "closed"
    assert await service.worklist() == []


async def test_not_confirmed_returns_it_to_the_contractor_with_the_residents_words(
        db: Database) -> None:
    seed, clock = Seed(db), Clock()
    await seed.contractor()
    appeal = await seed.appeal(Status.DONE, caller=A, at=T0, contractor=True)
    service = callbacks(db, clock)
    await service.claim(Kind.CHECK, appeal, username="op1", seat="PJSIP/op1001")
    attempt = await connected(db, service, Kind.CHECK, appeal, "op1", clock)
    with pytest.raises(WrongOutcome):  # the words are what the contractor acts on
        await service.record(attempt, username="op1", outcome=Outcome.NOT_CONFIRMED,
                             words=" ")
    await service.record(attempt, username="op1", outcome=Outcome.NOT_CONFIRMED,
                         words="Води досі немає")
    assert await seed.status(appeal) == "returned"
    [message] = await seed.outbox(appeal)
    assert message.event == "appeal.returned" and message.recipient == \
        "dispatch@vodokanal.example"
    assert "Води досі немає" in message.payload
    assert ("callback_not_confirmed", "returned", "Води досі немає") in \
        await seed.history(appeal)


async def test_no_answer_is_retried_later_then_closed_as_not_reached(db: Database) -> None:
    seed, clock = Seed(db), Clock()
    await seed.contractor()
    appeal = await seed.appeal(Status.DONE, caller=A, at=T0, contractor=True)
    service = callbacks(db, clock, attempts=3, retry_minutes=60)
    for attempt_number in (1, 2, 3):
        [item] = await service.worklist()
        assert item.no_answers == attempt_number - 1
        await service.claim(Kind.CHECK, appeal, username="op1", seat="PJSIP/op1001")
        attempt = await connected(db, service, Kind.CHECK, appeal, "op1", clock)
        await service.record(attempt, username="op1", outcome=Outcome.NO_ANSWER, words="")
        if attempt_number < 3:
            assert await seed.status(appeal) == "on_check"
            assert await service.worklist() == []  # not before the pause is over
            clock.tick(minutes=61)
    assert await seed.status(appeal) == "closed"
    assert (await seed.history(appeal))[-1][0] == "callback_not_reached"


async def test_a_missed_caller_reached_as_consultation_closes_all_their_missed_calls(
        db: Database) -> None:
    seed, clock = Seed(db), Clock()
    first = await seed.appeal(Status.MISSED, caller=A, at=T0)
    second = await seed.appeal(Status.MISSED, caller=A, at=T0 + timedelta(minutes=3))
    service = callbacks(db, clock)
    await service.claim(Kind.MISSED, first, username="op1", seat="PJSIP/op1001")
    attempt = await connected(db, service, Kind.MISSED, first, "op1", clock)
    await service.record(attempt, username="op1", outcome=Outcome.CONSULTATION,
                         words="Підказали графік вивезення сміття")
    assert (await seed.status(first), await seed.status(second)) == ("consultation",
                                                                     "duplicate")
    assert await service.worklist() == []


async def test_a_supervisor_puts_an_appeal_on_control_and_the_call_notes_the_words(
        db: Database) -> None:
    seed, clock = Seed(db), Clock()
    await seed.contractor()
    appeal = await seed.appeal(Status.IN_WORK, caller=B, at=T0, contractor=True)
    service = callbacks(db, clock)
    assert await service.worklist() == []
    await service.set_control(seed.numbers[appeal], on=True, by="boss", note="Скарга мера")
    [item] = await service.worklist()
    assert item.kind is Kind.CONTROL
    await service.claim(Kind.CONTROL, appeal, username="op1", seat="PJSIP/op1001")
    attempt = await connected(db, service, Kind.CONTROL, appeal, "op1", clock)
    await service.record(attempt, username="op1", outcome=Outcome.TALKED,
                         words="Бригада приїздила, чекають труби")
    assert await seed.status(appeal) == "in_work"
    assert await service.worklist() == []


async def test_the_contractors_share_confirmed_by_residents(db: Database) -> None:
    seed, clock = Seed(db), Clock()
    contractor = await seed.contractor()
    service = callbacks(db, clock)
    verdicts = [Outcome.CONFIRMED, Outcome.CONFIRMED, Outcome.NOT_CONFIRMED]
    for index, verdict in enumerate(verdicts):
        appeal = await seed.appeal(Status.DONE, caller=f"+38067111220{index}", at=T0,
                                   contractor=True)
        await service.claim(Kind.CHECK, appeal, username="op1", seat="PJSIP/op1001")
        attempt = await connected(db, service, Kind.CHECK, appeal, "op1", clock)
        await service.record(attempt, username="op1", outcome=verdict, words="Слова мешканця")
    await seed.appeal(Status.DONE, caller=B, at=T0, contractor=True)  # not checked yet
    async with db.reading() as session:
        assert await confirmed_share(session, contractor) == (2, 3)


async def test_a_call_nobody_places_in_time_fails_and_is_never_placed_later(
        db: Database) -> None:
    seed, clock = Seed(db), Clock()
    appeal = await seed.appeal(Status.MISSED, caller=A, at=T0)
    service = callbacks(db, clock)
    await service.claim(Kind.MISSED, appeal, username="op1", seat="PJSIP/op1001")
    attempt_id = await service.call(Kind.MISSED, appeal, username="op1", seat="PJSIP/op1001")
    assert (await service.attempt(attempt_id)).state == "pending"
    clock.tick(seconds=11)  # no process holding the AMI link took it
    failed = await service.attempt(attempt_id)
    assert (failed.state, failed.error) == ("failed", "pbx_unavailable")
    assert await SqlCallbackLine(db, pbx="pbx1").take_pending(clock(), 10) == []


async def test_a_call_left_half_placed_by_a_dead_process_fails_after_a_while(
        db: Database) -> None:
    seed, clock = Seed(db), Clock()
    appeal = await seed.appeal(Status.MISSED, caller=A, at=T0)
    service = callbacks(db, clock)
    await service.claim(Kind.MISSED, appeal, username="op1", seat="PJSIP/op1001")
    attempt_id = await service.call(Kind.MISSED, appeal, username="op1", seat="PJSIP/op1001")
    await SqlCallbackLine(db, pbx="pbx1").take_pending(clock(), 10)  # then the process died
    clock.tick(seconds=60)
    assert (await service.attempt(attempt_id)).state == "originating"  # may still ring
    clock.tick(seconds=250)
    failed = await service.attempt(attempt_id)
    assert (failed.state, failed.error) == ("failed", "pbx_unavailable")
    again = await service.call(Kind.MISSED, appeal, username="op1", seat="PJSIP/op1001")
    assert again != attempt_id
