"""Routing rules: their types and their validation from parsed TOML (see config/routing.toml).

`parse_rules(data, timezone=...)` turns the mapping `tomllib` gives into `Rules` or raises
`RulesError` listing every problem with its place (`rules[3] 'water-night'.houses[0]: ...`), so
`callcenter routing check` shows them all at once and a bad file never replaces good rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from callcenter.core.parsed_toml import Problems, strings, table
from callcenter.routing.model.houses import HouseSpec, HouseSpecError, parse_house_spec, street_key
from callcenter.routing.model.sections import (
    DISPATCHER,
    EmergencyService,
    calendar_of,
    named_lists,
    services_of,
    terms_of,
)
from callcenter.routing.model.worktime import Term, WorkingCalendar, parse_term

PRIORITIES = ("emergency", "urgent", "normal")  # most urgent first
ANY, WORKING_HOURS, DUTY = "any", "working_hours", "duty"  # duty: nights, weekends, holidays
WHEN = (ANY, WORKING_HOURS, DUTY)
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
TOP_KEYS = frozenset({"version", "coordinator", "calendar", "deadlines", "acknowledge",
                      "emergency_services", "groups", "districts", "rules"})
RULE_KEYS = frozenset({"id", "contractor", "categories", "groups", "street", "houses", "areas",
                       "districts", "when", "months", "priority", "deadline", "call_now",
                       "callback", "note"})


class RulesError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Area:
    street: str  # street_key of the name
    name: str  # as written
    houses: tuple[HouseSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    contractor: str
    priority: str
    categories: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    areas: tuple[Area, ...] = ()
    districts: frozenset[str] = frozenset()
    when: str = ANY
    months: frozenset[int] = frozenset()
    deadline: Term | None = None
    call_now: tuple[str, ...] = ()
    callback: bool = False


@dataclass(frozen=True)
class Rules:
    coordinator: str
    calendar: WorkingCalendar
    deadlines: Mapping[str, Term]
    max_deadline: Term
    acknowledge: Mapping[str, Term]
    services: Mapping[str, EmergencyService]
    groups: Mapping[str, frozenset[str]]
    districts: Mapping[str, frozenset[str]]  # district -> street keys
    rules: tuple[Rule, ...]
    _category_groups: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _street_districts: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _by_category: dict[str, tuple[Rule, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for group, members in self.groups.items():
            for category in members:
                self._category_groups[category] = (
                    self._category_groups.get(category, frozenset()) | {group})
        for district, streets in self.districts.items():
            for street in streets:
                self._street_districts[street] = (
                    self._street_districts.get(street, frozenset()) | {district})
        known = {c for r in self.rules for c in r.categories} | set(self._category_groups)
        for category in known | {""}:
            groups = self.groups_of(category)
            self._by_category[category] = tuple(
                r for r in self.rules if category in r.categories or r.groups & groups
                or not (r.categories or r.groups))

    def candidates(self, category: str | None) -> tuple[Rule, ...]:
        """The rules whose category condition can hold for `category`, in file order."""
        return self._by_category.get(category or "", self._by_category[""])

    def groups_of(self, category: str) -> frozenset[str]:
        return self._category_groups.get(category, frozenset())

    def districts_of(self, street: str) -> frozenset[str]:
        return self._street_districts.get(street, frozenset())

    def contractors(self) -> frozenset[str]:
        return frozenset({r.contractor for r in self.rules} | {self.coordinator})


def parse_rules(data: Mapping[str, Any], *, timezone: str) -> Rules:
    problems = Problems()
    unknown = sorted(set(data) - TOP_KEYS)
    problems.check(not unknown, f"{', '.join(unknown)}: unknown top-level key")
    coordinator = data.get("coordinator")
    problems.check(isinstance(coordinator, str) and bool(CODE.match(coordinator)),
                   f"coordinator: expected a contractor code, got {coordinator!r}")
    calendar = problems.attempt(lambda: calendar_of(table(data, "calendar"), timezone))
    deadlines = problems.attempt(lambda: terms_of(table(data, "deadlines"), "deadlines",
                                                (*PRIORITIES, "max")))
    acknowledge = problems.attempt(lambda: terms_of(table(data, "acknowledge"), "acknowledge",
                                                  PRIORITIES))
    services = problems.attempt(lambda: services_of(table(data, "emergency_services")))
    groups = problems.attempt(lambda: named_lists(table(data, "groups"), "groups", str))
    districts = problems.attempt(lambda: named_lists(table(data, "districts"), "districts",
                                                      street_key))
    problems.raise_if_any(RulesError)
    assert calendar and deadlines and acknowledge and services is not None
    assert groups is not None and districts is not None
    too_long = [p for p in PRIORITIES if deadlines[p].approx_days > deadlines["max"].approx_days]
    problems.check(not too_long, f"deadlines.{too_long[0] if too_long else ''}: longer than "
                   "deadlines.max (the law's limit)")
    context = _Context(deadlines, services, groups, districts)
    rules = _rules(data.get("rules"), context, problems)
    problems.raise_if_any(RulesError)
    max_deadline = deadlines.pop("max")
    return Rules(str(coordinator), calendar, deadlines, max_deadline, acknowledge, services,
                 groups, districts, rules)


@dataclass(frozen=True)
class _Context:
    deadlines: dict[str, Term]
    services: dict[str, EmergencyService]
    groups: dict[str, frozenset[str]]
    districts: dict[str, frozenset[str]]


def _rules(value: Any, context: _Context, problems: Problems) -> tuple[Rule, ...]:
    if not isinstance(value, list):
        problems.add("rules: expected an array of tables ([[rules]])")
        return ()
    parsed: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        place = f"rules[{index}]" + (f" {item.get('id')!r}" if isinstance(item, dict) else "")
        rule = problems.attempt(partial(_rule, item, context), place)
        if rule is None:
            continue
        problems.check(rule.id not in seen, f"{place}: duplicate id")
        seen.add(rule.id)
        parsed.append(rule)
    return tuple(parsed)


def _rule(item: Any, context: _Context) -> Rule:
    if not isinstance(item, dict):
        raise ValueError("expected a table")
    unknown = sorted(set(item) - RULE_KEYS)
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown key")
    rule_id, contractor = item.get("id"), item.get("contractor")
    for key, code in (("id", rule_id), ("contractor", contractor)):
        if not (isinstance(code, str) and CODE.match(code)):
            raise ValueError(f"{key}: expected a code (a-z, 0-9, - and _), got {code!r}")
    priority = item.get("priority", "normal")
    if priority not in PRIORITIES:
        raise ValueError(f"priority: expected one of {', '.join(PRIORITIES)}, got {priority!r}")
    return Rule(
        id=str(rule_id), contractor=str(contractor), priority=str(priority),
        **_what(item, context), **_where(item, context), **_when(item),
        deadline=_deadline(item.get("deadline"), context),
        call_now=_call_now(item.get("call_now", []), context),
        callback=_flag(item.get("callback", False), "callback"),
    )


def _what(item: Mapping[str, Any], context: _Context) -> dict[str, Any]:
    categories = frozenset(strings(item.get("categories", []), "categories"))
    groups = frozenset(strings(item.get("groups", []), "groups"))
    if categories and groups:
        raise ValueError("categories and groups: give one of them (exact categories or groups)")
    unknown = sorted(groups - set(context.groups))
    if unknown:
        raise ValueError(f"groups: unknown group {unknown[0]!r} (see [groups])")
    return {"categories": categories, "groups": groups}


def _where(item: Mapping[str, Any], context: _Context) -> dict[str, Any]:
    areas = _areas(item)
    districts = frozenset(strings(item.get("districts", []), "districts"))
    if areas and districts:
        raise ValueError("streets and districts: give one of them")
    unknown = sorted(districts - set(context.districts))
    if unknown:
        raise ValueError(f"districts: unknown district {unknown[0]!r} (see [districts])")
    return {"areas": areas, "districts": districts}


def _areas(item: Mapping[str, Any]) -> tuple[Area, ...]:
    if "street" in item and "areas" in item:
        raise ValueError("street and areas: give one of them")
    if "street" in item:
        return (_area({"street": item["street"], "houses": item.get("houses", [])}, "street"),)
    if "houses" in item:
        raise ValueError("houses: needs a street")
    raw = item.get("areas", [])
    if not isinstance(raw, list):
        raise ValueError("areas: expected an array of {street = ..., houses = [...]}")
    return tuple(_area(area, f"areas[{i}]") for i, area in enumerate(raw))


def _area(area: Any, place: str) -> Area:
    if not isinstance(area, dict) or set(area) - {"street", "houses"}:
        raise ValueError(f"{place}: expected {{street = ..., houses = [...]}}")
    name = area.get("street")
    if not isinstance(name, str) or not street_key(name):
        raise ValueError(f"{place}.street: expected a street name, got {name!r}")
    try:
        houses = tuple(parse_house_spec(h) for h in strings(area.get("houses", []),
                                                              f"{place}.houses"))
    except HouseSpecError as exc:
        raise ValueError(f"{place}.houses: {exc}") from exc
    return Area(street_key(name), name, houses)


def _when(item: Mapping[str, Any]) -> dict[str, Any]:
    when = item.get("when", ANY)
    if when not in WHEN:
        raise ValueError(f"when: expected one of {', '.join(WHEN)}, got {when!r}")
    months = item.get("months", [])
    if not (isinstance(months, list) and all(type(m) is int and 1 <= m <= 12 for m in months)):
        raise ValueError(f"months: expected a list of month numbers 1..12, got {months!r}")
    return {"when": when, "months": frozenset(months)}


def _deadline(value: Any, context: _Context) -> Term | None:
    if value is None:
        return None
    term = parse_term(value)
    if term.approx_days > context.deadlines["max"].approx_days:
        raise ValueError(f"deadline: {term} is longer than deadlines.max "
                         f"({context.deadlines['max']}, the law's limit)")
    return term


def _call_now(value: Any, context: _Context) -> tuple[str, ...]:
    codes = tuple(strings(value, "call_now"))
    unknown = [c for c in codes if c != DISPATCHER and c not in context.services]
    if unknown:
        raise ValueError(f"call_now: unknown service {unknown[0]!r} (see [emergency_services] "
                         f"or use {DISPATCHER!r})")
    return codes


def _flag(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key}: expected true or false, got {value!r}")
    return value
