"""route(): category x address x time -> contractor, as tables (domain.routing)."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callcenter.routing.model.policy import AppealFacts, RoutingDecision, route, to_coordinator
from callcenter.routing.model.rules import Rules, parse_rules

ROOT = Path(__file__).resolve().parents[3]
KYIV = ZoneInfo("Europe/Kyiv")
DAY = datetime(2026, 12, 2, 10, 0, tzinfo=KYIV)  # Wednesday, working hours, heating season
NIGHT = datetime(2026, 12, 2, 23, 30, tzinfo=KYIV)
SATURDAY = datetime(2026, 12, 5, 11, 0, tzinfo=KYIV)
HOLIDAY = datetime(2026, 12, 25, 11, 0, tzinfo=KYIV)  # a Friday, listed as a holiday
SUMMER = datetime(2026, 7, 1, 10, 0, tzinfo=KYIV)

RULES = """
coordinator = "coordinator"
[calendar]
holidays = [2026-12-25]
[deadlines]
emergency = "4h"
urgent = "3d"
normal = "15d"
max = "45d"
[acknowledge]
emergency = "1h"
urgent = "4h"
normal = "1wd"
[emergency_services.gas]
phone = "104"
label = "Аварійна газова служба"
[emergency_services.rescue]
phone = "101"
label = "ДСНС"
[groups]
water = ["water_none", "water_pipe_burst"]
heating = ["heating_none"]
housing = ["roof_leak", "elevator_broken", "stairwell"]
[districts]
"Пасічна" = ["Пасічна", "Тролейбусна"]

[[rules]]
id = "gas"
categories = ["gas_smell"]
contractor = "gas"
priority = "emergency"
deadline = "1h"
call_now = ["gas", "dispatcher"]
callback = true

[[rules]]
id = "water"
groups = ["water"]
contractor = "vodokanal"

[[rules]]
id = "water-leak-night"
categories = ["water_pipe_burst"]
when = "duty"
contractor = "vodokanal-night"
priority = "emergency"
call_now = ["dispatcher"]

[[rules]]
id = "heating-season"
categories = ["heating_none"]
months = [10, 11, 12, 1, 2, 3, 4]
contractor = "teplo"
priority = "emergency"
deadline = "6h"

[[rules]]
id = "heating"
groups = ["heating"]
contractor = "teplo"

[[rules]]
id = "elevators"
categories = ["elevator_broken"]
contractor = "lift"
priority = "urgent"

[[rules]]
id = "housing-city"
groups = ["housing"]
contractor = "city-housing"

[[rules]]
id = "uk-odd"
groups = ["housing"]
contractor = "uk-odd"
street = "Незалежності"
houses = ["1-99 odd"]

[[rules]]
id = "uk-even"
groups = ["housing"]
contractor = "uk-even"
street = "вул. Незалежності"
houses = ["2-98 even"]

[[rules]]
id = "osbb-12a"
groups = ["housing"]
contractor = "osbb-12a"
street = "Незалежності"
houses = ["12А", "12/1"]

[[rules]]
id = "uk-halytska"
groups = ["housing"]
contractor = "uk-halytska"
street = "Галицька"

[[rules]]
id = "uk-pasichna"
groups = ["housing"]
contractor = "uk-pasichna"
districts = ["Пасічна"]

[[rules]]
id = "light-a"
categories = ["street_lighting"]
contractor = "light-a"
priority = "urgent"
deadline = "5d"
call_now = ["rescue"]

