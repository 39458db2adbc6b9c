"""Reading Asterisk's queue_log file (calls.service.queue_log_file) and the reconciler on top
of it (calls.service.reconciler), on real files in a temporary directory; the store and the
AMI are hand-written fakes here (the listener test drives the real ones)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from structlog.testing import capture_logs

from callcenter.calls.model.facts import CallFact, CallReconciled, LinkResynced
from callcenter.calls.service.queue_log_file import BLOCK, read_since
from callcenter.calls.service.reconciler import AwayCall, QueueLogReconciler

TRACES = Path(__file__).resolve().parents[3] / "callcenter" / "simulator" / "traces"
CALL = "1796583005.0"
START = 1_796_000_000


def utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def big_file(path: Path, *, lines: int = 40_000) -> int:
    """Other calls' lines, one a second, with a stale line of CALL at the very start; returns
    the time of the last line."""
    rows = [f"{START}|{CALL}|operators|NONE|ABANDON|1|1|1"]
    rows += [f"{START + n}|{START + n}.7|operators|NONE|ENTERQUEUE||0342{n:06d}|1"
             for n in range(1, lines)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return START + lines - 1


def test_only_the_tail_since_the_time_is_read(tmp_path: Path) -> None:
    path = tmp_path / "queue_log"
    last = big_file(path)
    assert path.stat().st_size > 20 * BLOCK
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"{last + 1}|{CALL}|operators|NONE|ENTERQUEUE||0342501234|1\n")
    parsed = read_since(path, utc(last - 60), frozenset({CALL}))
    assert [(e.at, e.event) for e in parsed.entries] == [(utc(last + 1), "ENTERQUEUE")]
    everything = read_since(path, utc(START - 60), frozenset({CALL}))
    assert [e.event for e in everything.entries] == ["ABANDON", "ENTERQUEUE"]


def test_a_torn_last_line_is_left_for_later_garbage_counted_bad_bytes_replaced(
        tmp_path: Path) -> None:
    path = tmp_path / "queue_log"
    path.write_bytes(b"1796583007|1796583005.0|operators|NONE|ENTERQUEUE||0342501234|1\n"
                     b"\xff\xfe not a line\n\n"
                     b"1796583010|1796583005.0|operators|Op\xe9rator|CONNECT|3|1796583007.2|3\n"
                     b"1796583015|1796583005.0|operators|Operator 1001|COMPLETECAL")
    parsed = read_since(path, utc(0), frozenset({CALL}))
    assert [e.event for e in parsed.entries] == ["ENTERQUEUE", "CONNECT"]
    assert parsed.entries[1].agent == "Op\ufffdrator"
    assert len(parsed.garbage) == 1


def test_the_real_files_read_whole(tmp_path: Path) -> None:
    parsed = read_since(TRACES / "pjsip-queue-timeout.queue_log", utc(0),
                        frozenset({"1796583062.0"}))
    assert parsed.garbage == [] and len(parsed.entries) == 18


# -- the reconciler ---------------------------------------------------------------------------


class Away:
    def __init__(self, calls: list[AwayCall]) -> None:
        self.calls = calls
        self.asked: list[LinkResynced] = []

    async def away_calls(self, resync: LinkResynced) -> list[AwayCall]:
        self.asked.append(resync)
        return self.calls


class Members:
    def __init__(self) -> None:
        self.asked = 0

    async def interfaces(self) -> Mapping[str, str]:
        self.asked += 1
        return {"Operator 1001": "PJSIP/op1001"}


def reconciler(path: Path, away: Away, members: Members,
               sink: list[CallFact]) -> QueueLogReconciler:
    return QueueLogReconciler(path=path, calls=away, members=members, record=sink.extend,
                              clock=lambda: utc(1796583100))


RESYNC = LinkResynced(utc(1796583090), frozenset())


async def test_a_stored_resync_is_reconciled_from_the_file(tmp_path: Path) -> None:
    away = Away([AwayCall(CALL, utc(1796583005)), AwayCall("1796583062.0", utc(1796583062))])
    members, sink = Members(), []
    rec = reconciler(TRACES / "pjsip-landline-answered-queue_log.queue_log", away, members, sink)
    await rec.facts_stored([RESYNC])
    await rec.reconcile(await rec._resyncs.get())
    assert away.asked == [RESYNC]
    assert sink == [CallReconciled(CALL, utc(1796583100), utc(1796583007), utc(1796583010),
                                   "PJSIP/op1001", utc(1796583015), "answered")]
    assert members.asked == 1  # the file names the member `Operator 1001`


async def test_members_are_not_asked_when_no_record_needs_them(tmp_path: Path) -> None:
    away = Away([AwayCall("1796583062.0", utc(1796583062))])
    members, sink = Members(), []
    rec = reconciler(TRACES / "pjsip-queue-timeout.queue_log", away, members, sink)
    await rec.reconcile(RESYNC)
    assert [(f.outcome, f.seat) for f in sink if isinstance(f, CallReconciled)] == [
        ("failed", None)]
    assert members.asked == 0


async def test_no_away_call_reads_nothing_and_no_record_records_nothing(
        tmp_path: Path) -> None:
    sink: list[CallFact] = []
    await reconciler(tmp_path / "absent", Away([]), Members(), sink).reconcile(RESYNC)
    await reconciler(TRACES / "pjsip-queue-timeout.queue_log",
                     Away([AwayCall("9.9", utc(1796583062) - timedelta(hours=1))]),
                     Members(), sink).reconcile(RESYNC)
    assert sink == []


async def test_an_unreadable_file_is_a_warning_once_until_it_is_readable(
        tmp_path: Path) -> None:
    path = tmp_path / "queue_log"
    sink: list[CallFact] = []
    rec = reconciler(path, Away([AwayCall(CALL, utc(1796583005))]), Members(), sink)
    with capture_logs() as logs:
        await rec.reconcile(RESYNC)
        await rec.reconcile(RESYNC)
        path.write_bytes((TRACES / "pjsip-landline-answered-queue_log.queue_log").read_bytes())
        await rec.reconcile(RESYNC)
    events = [entry["event"] for entry in logs]
    assert events.count("queue_log_unreadable") == 1
    assert "queue_log_readable" in events
    assert len(sink) == 1


async def test_a_member_asterisk_no_longer_has_leaves_the_seat_empty(tmp_path: Path) -> None:
    class Gone(Members):
        async def interfaces(self) -> Mapping[str, str]:
            return {}

    sink: list[CallFact] = []
    rec = reconciler(TRACES / "pjsip-landline-answered-queue_log.queue_log",
                     Away([AwayCall(CALL, utc(1796583005))]), Gone(), sink)
    with capture_logs() as logs:
        await rec.reconcile(RESYNC)
    assert [(f.seat, f.outcome) for f in sink if isinstance(f, CallReconciled)] == [
        (None, "answered")]
    assert any(e["event"] == "queue_log_member_unknown" and e["member"] == "Operator 1001"
               for e in logs)
