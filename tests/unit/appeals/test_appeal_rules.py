"""The appeal state machine and numbers (callcenter.appeals.model.statuses)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callcenter.appeals.model.statuses import (
    FINAL,
    Status,
    check_transition,
    format_number,
    status_after_call,
    year_of,
)
from callcenter.calls.model.facts import CallOutcome
from callcenter.core.errors import InvalidTransition

S = Status


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.NEW, S.REGISTERED),
        (S.NEW, S.MISSED),
        (S.NEW, S.CONSULTATION),
        (S.NEW, S.REJECTED),
        (S.NEW, S.DUPLICATE),
        (S.MISSED, S.NEW),
        (S.MISSED, S.REGISTERED),
        (S.REGISTERED, S.ASSIGNED),
        (S.ASSIGNED, S.IN_WORK),
        (S.ASSIGNED, S.REDIRECTED),
        (S.IN_WORK, S.CLARIFICATION),
        (S.IN_WORK, S.DONE),
        (S.CLARIFICATION, S.ASSIGNED),
        (S.REDIRECTED, S.ASSIGNED),
        (S.DONE, S.ON_CHECK),
        (S.ON_CHECK, S.CLOSED),
        (S.ON_CHECK, S.RETURNED),
        (S.RETURNED, S.IN_WORK),
        (S.IN_WORK, S.ASSIGNED),  # a supervisor reassigns
        (S.RETURNED, S.ASSIGNED),
        (S.ASSIGNED, S.ASSIGNED),
    ],
)
def test_allowed_transitions(current: Status, target: Status) -> None:
    check_transition(current, target)  # does not raise


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.NEW, S.DONE),
        (S.NEW, S.ASSIGNED),
        (S.NEW, S.CLOSED),
        (S.MISSED, S.IN_WORK),
        (S.REGISTERED, S.DONE),
        (S.IN_WORK, S.CLOSED),
        (S.IN_WORK, S.NEW),
        (S.DONE, S.NEW),
        (S.ON_CHECK, S.IN_WORK),
    ],
)
def test_forbidden_transitions(current: Status, target: Status) -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_transition(current, target)
    assert (caught.value.current, caught.value.target) == (current.value, target.value)


def test_final_statuses_are_the_documented_ones() -> None:
    assert {S.CONSULTATION, S.REJECTED, S.CLOSED, S.DUPLICATE} == FINAL


@pytest.mark.parametrize("final", [S.CONSULTATION, S.REJECTED, S.CLOSED, S.DUPLICATE])
@pytest.mark.parametrize("target", list(Status))
def test_final_statuses_have_no_way_out(final: Status, target: Status) -> None:
    with pytest.raises(InvalidTransition):
        check_transition(final, target)


@pytest.mark.parametrize(
    ("year", "sequence", "number"),
    [
        (2026, 1, "2026-000001"),
        (2026, 42, "2026-000042"),
        (2026, 999_999, "2026-999999"),
        (2026, 1_234_567, "2026-1234567"),
    ],
)
def test_format_number(year: int, sequence: int, number: str) -> None:
    assert format_number(year, sequence) == number


@pytest.mark.parametrize(
    ("opened_at", "timezone", "year"),
    [
        (datetime(2026, 12, 31, 22, 30, tzinfo=UTC), "Europe/Kyiv", 2027),
        (datetime(2026, 12, 31, 22, 30, tzinfo=UTC), "UTC", 2026),
        (datetime(2026, 12, 31, 21, 59, tzinfo=UTC), "Europe/Kyiv", 2026),
        (datetime(2027, 1, 1, 3, 0, tzinfo=UTC), "America/New_York", 2026),
    ],
)
def test_year_of_uses_the_timezone(opened_at: datetime, timezone: str, year: int) -> None:
    assert year_of(opened_at, timezone) == year


@pytest.mark.parametrize(
    ("outcome", "answered", "status"),
    [
        ("answered", True, None),
        ("answered", False, None),
        ("abandoned", False, S.MISSED),
        ("failed", False, S.MISSED),
        ("unknown", False, S.MISSED),  # lost while the link was down, nobody answered
        ("unknown", True, None),  # lost while the link was down, after an operator answered
        ("in_progress", False, S.MISSED),
    ],
)
def test_status_after_call(outcome: CallOutcome, answered: bool, status: Status | None) -> None:
    assert status_after_call(outcome, answered=answered) == status
