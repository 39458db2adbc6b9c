"""The duty desk's pure rules: check windows in Kyiv time across DST, the closing time the
scheduler runs each check's job at, the e-mails' stable keys, validation, the weekly note."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from callcenter.duty.model import (
    Assignment,
    AssignmentStatus,
    DutyError,
    check_slot,
    closing_time,
    kind_of,
    missed_check_mail,
    signal_mail,
    slot_at,
    text_of,
    weekly_note,
)

KYIV = ZoneInfo("Europe/Kyiv")
TIMES = ("08:00", "14:00", "20:00")


def test_a_window_is_the_same_wall_clock_span_on_the_change_days() -> None:
    spring = check_slot(date(2026, 3, 29), "08:00", 30, KYIV)
    autumn = check_slot(date(2026, 10, 25), "08:00", 30, KYIV)
    assert (spring.opens, spring.closes) == (datetime(2026, 3, 29, 4, 30, tzinfo=UTC),
                                             datetime(2026, 3, 29, 5, 30, tzinfo=UTC))
    assert (autumn.opens, autumn.closes) == (datetime(2026, 10, 25, 5, 30, tzinfo=UTC),
                                             datetime(2026, 10, 25, 6, 30, tzinfo=UTC))


def test_a_moment_finds_its_check() -> None:
    found = slot_at(datetime(2026, 3, 29, 5, 20, tzinfo=UTC), TIMES, 30, KYIV)  # 08:20 EEST
    assert found is not None and (found.day, found.at) == (date(2026, 3, 29), "08:00")
    assert slot_at(datetime(2026, 3, 29, 6, 0, tzinfo=UTC), TIMES, 30, KYIV) is None
    late = slot_at(datetime(2026, 6, 1, 21, 10, tzinfo=UTC), ("23:50",), 30, KYIV)  # 00:10
    assert late is not None and late.day == date(2026, 6, 1)


@pytest.mark.parametrize(("at", "window", "closes"), [("08:00", 30, "08:30"),
                                                      ("23:50", 30, "00:20")])
def test_the_job_runs_when_the_window_closes(at: str, window: int, closes: str) -> None:
    assert closing_time(at, window) == closes


def test_mails_have_one_stable_key_per_recipient() -> None:
    slot = check_slot(date(2026, 6, 1), "14:00", 30, KYIV)
    mails = missed_check_mail(slot, ("a@x.ua", "b@x.ua", "a@x.ua"), page_url="http://h/duty")
    assert [m.recipient for m in mails] == ["a@x.ua", "b@x.ua"]
    assert mails == missed_check_mail(slot, ("a@x.ua", "b@x.ua"), page_url="http://h/duty")
    assert len({m.key for m in mails}) == 2
    assert "14:00" in mails[0].payload["subject"] and "/duty" in mails[0].payload["text"]
    signals = signal_mail(7, "Сирена", "Олена", "01.06.2026 10:15", ("mayor@x.ua",))
    assert signals[0].key.startswith("duty:signal:7:") and "Сирена" in signals[0].payload["text"]


def test_bad_input_is_refused() -> None:
    with pytest.raises(DutyError):
        kind_of("gossip")
    with pytest.raises(DutyError):
        text_of("   ", "text")
    with pytest.raises(DutyError):
        text_of("x" * 4001, "text")


def test_the_weekly_note_lists_the_overdue_first() -> None:
    def made(i: int, deadline: date, status: AssignmentStatus) -> Assignment:
        return Assignment(i, f"Доручення {i}", date(2026, 5, 25), "Петро", "", deadline,
                          status, ())
    items = [made(1, date(2026, 5, 29), AssignmentStatus.OPEN),
             made(2, date(2026, 6, 10), AssignmentStatus.IN_WORK),
             made(3, date(2026, 5, 20), AssignmentStatus.DONE)]
    note = weekly_note(items, date(2026, 6, 1))
    assert note.index("Прострочені: 1") < note.index("Доручення 1") < note.index("У роботі: 1")
    assert "Доручення 3" not in note


def test_a_written_notice_is_mailed_as_written() -> None:
    from callcenter.delivery.senders import email_text

    [mail] = missed_check_mail(check_slot(date(2026, 6, 1), "20:00", 30, KYIV),
                               ("a@x.ua",), page_url="http://h/duty")
    assert email_text.subject(mail.payload) == mail.payload["subject"]
    assert email_text.body(mail.payload).startswith("Перевірку системи оповіщення")
