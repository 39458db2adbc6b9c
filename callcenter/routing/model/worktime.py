"""Time for routing: terms (`4h`, `15d`, `1mo`, `1wd`) and the working calendar.

Working time is the configured weekdays between `start` and `end` in the city's zone, except
holidays; everything else is duty time (nights, weekends, holidays). Terms in hours and calendar
days count wall-clock time; `mo` is a calendar month (31 January + 1mo = 28/29 February);
`wd` counts working days: the window starts at the next working moment and ends at the same
clock time that many working days later.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UNITS = {"h": "год", "d": "дн", "mo": "міс", "wd": "роб. дн"}
_TERM = re.compile(r"^(\d{1,4})(h|d|mo|wd)$")
# For comparing terms with a maximum only: a month may have 31 days, 5 working days take 7.
_APPROX_DAYS = {"h": 1 / 24, "d": 1.0, "mo": 31.0, "wd": 7 / 5}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class TermError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Term:
    amount: int
    unit: str

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def approx_days(self) -> float:
        return self.amount * _APPROX_DAYS[self.unit]

    def times(self, factor: int) -> Term:
        return Term(self.amount * factor, self.unit)

    def label(self) -> str:
        """Ukrainian, for texts: `4 год`, `15 дн`, `1 міс`."""
        return f"{self.amount} {UNITS[self.unit]}"


def parse_term(text: object) -> Term:
    if not isinstance(text, str):
        raise TermError(f"a term must be a string like '4h', '15d', '1mo' or '1wd', got {text!r}")
    found = _TERM.match(text.strip())
    if found is None or int(found[1]) == 0:
        raise TermError(f"not a term: {text!r} (expected e.g. '4h', '15d', '1mo', '1wd')")
    return Term(int(found[1]), found[2])


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    zone: ZoneInfo
    days: frozenset[int] = frozenset(range(5))  # Monday = 0
    start: time = time(8, 0)
    end: time = time(17, 0)
    holidays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def is_working_time(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end

    def add(self, moment: datetime, term: Term) -> datetime:
        """`moment` plus `term`, as an aware datetime in the calendar's zone."""
        local = moment.astimezone(self.zone)
        if term.unit == "h":
            return (moment + timedelta(hours=term.amount)).astimezone(self.zone)
        if term.unit == "d":
            return _wall(local + timedelta(days=term.amount), self.zone)
        if term.unit == "mo":
            return _wall(_add_months(local, term.amount), self.zone)
        return self._add_working_days(local, term.amount)

    def _add_working_days(self, local: datetime, count: int) -> datetime:
        if not self.is_working_time(local):
            local = self._next_opening(local)
        day = local.date()
        for _ in range(count):
            day = self._next_working_day(day)
        return _wall(datetime.combine(day, local.time(), self.zone), self.zone)

    def _next_opening(self, local: datetime) -> datetime:
        day = local.date()
        if not (self.is_working_day(day) and local.time() < self.start):
            day = self._next_working_day(day)
        return datetime.combine(day, self.start, self.zone)

    def _next_working_day(self, day: date) -> date:
        if not self.days:
            raise TermError("the working calendar has no working days")
        day += timedelta(days=1)
        for _ in range(3660):  # ten years of holidays at most
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise TermError("no working day within ten years: check the holidays list")


def _wall(local: datetime, zone: ZoneInfo) -> datetime:
    """Re-attach the zone so the offset fits the new wall time (DST changes)."""
    return local.replace(tzinfo=None).replace(tzinfo=zone)


def _add_months(local: datetime, months: int) -> datetime:
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)
