"""Routing policy: `route(facts, rules, now) -> RoutingDecision`, pure.

Specificity of a matching rule, compared in this order (the first difference decides):

1. category: exact category (2) > a group containing it (1) > any category (0);
2. location: the exact house (4) > a house range on the street (3) > the whole street (2) >
   a district (1) > the whole city (0);
3. time: working hours / duty and months both given (2) > one of them (1) > any time (0).

Category comes first so that "elevators, city-wide -> the elevator company" beats "housing
issues at Незалежності 1-99 -> the housing firm" for a stuck elevator; a firm that does run its
own elevators gets an exact-category rule for its houses, which beats both.

The single most specific rule wins. Two or more rules equally specific (a tie), or no rule at
all, send the appeal to the hotline coordinator with the reason: never a silent drop. A tie
keeps the most urgent priority, the earliest deadline and every emergency contact of the tied
rules, so the coordinator loses no urgency.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from callcenter.routing.model.houses import House, HouseSpec, parse_address
from callcenter.routing.model.rules import (
    ANY,
    DUTY,
    PRIORITIES,
    WORKING_HOURS,
    Rule,
    Rules,
)
from callcenter.routing.model.sections import DISPATCHER
from callcenter.routing.model.worktime import Term

CATEGORY_LABELS = ("будь-яка категорія", "група «{}»", "категорія «{}»")
LOCATION_LABELS = ("усе місто", "район «{}»", "вулиця {}", "будинки {}", "будинок {}")
DISPATCHER_LABEL = "Черговий диспетчер виконавця"


@dataclass(frozen=True, slots=True)
class AppealFacts:
    category: str | None
    street: str | None  # street_key
    house: House | None
    address: str | None = None  # as written, for reasons

    @classmethod
    def of(cls, category: str | None, address: str | None) -> AppealFacts:
        parsed = parse_address(address)
        return cls(category or None, parsed.street, parsed.house, address)


@dataclass(frozen=True, slots=True)
class EmergencyContact:
    code: str  # a service of [emergency_services], or "dispatcher"
    label: str
    phone: str | None  # None for the dispatcher: the contractor's night phone, filled in later


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    contractor: str
    rule_id: str | None
    reason: str
    deadline: datetime
    priority: str
    emergency_contacts: tuple[EmergencyContact, ...] = ()
    callback: bool = False  # the contractor may see the resident's full number
    fallback: bool = False  # sent to the coordinator: no rule, a tie, or an unknown contractor
    duty: bool = False  # decided outside working hours


@dataclass(frozen=True, slots=True, order=True)
class Specificity:
    category: int
    location: int
    time: int


@dataclass(frozen=True, slots=True)
class Match:
    rule: Rule
    specificity: Specificity
    category_label: str
    location_label: str


def route(facts: AppealFacts, rules: Rules, now: datetime) -> RoutingDecision:
    duty = not rules.calendar.is_working_time(now)
    matches = [m for m in (_match(rule, facts, rules, now, duty)
                           for rule in rules.candidates(facts.category)) if m]
    if not matches:
        return _nothing_matched(facts, rules, now, duty)
    best = max(m.specificity for m in matches)
    top = [m for m in matches if m.specificity == best]
    if len(top) > 1:
        return _tie(top, rules, now, duty)
    return _decision(top[0], rules, now, duty)


def to_coordinator(decision: RoutingDecision, rules: Rules, why: str) -> RoutingDecision:
    """The same urgency, but to the coordinator (e.g. the chosen contractor is unknown)."""
    return replace(decision, contractor=rules.coordinator, reason=f"{decision.reason}; {why}",
                   fallback=True, callback=True)


def _match(rule: Rule, facts: AppealFacts, rules: Rules, now: datetime,
           duty: bool) -> Match | None:
    category = _category_level(rule, facts, rules)
    if category is None:
        return None
    location = _location_level(rule, facts, rules)
    if location is None or not _time_matches(rule, rules, now, duty):
        return None
    time_level = (rule.when != ANY) + bool(rule.months)
    return Match(rule, Specificity(category[0], location[0], time_level), category[1],
                 location[1])


def _category_level(rule: Rule, facts: AppealFacts, rules: Rules) -> tuple[int, str] | None:
    if rule.categories:
        if facts.category in rule.categories:
            return 2, CATEGORY_LABELS[2].format(facts.category)
        return None
    if rule.groups:
        shared = rule.groups & rules.groups_of(facts.category or "")
        return (1, CATEGORY_LABELS[1].format(min(shared))) if shared else None
    return 0, CATEGORY_LABELS[0]


def _location_level(rule: Rule, facts: AppealFacts, rules: Rules) -> tuple[int, str] | None:
    if rule.districts:
        shared = rule.districts & rules.districts_of(facts.street or "")
        return (1, LOCATION_LABELS[1].format(min(shared))) if shared else None
    if not rule.areas:
        return 0, LOCATION_LABELS[0]
    best: tuple[int, str] | None = None
    for area in rule.areas:
        if area.street != facts.street:
            continue
        level = _area_level(area.houses, facts.house, area.name)
        if level is not None and (best is None or level[0] > best[0]):
            best = level
    return best


def _area_level(houses: tuple[HouseSpec, ...], house: House | None,
                street: str) -> tuple[int, str] | None:
    if not houses:
        return 2, LOCATION_LABELS[2].format(street)
    if house is None:
        return None
    found = [spec for spec in houses if spec.matches(house)]
    if not found:
        return None
    exact = next((spec for spec in found if spec.exact is not None), None)
    if exact is not None:
        return 4, LOCATION_LABELS[4].format(f"{street}, {exact.text}")
    return 3, LOCATION_LABELS[3].format(f"{street}, {found[0].text}")


def _time_matches(rule: Rule, rules: Rules, now: datetime, duty: bool) -> bool:
    if (rule.when == WORKING_HOURS and duty) or (rule.when == DUTY and not duty):
        return False
    return not rule.months or now.astimezone(rules.calendar.zone).month in rule.months


def _time_label(rule: Rule) -> str:
    parts = {ANY: [], WORKING_HOURS: ["робочий час"], DUTY: ["чергування"]}[rule.when]
    if rule.months:
        parts.append("місяці " + ",".join(map(str, sorted(rule.months))))
    return " + ".join(parts) or "будь-який час"


def _decision(match: Match, rules: Rules, now: datetime, duty: bool) -> RoutingDecision:
    rule = match.rule
    reason = (f"правило «{rule.id}»: {match.category_label}; {match.location_label}; "
              f"{_time_label(rule)}")
    return RoutingDecision(
        contractor=rule.contractor, rule_id=rule.id, reason=reason,
        deadline=_deadline(rule, rules, now), priority=rule.priority,
        emergency_contacts=_contacts(rule.call_now, rules),
        # the coordinator is the hotline itself: it always sees the resident's full number
        callback=rule.callback or rule.contractor == rules.coordinator, duty=duty)


def _deadline(rule: Rule, rules: Rules, now: datetime) -> datetime:
    term: Term = rule.deadline or rules.deadlines[rule.priority]
    return rules.calendar.add(now, term)


def _contacts(codes: tuple[str, ...], rules: Rules) -> tuple[EmergencyContact, ...]:
    found = []
    for code in codes:
        if code == DISPATCHER:
            found.append(EmergencyContact(code, DISPATCHER_LABEL, None))
        else:
            service = rules.services[code]
            found.append(EmergencyContact(code, service.label, service.phone))
    return tuple(found)


def _tie(top: list[Match], rules: Rules, now: datetime, duty: bool) -> RoutingDecision:
    ids = ", ".join(sorted(m.rule.id for m in top))
    codes = tuple(dict.fromkeys(c for m in top for c in m.rule.call_now))
    return RoutingDecision(
        contractor=rules.coordinator, rule_id=None,
        reason=f"кілька правил однаково точні ({ids}): передано координатору",
        deadline=min(_deadline(m.rule, rules, now) for m in top),
        priority=min((m.rule.priority for m in top), key=PRIORITIES.index),
        emergency_contacts=_contacts(codes, rules), callback=True, fallback=True, duty=duty)


def _nothing_matched(facts: AppealFacts, rules: Rules, now: datetime,
                     duty: bool) -> RoutingDecision:
    if not facts.category:
        why = "категорію не вказано"
    else:
        where = facts.address or "адреси не вказано"
        why = f"немає правила для категорії «{facts.category}» за адресою «{where}»"
    return RoutingDecision(
        contractor=rules.coordinator, rule_id=None, reason=f"{why}: передано координатору",
        deadline=rules.calendar.add(now, rules.deadlines["normal"]), priority="normal",
        callback=True, fallback=True, duty=duty)
