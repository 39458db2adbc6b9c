"""The sections of a routing rules file around the rules: the working calendar, terms,
emergency services, category groups and districts (see domain/routing_rules.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callcenter.core.parsed_toml import strings, table
from callcenter.routing.model.worktime import (
    WEEKDAYS,
    Term,
    TermError,
    WorkingCalendar,
    parse_term,
)

DISPATCHER = "dispatcher"  # in call_now: the routed contractor's night dispatcher


@dataclass(frozen=True, slots=True)
class EmergencyService:
    code: str
    label: str
    phone: str


def calendar_of(section: Mapping[str, Any], timezone: str) -> WorkingCalendar:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"timezone: unknown time zone {timezone!r}") from exc
    days = strings(section.get("working_days", list(WEEKDAYS[:5])), "calendar.working_days")
    bad = [d for d in days if d not in WEEKDAYS]
    if bad:
        raise ValueError(f"calendar.working_days: unknown day {bad[0]!r} (use mon..sun)")
    start = _clock(section.get("start", "08:00"), "calendar.start")
    end = _clock(section.get("end", "17:00"), "calendar.end")
    if start >= end:
        raise ValueError("calendar: start must be before end")
    holidays = frozenset(_day(v, "calendar.holidays") for v in section.get("holidays", []))
    return WorkingCalendar(zone, frozenset(WEEKDAYS.index(d) for d in days), start, end,
                           holidays)


def _clock(value: Any, key: str) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{key}: expected HH:MM, got {value!r}") from exc


def _day(value: Any, key: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{key}: expected YYYY-MM-DD, got {value!r}") from exc


def terms_of(section: Mapping[str, Any], name: str, required: tuple[str, ...]) -> dict[str, Term]:
    unknown = sorted(set(section) - set(required))
    if unknown:
        raise ValueError(f"{name}.{unknown[0]}: unknown key (expected {', '.join(required)})")
    missing = [k for k in required if k not in section]
    if missing:
        raise ValueError(f"{name}.{missing[0]}: missing")
    try:
        return {key: parse_term(section[key]) for key in required}
    except TermError as exc:
        raise ValueError(f"{name}: {exc}") from exc


def services_of(section: Mapping[str, Any]) -> dict[str, EmergencyService]:
    found = {}
    for code, item in section.items():
        entry = table({"x": item}, "x", f"emergency_services.{code}")
        if set(entry) - {"phone", "label"}:
            raise ValueError(f"emergency_services.{code}: unknown key (phone and label only)")
        phone, label = entry.get("phone"), entry.get("label")
        if not (isinstance(phone, str) and phone.strip() and isinstance(label, str)):
            raise ValueError(f"emergency_services.{code}: expected phone and label strings")
        found[code] = EmergencyService(code, label, phone.strip())
    if DISPATCHER in found:
        raise ValueError(f"emergency_services.{DISPATCHER}: reserved for the contractor's "
                         "night dispatcher")
    return found


def named_lists(section: Mapping[str, Any], name: str, convert: Any) -> dict[str, frozenset[str]]:
    return {key: frozenset(convert(v) for v in strings(value, f"{name}.{key}"))
            for key, value in section.items()}
