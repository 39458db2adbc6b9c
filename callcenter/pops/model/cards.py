"""Screen pops: the card an operator sees and the messages sent to their socket.

One function per outgoing message (see docs/screen-pops.md for the schema). Messages are plain
JSON-ready dicts; all times are ISO 8601 UTC with a `Z`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from callcenter.calls.model.facts import CallEntered
from callcenter.outages.model.places import Hit
from callcenter.outages.model.texts import addresses, headline, period_text

Message = dict[str, Any]
PREVIOUS_LIMIT = 10
OPEN_LIMIT = 20
UNFINISHED_LIMIT = 5  # the caller's earlier calls whose form was never completed
ADDRESS_LIMIT = 10
OUTAGE_LIMIT = 5


def iso(at: datetime | None) -> str | None:
    if at is None:
        return None
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class AppealLine:
    """One of the caller's appeals as a card lists it."""

    number: str
    opened_at: datetime
    status: str
    category: str | None
    address: str | None
    answer: str | None = None  # the contractor's answer meant for the resident


@dataclass(frozen=True, slots=True)
class CallHistory:
    """What the database adds to a card: the call's appeal and the caller's past."""

    appeal_number: str | None
    appeal_status: str | None
    previous: tuple[AppealLine, ...] = ()  # finished: final, or done by the contractor
    open: tuple[AppealLine, ...] = ()  # still being worked on
    addresses: tuple[str, ...] = ()
    unfinished: tuple[AppealLine, ...] = ()  # earlier calls' forms never completed
    unfinished_total: int = 0
    outages: tuple[Message, ...] = ()  # now or soon at the caller's addresses (outage_line)


def outage_line(found: Hit, timezone: str) -> Message:
    """An outage at the caller's addresses, as the card lists it (docs/screen-pops.md)."""
    outage = found.outage
    return {"id": outage.id, "when": found.when, "utility": outage.utility.value,
            "kind": outage.kind.value, "title": headline(outage),
            "period": period_text(outage, timezone), "addresses": addresses(outage.places),
            "note": outage.note}


def appeal_line(line: AppealLine) -> Message:
    return {"number": line.number, "opened_at": iso(line.opened_at), "status": line.status,
            "category": line.category, "address": line.address, "answer": line.answer}


def minimal_card(fact: CallEntered) -> Message:
    """The card from the entering fact alone: ready at once, never waits for the database."""
    return {"call_id": fact.call_id, "entered_at": iso(fact.at), "caller": fact.caller,
            "caller_name": fact.caller_name, "line": fact.line, "trunk": fact.trunk,
            "carrier": fact.carrier, "appeal": None, "previous_appeals": [],
            "open_appeals": [], "unfinished_appeals": [], "unfinished_total": 0,
            "addresses": [], "outages": [], "complete": False}


def bare_card(call_id: str) -> Message:
    """A card for a call this process did not see enter (e.g. started before a restart)."""
    return {"call_id": call_id, "entered_at": None, "caller": None, "caller_name": None,
            "line": None, "trunk": None, "carrier": None, "appeal": None,
            "previous_appeals": [], "open_appeals": [], "unfinished_appeals": [],
            "unfinished_total": 0, "addresses": [], "complete": False}


def full_card(card: Message, history: CallHistory) -> Message:
    appeal = None
    if history.appeal_number is not None:
        appeal = {"number": history.appeal_number, "status": history.appeal_status}
    return {**card, "appeal": appeal,
            "previous_appeals": [appeal_line(a) for a in history.previous[:PREVIOUS_LIMIT]],
            "open_appeals": [appeal_line(a) for a in history.open[:OPEN_LIMIT]],
            "unfinished_appeals": [appeal_line(a)
                                   for a in history.unfinished[:UNFINISHED_LIMIT]],
            "unfinished_total": max(history.unfinished_total, len(history.unfinished)),
            "addresses": list(history.addresses[:ADDRESS_LIMIT]),
            "outages": list(history.outages[:OUTAGE_LIMIT]), "complete": True}


def distinct_addresses(lines: list[AppealLine]) -> tuple[str, ...]:
    """Addresses of the lines (newest first), each once, blanks skipped."""
    seen: dict[str, None] = {}
    for line in lines:
        if line.address and line.address.strip():
            seen.setdefault(line.address.strip(), None)
    return tuple(seen)[:ADDRESS_LIMIT]


# -- to an operator's socket ------------------------------------------------------------


def hello(*, seat: str, user: str, pause: Message | None, current: Message | None) -> Message:
    return {"type": "hello", "seat": seat, "user": user,
            "paused": bool(pause and pause.get("paused")), "pause": pause, "current": current}


def pop(*, call_id: str, seat: str, rang_at: datetime, card: Message) -> Message:
    return {"type": "pop", "call_id": call_id, "seat": seat, "rang_at": iso(rang_at),
            "card": card}


def card_update(*, call_id: str, card: Message) -> Message:
    return {"type": "card", "call_id": call_id, "card": card}


def answered(*, call_id: str, seat: str, at: datetime) -> Message:
    return {"type": "answered", "call_id": call_id, "seat": seat, "at": iso(at)}


def taken(*, call_id: str, by_seat: str, at: datetime) -> Message:
    return {"type": "taken", "call_id": call_id, "by_seat": by_seat, "at": iso(at)}


def ring_timed_out(*, call_id: str, at: datetime) -> Message:
    return {"type": "ring_timed_out", "call_id": call_id, "at": iso(at)}


def ended(*, call_id: str, outcome: str, at: datetime) -> Message:
    return {"type": "ended", "call_id": call_id, "outcome": outcome, "at": iso(at)}


def paused(*, paused: bool, reason: str | None, until: datetime | None,
           at: datetime) -> Message:
    return {"type": "paused", "paused": paused, "reason": reason if paused else None,
            "until": iso(until) if paused else None, "at": iso(at)}


def pong() -> Message:
    return {"type": "pong"}


# -- to the supervisors' board only (never to an operator) -------------------------------


def queued(*, call_id: str, at: datetime, card: Message) -> Message:
    return {"type": "queued", "call_id": call_id, "at": iso(at), "caller": card["caller"],
            "caller_name": card["caller_name"], "line": card["line"], "trunk": card["trunk"],
            "carrier": card["carrier"]}


def dequeued(*, call_id: str, at: datetime) -> Message:
    return {"type": "dequeued", "call_id": call_id, "at": iso(at)}


def reset(*, at: datetime) -> Message:
    """The process holding the AMI link (re)started: forget earlier live state."""
    return {"type": "reset", "at": iso(at)}
