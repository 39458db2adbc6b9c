"""The shipped rules (config/routing.toml) against the shipped categories and contractors:
every code the rules name exists, every category reaches a contractor, typical cases route
where a city would expect them."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callcenter.contractors.service.imports import read_contractors
from callcenter.routing.model.policy import AppealFacts, RoutingDecision, route
from callcenter.routing.model.rules import Rules
from callcenter.routing.service.rules import read_rules

ROOT = Path(__file__).resolve().parents[3]
KYIV = ZoneInfo("Europe/Kyiv")
DAY = datetime(2026, 12, 2, 10, 0, tzinfo=KYIV)  # Wednesday, working hours, heating season
NIGHT = datetime(2026, 12, 2, 23, 30, tzinfo=KYIV)
SATURDAY = datetime(2026, 12, 5, 11, 0, tzinfo=KYIV)
SUMMER = datetime(2026, 7, 1, 10, 0, tzinfo=KYIV)
ADDRESS = "вул. Галицька, 5"
# Categories that go to the hotline coordinator on purpose (see the rules file's comment).
TO_COORDINATOR = {"information_request", "e_ticket", "other"}


@pytest.fixture(scope="module")
def rules() -> Rules:
    return read_rules(ROOT / "config" / "routing.toml", timezone="Europe/Kyiv")


def categories_file() -> dict[str, list[str]]:
    """Group code -> its category codes, as config/categories.toml lists them."""
    with (ROOT / "config" / "categories.toml").open("rb") as handle:
        data = tomllib.load(handle)
    groups: dict[str, list[str]] = {g["code"]: [] for g in data["groups"]}
    for category in data["categories"]:
        groups[category["group"]].append(category["code"])
    return groups


CATEGORIES = sorted(c for codes in categories_file().values() for c in codes)


def decide(rules: Rules, category: str, address: str | None, now: datetime) -> RoutingDecision:
    return route(AppealFacts.of(category, address), rules, now)


def test_every_category_code_of_the_rules_exists(rules: Rules) -> None:
    known = set(CATEGORIES)
    in_groups = {c for members in rules.groups.values() for c in members}
    in_rules = {c for rule in rules.rules for c in rule.categories}
    assert in_groups - known == set()
    assert in_rules - known == set()


def test_the_groups_are_those_of_the_categories_file(rules: Rules) -> None:
    expected = {group: frozenset(codes) for group, codes in categories_file().items()}
    assert dict(rules.groups) == expected


def test_every_contractor_of_the_rules_is_in_the_contractors_file(rules: Rules) -> None:
    codes = {c.code for c in read_contractors(ROOT / "config" / "contractors.toml")}
    assert rules.contractors() - codes == set()


def test_the_coordinator_allowlist_names_real_categories() -> None:
    assert set(CATEGORIES) >= TO_COORDINATOR


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("now", [DAY, NIGHT, SATURDAY, SUMMER], ids=["day", "night",
                                                                      "saturday", "summer"])
def test_every_category_reaches_a_contractor(rules: Rules, category: str,
                                             now: datetime) -> None:
    decision = decide(rules, category, ADDRESS, now)
    assert not decision.fallback, decision.reason  # no tie, no missing rule
    assert decision.rule_id is not None
    if category in TO_COORDINATOR:
        assert decision.contractor == rules.coordinator
    else:
        assert decision.contractor != rules.coordinator, decision.reason


def test_a_category_without_a_rule_would_go_to_the_coordinator(rules: Rules) -> None:
    """What the coverage test above guards against: a new code nobody routes."""
    decision = decide(rules, "brand_new_category", ADDRESS, DAY)
    assert decision.contractor == rules.coordinator and decision.fallback


@pytest.mark.parametrize(
    ("category", "address", "now", "contractor", "priority"),
    [
        # emergencies, at any hour
        ("gas_smell", "Незалежності 5", NIGHT, "gas", "emergency"),
        ("water_none", "Галицька 3", DAY, "vodokanal", "emergency"),
        ("water_pipe_burst", "Тисменицька 40", NIGHT, "vodokanal", "emergency"),
        ("elevator_stuck", "Незалежності 1", SATURDAY, "lift", "emergency"),
        ("power_line_damage", "Коновальця 12", NIGHT, "oblenergo", "emergency"),
        ("flooding", "Галицька 3", NIGHT, "ads", "emergency"),
        # no heating: an emergency in the heating season, an ordinary appeal in summer
        ("heating_none", "Пасічна 10", DAY, "teplo", "emergency"),
        ("heating_none", "Пасічна 10", SUMMER, "teplo", "normal"),
        # night duty: another contractor or a higher priority outside working hours
        ("traffic_lights", "Галицька 1", DAY, "dep-transport", "emergency"),
        ("traffic_lights", "Галицька 1", NIGHT, "dreu", "emergency"),
        ("tree_fallen", "Шевченка 7", DAY, "zelenbud", "emergency"),
        ("tree_fallen", "Шевченка 7", NIGHT, "ads", "emergency"),
        ("snow_clearing", "Галицька 1", DAY, "dreu", "normal"),
        ("snow_clearing", "Галицька 1", SATURDAY, "dreu", "urgent"),
        # housing by street, house range and district; the exact house beats its range
        ("roof_leak", "Незалежності 60", DAY, "uk-tsentr", "normal"),
        ("roof_leak", "Незалежності 62", DAY, "uk-kaskad", "normal"),
        ("roof_leak", "Незалежності 140", DAY, "uk-kaskad", "normal"),
        ("roof_leak", "Незалежності 142", DAY, "dep-zhkp", "normal"),
        ("roof_leak", "Незалежності 99", DAY, "uk-tsentr", "normal"),
        ("roof_leak", "Незалежності 101", DAY, "dep-zhkp", "normal"),
        ("stairwell", "Галицька 100", DAY, "uk-tsentr", "normal"),
        ("stairwell", "Галицька 101", DAY, "osbb-halytska-101", "normal"),
        ("stairwell", "Галицька 101А", NIGHT, "osbb-halytska-101", "normal"),
        ("basement", "Василіянок 20/1", DAY, "osbb-vasyliianok-20", "normal"),
        ("basement", "Василіянок 22", DAY, "uk-tsentr", "normal"),
        ("basement", "Тролейбусна 8", DAY, "uk-pasichna", "normal"),
        ("basement", "Невідома 1", DAY, "dep-zhkp", "normal"),
        # category beats location: the elevator company even in a housing firm's houses
        ("elevator_broken", "Незалежності 1", DAY, "lift", "urgent"),
        # city services and departments
        ("street_lighting", "Галицька 1", NIGHT, "misksvitlo", "normal"),
        ("road_potholes", "Грушевського 2", DAY, "dreu", "normal"),
        ("waste_not_collected", "Вовчинецька 10", DAY, "ekoservis", "normal"),
        ("noise", "Галицька 3", NIGHT, "inspektsiia", "normal"),
        ("transport_schedule", None, DAY, "dep-transport", "normal"),
        ("stray_animals", "Пасічна 1", DAY, "dep-zhkp", "normal"),
        ("social_aid", None, DAY, "dep-social", "normal"),
        ("e_ticket", None, DAY, "hotline-coordinator", "normal"),
    ],
)
def test_real_cases(rules: Rules, category: str, address: str | None, now: datetime,
                    contractor: str, priority: str) -> None:
    decision = decide(rules, category, address, now)
    assert (decision.contractor, decision.priority) == (contractor, priority), decision.reason


def test_emergencies_name_whom_to_call_now(rules: Rules) -> None:
    gas = decide(rules, "gas_smell", "Незалежності 5", NIGHT)
    assert [(c.code, c.phone) for c in gas.emergency_contacts] == [("gas", "104"),
                                                                   ("dispatcher", None)]
    assert gas.callback and gas.deadline == datetime(2026, 12, 3, 0, 30, tzinfo=KYIV)
    for category in ("water_none", "water_pipe_burst", "heating_none", "power_line_damage",
                     "elevator_stuck", "flooding", "facade_danger"):
        decision = decide(rules, category, ADDRESS, DAY)
        assert decision.priority == "emergency", category
        assert decision.emergency_contacts and decision.callback, category
