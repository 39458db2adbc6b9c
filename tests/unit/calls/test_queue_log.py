"""Asterisk's queue_log: lines to entries (calls.model.queue_log) and one call's record
(calls.model.queue_record), on the real files captured from Asterisk 20.20.1 and on
hand-written variants. Pure."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from callcenter.calls.model.queue_log import line_time, parse_line, parse_lines
from callcenter.calls.model.queue_record import (
    QueueRecord,
    reconciled,
    record_of,
    records_of,
    seat_of,
)

TRACES = Path(__file__).resolve().parents[3] / "callcenter" / "simulator" / "traces"
MEMBERS = {"Operator 1001": "PJSIP/op1001", "Operator 1002": "PJSIP/op1002"}


def real(name: str) -> list[str]:
    return (TRACES / f"{name}.queue_log").read_text(encoding="utf-8").splitlines()


def utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def record(lines: str, call_id: str = "1.0") -> QueueRecord | None:
    return record_of(call_id, parse_lines(lines.strip().splitlines()).entries)


# -- lines ----------------------------------------------------------------------------------


def test_a_real_connect_line_is_typed_with_utc_time_and_its_data_fields() -> None:
    entry = parse_line("1796583010|1796583005.0|operators|Operator 1001|CONNECT|3|"
                       "1796583007.2|3")
    assert entry is not None
    assert entry.at == datetime(2026, 12, 6, 18, 50, 10, tzinfo=UTC)
    assert (entry.call_id, entry.queue, entry.agent, entry.event) == (
        "1796583005.0", "operators", "Operator 1001", "CONNECT")
    assert entry.data == ("3", "1796583007.2", "3")
    assert (entry.datum(1), entry.datum(7, "-")) == ("1796583007.2", "-")


def test_every_line_of_the_real_files_parses() -> None:
    for name in ("pjsip-landline-answered-queue_log", "pjsip-queue-timeout"):
        parsed = parse_lines(real(name))
        assert parsed.garbage == []
        assert len(parsed.entries) == len(real(name))


def test_queuestart_ends_with_a_bar_and_has_no_data() -> None:
    entry = parse_line("1796583003|NONE|NONE|NONE|QUEUESTART|")
    assert entry is not None and (entry.call_id, entry.event, entry.data) == (
        "NONE", "QUEUESTART", ())


def test_padded_data1_to_data5_and_the_old_short_forms_parse_alike() -> None:
    padded = parse_line("1796583015|1.0|operators|Operator 1001|COMPLETECALLER|3|5|1||")
    old = parse_line("1796583015|1.0|operators|Operator 1001|COMPLETECALLER|3|5|1")
    assert padded == old
    short = parse_line("1796583010|1.0|operators|PJSIP/op1001|CONNECT|3|1.2")
    assert short is not None and short.data == ("3", "1.2") and short.datum(2) == ""


def test_a_fraction_of_a_second_and_crlf_are_tolerated() -> None:
    entry = parse_line("1796583010.5|1.0|operators|NONE|ENTERQUEUE||0342501234|1\r\n")
    assert entry is not None
    assert entry.at == datetime(2026, 12, 6, 18, 50, 10, 500000, tzinfo=UTC)
    assert entry.data == ("", "0342501234", "1")


@pytest.mark.parametrize("line", [
    "garbage without bars",
    "1796583010|1.0|operators|NONE",  # too few fields
    "yesterday|1.0|operators|NONE|ENTERQUEUE||1|1",  # no Unix time
    "-5|1.0|operators|NONE|ENTERQUEUE||1|1",
    "1796583010||operators|NONE|ENTERQUEUE||1|1",  # no call id
    "1796583010|1.0|operators|NONE||x",  # no event
    "99999999999999999999|1.0|q|NONE|ENTERQUEUE",  # out of range
])
def test_lines_that_are_not_queue_log_lines_are_garbage(line: str) -> None:
    assert parse_line(line) is None
    assert parse_lines([line]).garbage == [line]


def test_blank_lines_are_skipped_and_garbage_kept_in_order() -> None:
    parsed = parse_lines(["", "  ", "junk", "1796583003|NONE|NONE|NONE|QUEUESTART|", "more"])
    assert [e.event for e in parsed.entries] == ["QUEUESTART"]
    assert parsed.garbage == ["junk", "more"]


def test_only_the_asked_calls_are_kept() -> None:
    parsed = parse_lines(real("pjsip-queue-timeout"), frozenset({"1796583062.0"}))
    assert {e.call_id for e in parsed.entries} == {"1796583062.0"}
    assert len(parsed.entries) == 18


def test_line_time_reads_only_the_first_field() -> None:
    assert line_time(b"1796583003|NONE|NONE|NONE|QUEUESTART|\n") == utc(1796583003)
    assert line_time(b"\xff\xfe|x") is None
    assert line_time(b"") is None


# -- one call's record: the real files -------------------------------------------------------


def test_the_real_answered_call() -> None:
    found = record_of("1796583005.0",
                      parse_lines(real("pjsip-landline-answered-queue_log")).entries)
    assert found == QueueRecord("1796583005.0", queued_at=utc(1796583007),
                                answered_at=utc(1796583010), agent="Operator 1001",
                                ended_at=utc(1796583015), outcome="answered")


def test_the_real_queue_timeout_is_failed_not_abandoned() -> None:
    found = record_of("1796583062.0", parse_lines(real("pjsip-queue-timeout")).entries)
    assert found == QueueRecord("1796583062.0", queued_at=utc(1796583064), answered_at=None,
                                agent=None, ended_at=utc(1796583184), outcome="failed")


def test_a_call_the_file_does_not_know_has_no_record() -> None:
    entries = parse_lines(real("pjsip-queue-timeout")).entries
    assert record_of("1796583005.0", entries) is None
    assert records_of(entries, ["1796583062.0", "1796583005.0"]).keys() == {"1796583062.0"}


# -- one call's record: variants ------------------------------------------------------------


@pytest.mark.parametrize(("event", "outcome"), [
    ("ABANDON|1|1|6", "abandoned"),
    ("EXITWITHKEY|5|1|1|9", "abandoned"),
    ("EXITWITHTIMEOUT|1|1|120", "failed"),
    ("EXITWITHTIMEOUT|1", "failed"),  # the old form: the position only
    ("EXITEMPTY|1|1|30", "failed"),
    ("WITHDRAW|1|1|30|moved", "failed"),
    ("FULL|", "failed"),  # not app_queue's: a dialplan's QueueLog() after Queue()
    ("JOINEMPTY|", "failed"),
])
def test_an_unanswered_end(event: str, outcome: str) -> None:
    found = record(f"""
        100|1.0|operators|NONE|ENTERQUEUE||0342501234|1
        115|1.0|operators|Operator 1002|RINGNOANSWER|15000
        130|1.0|operators|NONE|{event}
    """.replace("        ", ""))
    assert found is not None
    assert (found.queued_at, found.answered_at, found.agent) == (utc(100), None, None)
    assert (found.ended_at, found.outcome) == (utc(130), outcome)


def test_the_operator_hanging_up_is_answered_too() -> None:
    found = record("""
