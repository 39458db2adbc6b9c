"""Facts waiting for the database: memory, then the journal (callcenter.calls.service.backlog)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallFact,
    CallQueued,
    CallRang,
    LinkResynced,
)
from callcenter.calls.service import fact_codec
from callcenter.calls.service.backlog import Backlog

T0 = datetime(2026, 11, 28, 23, 19, 34, tzinfo=UTC)


def fact(i: int) -> CallFact:
    """The i-th of a stream of distinct, realistic facts."""
    call_id = f"17959080{i:02d}.0"
    at = T0 + timedelta(seconds=i)
    kinds: list[CallFact] = [
        CallEntered(call_id=call_id, at=at, trunk="kyivstar", line="mobile",
                    channel=f"PJSIP/kyivstar-{i:08x}", caller="+380671234567",
                    caller_raw="+380671234567", caller_name="Іван Петренко",
                    carrier="Київстар"),
        CallQueued(call_id, at, "operators", i),
        CallRang(call_id, at, "PJSIP/op1001"),
        CallAnswered(call_id, at, "PJSIP/op1001"),
        CallEnded(call_id, at, "answered", 16, "Normal Clearing"),
        LinkResynced(at, frozenset({call_id})),
    ]
    return kinds[i % len(kinds)]


def facts(start: int, stop: int) -> list[CallFact]:
    return [fact(i) for i in range(start, stop)]


def drain(backlog: Backlog, batch: int = 3) -> list[CallFact]:
    """Everything the backlog holds, taken the way the writer takes it."""
    taken: list[CallFact] = []
    for _ in range(1000):
        if not len(backlog):
            return taken
        got = backlog.peek(batch)
        backlog.commit(len(got))
        taken.extend(got)
    raise AssertionError("the backlog never emptied")


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return tmp_path / "var" / "intake-journal.jsonl"


def journal_lines(journal: Path) -> list[str]:
    return journal.read_text(encoding="utf-8").splitlines() if journal.exists() else []


def test_under_the_limit_facts_stay_in_memory(journal: Path) -> None:
    backlog = Backlog(journal, memory_limit=5)
    for f in facts(0, 5):
        backlog.put(f)

    assert (len(backlog), backlog.in_journal, backlog.spilling) == (5, 0, False)
    assert not journal.exists()


def test_beyond_the_limit_facts_spill_to_the_journal(journal: Path) -> None:
    backlog = Backlog(journal, memory_limit=2)
    for f in facts(0, 5):
        backlog.put(f)

    assert (len(backlog), backlog.in_journal, backlog.spilling) == (5, 3, True)
    assert [fact_codec.decode(line) for line in journal_lines(journal)] == facts(2, 5)


@pytest.mark.parametrize("batch", [1, 2, 3, 10])
@pytest.mark.parametrize("limit", [0, 1, 4, 20])
def test_facts_come_out_in_the_order_put(journal: Path, limit: int, batch: int) -> None:
    backlog = Backlog(journal, memory_limit=limit)
    for f in facts(0, 12):
        backlog.put(f)

    assert drain(backlog, batch) == facts(0, 12)
    assert (len(backlog), backlog.in_journal) == (0, 0)


def test_peek_does_not_remove(journal: Path) -> None:
    backlog = Backlog(journal, memory_limit=1)
    for f in facts(0, 3):
        backlog.put(f)

    assert backlog.peek(2) == backlog.peek(2) == facts(0, 1)  # memory first, alone
    backlog.commit(1)
    assert backlog.peek(5) == backlog.peek(5) == facts(1, 3)
    assert len(backlog) == 2


def test_new_puts_while_draining_keep_their_place(journal: Path) -> None:
    backlog = Backlog(journal, memory_limit=2)
    for f in facts(0, 4):  # 0, 1 in memory; 2, 3 in the journal
        backlog.put(f)
    taken: list[CallFact] = []

    batch = backlog.peek(10)
    backlog.put(fact(4))  # arrives while batch 1 is being written
    backlog.commit(len(batch))
    taken += batch
    batch = backlog.peek(10)
    backlog.put(fact(5))  # arrives while batch 2 (from the journal) is being written
    backlog.commit(len(batch))
    taken += batch
    assert backlog.in_journal == 1
    taken += drain(backlog)

    assert taken == facts(0, 6)
    assert not journal.exists()  # a drained journal is removed
    backlog.put(fact(6))  # and memory is used again
    assert (backlog.in_journal, backlog.peek(10)) == (0, [fact(6)])


def test_memory_puts_while_draining_memory(journal: Path) -> None:
    backlog = Backlog(journal, memory_limit=5)
    backlog.put(fact(0))
    backlog.put(fact(1))

    batch = backlog.peek(10)
    backlog.put(fact(2))
    backlog.commit(len(batch))

    assert batch == facts(0, 2)
    assert backlog.peek(10) == [fact(2)]


def test_a_restart_replays_the_journal(journal: Path) -> None:
    before = Backlog(journal, memory_limit=1)
    for f in facts(0, 5):  # 0 in memory (lost without save()), 1..4 in the journal
        before.put(f)

    after = Backlog(journal, memory_limit=1)

    assert (len(after), after.in_journal) == (4, 4)
    assert drain(after) == facts(1, 5)


def test_a_restart_respects_the_committed_offset(journal: Path) -> None:
    before = Backlog(journal, memory_limit=0)
    for f in facts(0, 6):
        before.put(f)
    assert before.peek(2) == facts(0, 2)
    before.commit(2)
    before.peek(1)  # peeked, never committed: must come again
    after = Backlog(journal, memory_limit=0)

    assert len(after) == 4
    assert drain(after, batch=2) == facts(2, 6)


def test_a_torn_last_line_is_skipped_and_later_facts_are_kept(journal: Path) -> None:
    before = Backlog(journal, memory_limit=0)
    for f in facts(0, 3):
        before.put(f)
    with journal.open("a", encoding="utf-8") as handle:  # a crash mid-write
        handle.write(fact_codec.encode(fact(3))[:30])

    after = Backlog(journal, memory_limit=0)
    after.put(fact(4))
    after.put(fact(5))

    assert drain(after, batch=10) == [*facts(0, 3), *facts(4, 6)]
    assert len(after) == 0


def test_a_torn_line_after_a_committed_offset(journal: Path) -> None:
    before = Backlog(journal, memory_limit=0)
    for f in facts(0, 3):
        before.put(f)
    before.peek(1)
    before.commit(1)
    line = fact_codec.encode(fact(6)).encode("utf-8")  # a CallEntered with a Cyrillic name
    with journal.open("ab") as handle:  # torn in the middle of the letter "І"
        handle.write(line[:line.index("Іван".encode()) + 1])

    after = Backlog(journal, memory_limit=5)
    after.put(fact(4))

    assert drain(after, batch=10) == [*facts(1, 3), fact(4)]


def test_save_puts_memory_ahead_of_the_journal(journal: Path) -> None:
    backlog = Backlog(journal, memory_limit=3)
    for f in facts(0, 7):  # 0..2 in memory, 3..6 in the journal
        backlog.put(f)

    backlog.save()

    assert (len(backlog), backlog.in_journal) == (7, 7)
    assert [fact_codec.decode(line) for line in journal_lines(journal)] == facts(0, 7)
    assert drain(Backlog(journal, memory_limit=3)) == facts(0, 7)


def test_save_after_partly_draining(journal: Path) -> None:
    backlog = Backlog(journal, memory_limit=3)
    for f in facts(0, 6):  # 0..2 in memory, 3..5 in the journal
        backlog.put(f)
    backlog.peek(2)
    backlog.commit(2)

    backlog.save()
    backlog.put(fact(6))

    assert drain(Backlog(journal, memory_limit=3)) == facts(2, 7)


def test_save_keeps_the_backlog_usable(journal: Path) -> None:
    backlog = Backlog(journal, memory_limit=2)
    for f in facts(0, 2):
        backlog.put(f)

    backlog.save()
    backlog.put(fact(2))

    assert drain(backlog) == facts(0, 3)


def test_save_with_nothing_in_memory_changes_nothing(journal: Path) -> None:
    backlog = Backlog(journal, memory_limit=0)
    for f in facts(0, 2):
        backlog.put(f)
    lines = journal_lines(journal)

    backlog.save()

    assert journal_lines(journal) == lines
    assert len(backlog) == 2
