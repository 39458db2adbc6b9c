"""Call facts to and from journal lines (callcenter.calls.service.fact_codec)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

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
from callcenter.calls.service import fact_codec

AT = datetime(2026, 11, 28, 23, 19, 34, 438000, tzinfo=UTC)
KYIV = timezone(timedelta(hours=2))
CALL = "1795908885.0"

FACTS: list[CallFact] = [
    CallEntered(call_id=CALL, at=AT, trunk="kyivstar", line="mobile",
                channel="PJSIP/kyivstar-00000000", caller="+380671234567",
                caller_raw="+380671234567", caller_name="Іван Петренко", carrier="Київстар"),
    CallEntered(call_id=CALL, at=AT, trunk="landline", line="landline",
                channel="SIP/landline-00000000", caller=None, caller_raw="anonymous",
                caller_name=None, carrier=None, resynced=True),
    CallQueued(CALL, AT, "operators", 2),
    CallRang(CALL, AT, "PJSIP/op1001"),
    CallRingTimedOut(CALL, AT, "SIP/op1002"),
    CallRingEnded(CALL, AT, "PJSIP/op1002", "caller_gone"),
    CallAnswered(CALL, datetime(2026, 11, 29, 1, 19, 37, tzinfo=KYIV), "PJSIP/op1001"),
    RecordingAnnounced(CALL, AT, f"/var/spool/asterisk/monitor/{CALL}.wav"),
    CallEnded(CALL, AT, "answered", 16, "Normal Clearing"),
    CallEnded(CALL, AT, "unknown", None, "", link_down=True),
    LinkResynced(AT, frozenset({CALL, "1795908890.0"})),
    LinkResynced(AT, frozenset()),
]


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: type(f).__name__)
def test_round_trip(fact: CallFact) -> None:
    line = fact_codec.encode(fact)

    assert "\n" not in line
    decoded = fact_codec.decode(line)
    assert decoded == fact
    assert type(decoded) is type(fact)
    assert decoded.at.utcoffset() == fact.at.utcoffset()


def test_cyrillic_is_written_as_is() -> None:
    line = fact_codec.encode(FACTS[0])

    assert "Іван Петренко" in line
    assert "Київстар" in line


def test_link_resynced_ids_come_back_as_a_frozenset() -> None:
    decoded = fact_codec.decode(fact_codec.encode(FACTS[-2]))

    assert isinstance(decoded, LinkResynced)
    assert decoded.live_call_ids == frozenset({CALL, "1795908890.0"})
    assert isinstance(decoded.live_call_ids, frozenset)


@pytest.mark.parametrize(
    "line",
    [
        "garbage",
        "",
        "null",
        "[]",
        "{}",
        '{"type": "Nope", "at": "2026-11-28T23:19:34+00:00"}',
        '{"type": "CallRang", "call_id": "1", "seat": "PJSIP/op1001"}',
        '{"type": "CallRang", "call_id": "1", "at": "yesterday", "seat": "PJSIP/op1001"}',
        '{"type": "CallRang", "call_id": "1", "at": 5, "seat": "PJSIP/op1001"}',
        '{"type": "CallRang", "call_id": "1", "at": "2026-11-28T23:19:34+00:00"}',
        '{"type": "CallRang", "call_id": "1", "at": "2026-11-28T23:19:34+00:00", "seat": "x", '
        '"extra": 1}',
        fact_codec.encode(FACTS[0])[:40],  # torn by a crash mid-write
    ],
)
def test_decode_rejects_what_is_not_a_fact(line: str) -> None:
    with pytest.raises(ValueError):
        fact_codec.decode(line)