[[rules]]
id = "light-b"
categories = ["street_lighting"]
contractor = "light-b"
priority = "emergency"
call_now = ["gas"]
"""


@pytest.fixture(scope="module")
def rules() -> Rules:
    return parse_rules(tomllib.loads(RULES), timezone="Europe/Kyiv")


def decide(rules: Rules, category: str | None, address: str | None,
           now: datetime = DAY) -> RoutingDecision:
    return route(AppealFacts.of(category, address), rules, now)


@pytest.mark.parametrize(
    ("category", "address", "now", "contractor", "rule"),
    [
        # category exact beats group; any address
        ("gas_smell", "вул. Незалежності, 5", DAY, "gas", "gas"),
        ("water_pipe_burst", "Галицька 3", DAY, "vodokanal", "water"),
        ("water_none", "Галицька 3", NIGHT, "vodokanal", "water"),
        # time: the duty rule only at night, weekends and holidays
        ("water_pipe_burst", "Галицька 3", NIGHT, "vodokanal-night", "water-leak-night"),
        ("water_pipe_burst", "Галицька 3", SATURDAY, "vodokanal-night", "water-leak-night"),
        ("water_pipe_burst", "Галицька 3", HOLIDAY, "vodokanal-night", "water-leak-night"),
        # months: the heating season rule only in season
        ("heating_none", "Галицька 3", DAY, "teplo", "heating-season"),
        ("heating_none", "Галицька 3", SUMMER, "teplo", "heating"),
        # location: house range > street > district > city-wide; odd and even sides
        ("roof_leak", "Незалежності 1", DAY, "uk-odd", "uk-odd"),
        ("roof_leak", "Незалежності 99", DAY, "uk-odd", "uk-odd"),
        ("roof_leak", "Незалежності 101", DAY, "city-housing", "housing-city"),
        ("roof_leak", "Незалежності 2", DAY, "uk-even", "uk-even"),
        ("roof_leak", "Незалежності 98", DAY, "uk-even", "uk-even"),
        ("roof_leak", "Незалежності 100", DAY, "city-housing", "housing-city"),
        ("roof_leak", "Незалежності 13А", DAY, "uk-odd", "uk-odd"),
        ("roof_leak", "Незалежності 13/2", DAY, "uk-odd", "uk-odd"),
        # the exact building beats the range it sits in
        ("roof_leak", "Незалежності 12А", DAY, "osbb-12a", "osbb-12a"),
        ("roof_leak", "вул. Незалежності, 12/1", DAY, "osbb-12a", "osbb-12a"),
        ("roof_leak", "Незалежності 12", DAY, "uk-even", "uk-even"),
        ("roof_leak", "Незалежності 12Б", DAY, "uk-even", "uk-even"),
        ("roof_leak", "Галицька 250", DAY, "uk-halytska", "uk-halytska"),
        ("roof_leak", "Тролейбусна 8", DAY, "uk-pasichna", "uk-pasichna"),
        # unknown street or no house number: only street-wide and city-wide rules can match
        ("roof_leak", "Невідома 5", DAY, "city-housing", "housing-city"),
        ("roof_leak", "Незалежності", DAY, "city-housing", "housing-city"),
        ("roof_leak", None, DAY, "city-housing", "housing-city"),
        # category beats location: the elevator company city-wide wins over the firm's houses
        ("elevator_broken", "Незалежності 1", DAY, "lift", "elevators"),
    ],
)
def test_routing_table(rules: Rules, category: str, address: str | None, now: datetime,
                       contractor: str, rule: str) -> None:
    decision = decide(rules, category, address, now)
    assert (decision.contractor, decision.rule_id) == (contractor, rule), decision.reason
    assert not decision.fallback


def test_reason_names_the_rule_and_every_level(rules: Rules) -> None:
    decision = decide(rules, "roof_leak", "Незалежності 13", NIGHT)
    assert decision.reason == ("правило «uk-odd»: група «housing»; будинки Незалежності, "
                               "1-99 odd; будь-який час")
    assert decision.duty
    night = decide(rules, "water_pipe_burst", "Галицька 3", NIGHT)
    assert night.reason.endswith("категорія «water_pipe_burst»; усе місто; чергування")


def test_deadlines_priorities_and_emergency_contacts(rules: Rules) -> None:
    gas = decide(rules, "gas_smell", "Незалежності 5", NIGHT)
    assert gas.priority == "emergency"
    assert gas.deadline == datetime(2026, 12, 3, 0, 30, tzinfo=KYIV)  # the rule's 1h
    assert [(c.code, c.phone) for c in gas.emergency_contacts] == [("gas", "104"),
                                                                   ("dispatcher", None)]
    assert gas.callback
    ordinary = decide(rules, "roof_leak", "Незалежності 5", DAY)
    assert (ordinary.priority, ordinary.deadline) == ("normal",
                                                      datetime(2026, 12, 17, 10, 0, tzinfo=KYIV))
    assert not ordinary.callback and not ordinary.emergency_contacts
    heating = decide(rules, "heating_none", "Галицька 3", DAY)
    assert heating.deadline == datetime(2026, 12, 2, 16, 0, tzinfo=KYIV)


def test_a_tie_goes_to_the_coordinator_keeping_the_urgency(rules: Rules) -> None:
    decision = decide(rules, "street_lighting", "Галицька 3", DAY)
    assert decision.contractor == "coordinator" and decision.rule_id is None
    assert decision.fallback and decision.callback
    assert "light-a, light-b" in decision.reason
    assert decision.priority == "emergency"  # the most urgent of the tied rules
    assert decision.deadline == datetime(2026, 12, 2, 14, 0, tzinfo=KYIV)  # the earliest
    assert [c.code for c in decision.emergency_contacts] == ["rescue", "gas"]


@pytest.mark.parametrize(
    ("category", "address", "reason"),
    [
        ("noise", "Галицька 3", "немає правила для категорії «noise» за адресою «Галицька 3»"),
        ("noise", None, "немає правила для категорії «noise» за адресою «адреси не вказано»"),
        (None, "Галицька 3", "категорію не вказано"),
        ("", "Галицька 3", "категорію не вказано"),
    ],
)
def test_no_match_goes_to_the_coordinator_with_the_reason(rules: Rules, category: str | None,
                                                          address: str | None,
                                                          reason: str) -> None:
    decision = decide(rules, category, address)
    assert decision.contractor == "coordinator" and decision.fallback
    assert decision.reason.startswith(reason) and decision.reason.endswith("координатору")
    assert decision.priority == "normal"


def test_to_coordinator_keeps_the_urgency_and_adds_why(rules: Rules) -> None:
    gas = decide(rules, "gas_smell", "Незалежності 5", NIGHT)
    moved = to_coordinator(gas, rules, "виконавця «gas» немає в довіднику")
    assert (moved.contractor, moved.priority, moved.deadline) == ("coordinator", "emergency",
                                                                  gas.deadline)
    assert moved.fallback and moved.reason.endswith("виконавця «gas» немає в довіднику")
    assert moved.emergency_contacts == gas.emergency_contacts


def test_the_sample_rules_route_typical_appeals() -> None:
    with (ROOT / "config" / "routing.toml").open("rb") as handle:
        sample = parse_rules(tomllib.load(handle), timezone="Europe/Kyiv")
    expected = {
        ("gas_smell", "Незалежності 5", NIGHT): "gas",
        ("roof_leak", "Василіянок 20", DAY): "osbb-vasyliianok-20",
        ("roof_leak", "Василіянок 22", DAY): "uk-tsentr",
        ("roof_leak", "Пасічна 10", DAY): "uk-pasichna",
        ("roof_leak", "Невідома 1", DAY): "dep-zhkp",
        ("traffic_lights", "Галицька 1", DAY): "dep-transport",
        ("traffic_lights", "Галицька 1", NIGHT): "dreu",
        ("something_new", "Галицька 1", DAY): "hotline-coordinator",
    }
    got = {key: route(AppealFacts.of(key[0], key[1]), sample, key[2]).contractor
           for key in expected}
    assert got == expected


def test_a_rule_to_the_coordinator_always_gives_the_full_number() -> None:
    """The coordinator is the hotline itself: whatever its rule says (the sample's
    "deliberately to the coordinator" rule has no `callback`), it sees the resident's number."""
    with (ROOT / "config" / "routing.toml").open("rb") as handle:
        sample = parse_rules(tomllib.load(handle), timezone="Europe/Kyiv")
    [rule] = [r for r in sample.rules if r.id == "coordinator"]
    assert not rule.callback  # the rule itself does not ask for it
    decision = route(AppealFacts.of("other", "Галицька 1"), sample, DAY)
    assert (decision.contractor, decision.rule_id) == ("hotline-coordinator", "coordinator")
    assert decision.callback
    ordinary = route(AppealFacts.of("roof_leak", "Пасічна 10"), sample, DAY)
    assert not ordinary.callback
