"""Terms and the working calendar (domain.routing_time)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from callcenter.routing.model.worktime import Term, TermError, WorkingCalendar, parse_term

KYIV = ZoneInfo("Europe/Kyiv")
CAL = WorkingCalendar(KYIV, holidays=frozenset({date(2026, 8, 24)}))


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=KYIV)  # type: ignore[misc]


@pytest.mark.parametrize(("text", "term"), [("4h", Term(4, "h")), ("15d", Term(15, "d")),
                                            ("1mo", Term(1, "mo")), ("1wd", Term(1, "wd"))])
def test_terms_parse(text: str, term: Term) -> None:
    assert parse_term(text) == term
    assert str(term) == text


@pytest.mark.parametrize("text", ["", "4", "h", "0h", "4 hours", "-1d", "1y", 4, None])
def test_bad_terms_are_rejected(text: object) -> None:
    with pytest.raises(TermError):
        parse_term(text)


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (at(2026, 12, 2, 8, 0), True),  # Wednesday, opening time
        (at(2026, 12, 2, 16, 59), True),
        (at(2026, 12, 2, 17, 0), False),  # closing time is duty already
        (at(2026, 12, 2, 7, 59), False),
        (at(2026, 12, 2, 23, 0), False),
        (at(2026, 12, 5, 10, 0), False),  # Saturday
        (at(2026, 8, 24, 10, 0), False),  # a holiday (Monday)
    ],
)
def test_working_time(moment: datetime, working: bool) -> None:
    assert CAL.is_working_time(moment) is working


def test_hours_and_days_count_wall_clock_time() -> None:
    assert CAL.add(at(2026, 12, 2, 23, 0), Term(4, "h")) == at(2026, 12, 3, 3, 0)
    assert CAL.add(at(2026, 12, 2, 10, 0), Term(15, "d")) == at(2026, 12, 17, 10, 0)


def test_days_keep_the_clock_across_daylight_saving() -> None:
    before = at(2026, 3, 20, 10, 0)  # EET (+02:00); summer time starts on 29 March
    after = CAL.add(before, Term(15, "d"))
    assert (after.hour, after.utcoffset()) == (10, at(2026, 4, 4, 10, 0).utcoffset())


def test_months_clamp_to_the_end_of_the_month() -> None:
    assert CAL.add(at(2026, 1, 31, 12, 0), Term(1, "mo")) == at(2026, 2, 28, 12, 0)
    assert CAL.add(at(2026, 11, 15, 12, 0), Term(2, "mo")) == at(2027, 1, 15, 12, 0)


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        (at(2026, 12, 2, 10, 0), 1, at(2026, 12, 3, 10, 0)),  # Wed -> Thu
        (at(2026, 12, 4, 16, 0), 1, at(2026, 12, 7, 16, 0)),  # Fri -> Mon
        (at(2026, 12, 5, 11, 0), 1, at(2026, 12, 8, 8, 0)),  # Sat: clock starts Mon 08:00
        (at(2026, 12, 2, 20, 0), 1, at(2026, 12, 4, 8, 0)),  # Wed night: Thu 08:00 + 1
        (at(2026, 12, 2, 6, 0), 1, at(2026, 12, 3, 8, 0)),  # Wed before opening: Wed 08:00 + 1
        (at(2026, 8, 21, 12, 0), 1, at(2026, 8, 25, 12, 0)),  # Fri -> (Mon holiday) -> Tue
        (at(2026, 12, 2, 10, 0), 2, at(2026, 12, 4, 10, 0)),
    ],
)
def test_working_days(start: datetime, days: int, end: datetime) -> None:
    assert CAL.add(start, Term(days, "wd")) == end


def test_a_calendar_without_working_days_says_so() -> None:
    closed = WorkingCalendar(KYIV, days=frozenset(), start=time(8), end=time(17))
    with pytest.raises(TermError, match="no working days"):
        closed.add(at(2026, 12, 2, 10, 0), Term(1, "wd"))


def test_results_are_in_the_calendar_zone() -> None:
    utc_moment = datetime(2026, 12, 2, 8, 0, tzinfo=ZoneInfo("UTC"))
    assert CAL.add(utc_moment, Term(1, "h")).tzinfo == KYIV