100|1.0|operators|NONE|ENTERQUEUE||0671234567|1
103|1.0|operators|Operator 1001|CONNECT|3|2.0|3
109|1.0|operators|Operator 1001|COMPLETEAGENT|3|6|1
""")
    assert found is not None
    assert (found.answered_at, found.agent, found.ended_at, found.outcome) == (
        utc(103), "Operator 1001", utc(109), "answered")


def test_a_transfer_ends_the_queue_part_only_the_call_is_answered_its_end_unknown() -> None:
    found = record("""
100|1.0|operators|NONE|ENTERQUEUE||0671234567|1
103|1.0|operators|PJSIP/op1001|CONNECT|3|2.0|3
120|1.0|operators|PJSIP/op1001|BLINDTRANSFER|1105|from-operator|3|17|1
""")
    assert found is not None
    assert (found.agent, found.ended_at, found.outcome) == ("PJSIP/op1001", None, "answered")


def test_the_first_answer_wins_and_the_last_end_counts() -> None:
    found = record("""
100|1.0|operators|NONE|ENTERQUEUE||0671234567|1
130|1.0|operators|NONE|EXITEMPTY|1|1|30
131|1.0|overflow|NONE|ENTERQUEUE||0671234567|1
134|1.0|overflow|Operator 1002|CONNECT|3|2.0|3
135|1.0|overflow|Operator 1001|CONNECT|4|3.0|3
140|1.0|overflow|Operator 1002|COMPLETECALLER|3|6|1
""")
    assert found is not None
    assert (found.queued_at, found.answered_at, found.agent) == (utc(100), utc(134),
                                                                  "Operator 1002")
    assert (found.ended_at, found.outcome) == (utc(140), "answered")


def test_a_call_still_in_the_queue_or_cut_by_a_crash_has_no_end() -> None:
    waiting = record("100|1.0|operators|NONE|ENTERQUEUE||0671234567|1")
    assert waiting is not None and (waiting.ended_at, waiting.outcome) == (None, None)
    talking = record("""
100|1.0|operators|NONE|ENTERQUEUE||0671234567|1
103|1.0|operators|Operator 1001|CONNECT|3|2.0|3
""")
    assert talking is not None and (talking.ended_at, talking.outcome) == (None, "answered")


def test_unknown_events_and_other_calls_say_nothing() -> None:
    assert record("""
100|1.0|operators|Operator 1001|RINGCANCELED|400
101|1.0|operators|Operator 1001|AGENTDUMP|
102|1.0|operators|NONE|SOMETHINGNEW|a|b|c
103|2.0|operators|NONE|ABANDON|1|1|3
104|NONE|NONE|NONE|CONFIGRELOAD|
""") is None


def test_events_are_read_case_insensitively() -> None:
    found = record("100|1.0|operators|NONE|abandon|1|1|6")
    assert found is not None and found.outcome == "abandoned"


# -- the seat of a member --------------------------------------------------------------------


def test_a_member_name_is_resolved_an_interface_kept_a_stranger_dropped() -> None:
    assert seat_of("Operator 1001", MEMBERS) == "PJSIP/op1001"
    assert seat_of("PJSIP/op1003", MEMBERS) == "PJSIP/op1003"  # a member without a name
    assert seat_of("Operator 1009", MEMBERS) is None  # a display name is not a seat
    assert seat_of(None, MEMBERS) is None


def test_the_fact_a_record_gives() -> None:
    found = record_of("1796583005.0",
                      parse_lines(real("pjsip-landline-answered-queue_log")).entries)
    assert found is not None
    fact = reconciled(found, MEMBERS, utc(1796583100))
    assert (fact.call_id, fact.at, fact.seat, fact.outcome) == (
        "1796583005.0", utc(1796583100), "PJSIP/op1001", "answered")
    assert (fact.queued_at, fact.answered_at, fact.ended_at) == (
        utc(1796583007), utc(1796583010), utc(1796583015))
