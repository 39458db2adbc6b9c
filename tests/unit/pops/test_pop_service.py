"""The pop service and relay with hand-written fakes: who gets which message, and when."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallQueued,
    CallRang,
    CallRingTimedOut,
)
from callcenter.core.errors import StoreUnavailable
from callcenter.pops.model.cards import AppealLine, CallHistory
from callcenter.pops.service.relay import Envelope, PopRelay
from callcenter.pops.service.watcher import PopService

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
A, B, C = "PJSIP/op1001", "PJSIP/op1002", "PJSIP/op1003"


class Sockets:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any], float | None]] = []
        self.board_changes = 0

    def deliver(self, seat: str, text: str, kind: str, received: float | None) -> int:
        self.sent.append((seat, json.loads(text), received))
        return 1

    def board_changed(self) -> None:
        self.board_changes += 1

    def to(self, seat: str) -> list[str]:
        return [m["type"] for s, m, _ in self.sent if s == seat]


class Publisher:
    def __init__(self) -> None:
        self.items: list[Envelope] = []

    def publish(self, item: Envelope) -> None:
        self.items.append(item)


class Cards:
    def __init__(self, history: CallHistory | None = None, *, down: bool = False) -> None:
        self.history = history or CallHistory("2026-000007", "new")
        self.down = down
        self.asked: list[list[str]] = []

    async def histories(self, call_ids: Sequence[str]) -> Mapping[str, CallHistory]:
        self.asked.append(list(call_ids))
        if self.down:
            raise StoreUnavailable("away")
        return {call_id: self.history for call_id in call_ids}


class WrapUp:
    def __init__(self) -> None:
        self.seats: list[str] = []

    def call_ended(self, seat: str) -> None:
        self.seats.append(seat)


def entered(call_id: str = "1.1") -> CallEntered:
    return CallEntered(call_id, T0, "landline", "landline", "PJSIP/landline-1",
                       "+380342123456", "0342123456", "Олена", None)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def sockets() -> Sockets:
    return Sockets()


def service(sockets: Sockets, cards: Cards | None = None, **kwargs: Any) -> PopService:
    relay = PopRelay(sockets=sockets, publisher=Publisher())
    return PopService(cards=cards or Cards(), relay=relay, receipt=lambda: 12.5, **kwargs)


def test_only_the_rung_seat_gets_the_pop_at_once_with_the_minimal_card(
        sockets: Sockets) -> None:
    pops = service(sockets)
    pops.facts_seen([entered(), CallQueued("1.1", at(1), "operators", 1),
                     CallRang("1.1", at(2), A)])
    [(seat, pop, received)] = [s for s in sockets.sent if s[1]["type"] == "pop"]
    assert (seat, received) == (A, 12.5)
    assert pop["rang_at"] == "2026-11-29T10:00:02.000Z"
    assert pop["card"]["caller"] == "+380342123456"
    assert pop["card"]["complete"] is False
    assert sockets.to(B) == []


def test_ring_all_the_loser_gets_taken_and_only_the_answerer_gets_ended(
        sockets: Sockets) -> None:
    pops = service(sockets, wrap_up=(wrap_up := WrapUp()))
    pops.facts_seen([entered(), CallRang("1.1", at(1), A), CallRang("1.1", at(1), B),
                     CallAnswered("1.1", at(3), A),
                     CallEnded("1.1", at(9), "answered", 16, "Normal Clearing")])
    assert sockets.to(A) == ["pop", "answered", "ended"]
    assert sockets.to(B) == ["pop", "taken"]
    taken = next(m for s, m, _ in sockets.sent if s == B and m["type"] == "taken")
    assert taken["by_seat"] == A
    assert wrap_up.seats == [A]
    assert pops.calls == {}


def test_ring_timeout_then_a_re_ring_and_an_abandoned_end(sockets: Sockets) -> None:
    pops = service(sockets, wrap_up=(wrap_up := WrapUp()))
    pops.facts_seen([entered(), CallRang("1.1", at(1), A), CallRingTimedOut("1.1", at(16), A),
                     CallRang("1.1", at(20), A),
                     CallEnded("1.1", at(25), "abandoned", 16, "")])
    assert sockets.to(A) == ["pop", "ring_timed_out", "pop", "ended"]
    assert wrap_up.seats == []  # nobody talked: no wrap-up


async def test_the_full_card_follows_to_the_seats_still_on_the_call(sockets: Sockets) -> None:
    earlier = AppealLine("2026-000003", T0 - timedelta(days=3), "missed", "water",
                         "вул. Незалежності, 12А")
    cards = Cards(CallHistory("2026-000007", "new", previous=(earlier,), open=(earlier,),
                              addresses=("вул. Незалежності, 12А",)))
    pops = service(sockets, cards)
    runner = asyncio.create_task(pops.run())
    pops.facts_seen([entered(), CallRang("1.1", at(1), A), CallRang("1.1", at(1), B),
                     CallRingTimedOut("1.1", at(5), B)])
    await pops.facts_stored([entered()])
    while pops.cards_completed == 0:
        await asyncio.sleep(0)
    runner.cancel()
    assert sockets.to(A) == ["pop", "card"]
    assert sockets.to(B) == ["pop", "ring_timed_out"]
    card = sockets.sent[-1][1]["card"]
    assert card["appeal"] == {"number": "2026-000007", "status": "new"}
    assert card["previous_appeals"][0]["opened_at"] == "2026-11-26T10:00:00.000Z"
    assert card["addresses"] == ["вул. Незалежності, 12А"]
    assert card["complete"] is True
    relay = pops.relay
    assert relay.hello(A, "olena")["current"]["card"]["complete"] is True


async def test_the_database_away_leaves_the_minimal_card(sockets: Sockets) -> None:
    pops = service(sockets, cards := Cards(down=True))
    pops.facts_seen([entered()])
    await pops.facts_stored([entered()])
    await pops._complete(["1.1"])
    pops.facts_seen([CallRang("1.1", at(1), A)])
    assert cards.asked == [["1.1"]]
    assert sockets.sent[-1][1]["card"]["complete"] is False


def test_memory_is_bounded(sockets: Sockets) -> None:
    pops = service(sockets, call_limit=3)
    pops.facts_seen([entered(f"1.{n}") for n in range(5)])
    assert list(pops.calls) == ["1.2", "1.3", "1.4"]


def test_a_ring_for_a_call_never_seen_still_pops(sockets: Sockets) -> None:
    pops = service(sockets)
    pops.facts_seen([CallRang("9.9", at(1), C)])
    [(seat, pop, _)] = [s for s in sockets.sent if s[1]["type"] == "pop"]
    assert (seat, pop["card"]["call_id"], pop["card"]["caller"]) == (C, "9.9", None)


def test_the_relay_keeps_the_current_pop_per_seat(sockets: Sockets) -> None:
    pops = service(sockets)
    pops.facts_seen([entered(), CallRang("1.1", at(1), A), CallAnswered("1.1", at(2), A)])
    current = pops.relay.hello(A, "olena")["current"]
    assert (current["type"], current["answered_at"]) == ("pop", "2026-11-29T10:00:02.000Z")
    pops.facts_seen([CallEnded("1.1", at(5), "answered", 16, "")])
    assert pops.relay.hello(A, "olena")["current"] is None
    publisher = pops.relay.publisher
    assert isinstance(publisher, Publisher)
    assert [i.kind for i in publisher.items] == ["pop", "answered", "dequeued", "ended",
                                                 "dequeued"]


def test_a_relay_reads_other_processes_messages_into_the_board() -> None:
    relay = PopRelay(sockets=(sockets := Sockets()))
    source = PopRelay(publisher=(publisher := Publisher()))
    source.send(None, {"type": "queued", "call_id": "1.1", "at": "2026-11-29T10:00:00.000Z",
                       "caller": "+380342123456", "caller_name": None, "line": "landline",
                       "trunk": "landline", "carrier": None})
    source.send(A, {"type": "pop", "call_id": "1.1", "seat": A,
                    "rang_at": "2026-11-29T10:00:01.000Z", "card": {}})
    for item in publisher.items:
        relay.receive(item)
    board = relay.board.snapshot({}, at(10))
    assert [(s["seat"], s["state"]) for s in board["seats"]] == [(A, "ringing")]
    assert board["waiting"][0]["waiting_since"] == "2026-11-29T10:00:00.000Z"
    assert sockets.to(A) == ["pop"]
    assert sockets.board_changes == 2
