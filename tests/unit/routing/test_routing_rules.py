"""Validation of routing rule files: hostile and invalid input is refused with its place."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from callcenter.routing.model.rules import RulesError, parse_rules
from callcenter.routing.service.rules import RuleHolder, read_rules

ROOT = Path(__file__).resolve().parents[3]
BASE = """
coordinator = "coordinator"
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
label = "Газ"
[groups]
water = ["water_none"]
[districts]
"Центр" = ["Галицька"]
"""
GOOD_RULE = '[[rules]]\nid = "water"\ngroups = ["water"]\ncontractor = "vodokanal"\n'


def parse(text: str) -> Any:
    return parse_rules(tomllib.loads(text), timezone="Europe/Kyiv")


def test_the_sample_file_is_valid() -> None:
    rules = read_rules(ROOT / "config" / "routing.toml", timezone="Europe/Kyiv")
    assert rules.coordinator == "hotline-coordinator"
    assert len(rules.rules) >= 25
    assert {"vodokanal", "gas", "uk-tsentr", "osbb-vasyliianok-20"} <= rules.contractors()


def test_a_minimal_file_is_valid() -> None:
    rules = parse(BASE + GOOD_RULE)
    assert [r.id for r in rules.rules] == ["water"]
    assert rules.groups_of("water_none") == {"water"}
    assert rules.districts_of("галицька") == {"Центр"}


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ('id = "x"\ncontractor = "c"\ncolour = "red"', "rules[0] 'x': colour: unknown key"),
        ('id = "x"', "rules[0] 'x': contractor: expected a code"),
        ('id = "Bad Id!"\ncontractor = "c"', "id: expected a code"),
        ('id = "x"\ncontractor = "c"\npriority = "asap"', "priority: expected one of"),
        ('id = "x"\ncontractor = "c"\ngroups = ["sewage"]', "unknown group 'sewage'"),
        ('id = "x"\ncontractor = "c"\ncategories = ["a"]\ngroups = ["water"]',
         "categories and groups: give one of them"),
        ('id = "x"\ncontractor = "c"\ndistricts = ["Марс"]', "unknown district 'Марс'"),
        ('id = "x"\ncontractor = "c"\nstreet = "Галицька"\ndistricts = ["Центр"]',
         "streets and districts: give one of them"),
        ('id = "x"\ncontractor = "c"\nhouses = ["1-9"]', "houses: needs a street"),
        ('id = "x"\ncontractor = "c"\nstreet = "Галицька"\nhouses = ["9-1"]',
         "street.houses: range '9-1'"),
        ('id = "x"\ncontractor = "c"\nstreet = "Галицька"\nhouses = ["1-9 both"]',
         "side must be odd or even"),
        ('id = "x"\ncontractor = "c"\nstreet = "Галицька"\nhouses = [12]',
         "expected a list of non-empty strings"),
        ('id = "x"\ncontractor = "c"\nareas = [{street = "Галицька", floors = 3}]',
         "areas[0]: expected {street = ..., houses = [...]}"),
        ('id = "x"\ncontractor = "c"\nstreet = ""', "street: expected a street name"),
        ('id = "x"\ncontractor = "c"\nwhen = "weekends"', "when: expected one of"),
        ('id = "x"\ncontractor = "c"\nmonths = [0, 13]', "months: expected a list of month"),
        ('id = "x"\ncontractor = "c"\nmonths = ["jan"]', "months: expected a list of month"),
        ('id = "x"\ncontractor = "c"\ndeadline = "2mo"', "longer than deadlines.max"),
        ('id = "x"\ncontractor = "c"\ndeadline = "46d"', "longer than deadlines.max"),
        ('id = "x"\ncontractor = "c"\ndeadline = "soon"', "not a term: 'soon'"),
        ('id = "x"\ncontractor = "c"\ncall_now = ["ghostbusters"]', "unknown service"),
        ('id = "x"\ncontractor = "c"\ncallback = "yes"', "callback: expected true or false"),
        ('id = "x"\ncontractor = "c"\ncategories = "water_none"\n[rules.categories2]\n',
         "categories2: unknown key"),
    ],
)
def test_bad_rules_are_refused_with_their_place(rule: str, problem: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse(BASE + "[[rules]]\n" + rule + "\n")
    assert any(problem in p for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('coordinator = "coordinator"', 'coordinator = ""'), "coordinator: expected"),
        (('coordinator = "coordinator"', ""), "coordinator: expected a contractor code"),
        (('normal = "15d"', 'normal = "60d"'), "deadlines.normal: longer than deadlines.max"),
        (('max = "45d"\n', ""), "deadlines.max: missing"),
        (('normal = "1wd"', 'normal = "1wd"\nlow = "1d"'), "acknowledge.low: unknown key"),
        (('phone = "104"', "phone = 104"), "emergency_services.gas: expected phone and label"),
        (('coordinator = "coordinator"', 'coordinator = "coordinator"\nmystery = 1'),
         "mystery: unknown top-level key"),
        (('label = "Газ"', 'label = "Газ"\nemail = "x@y"'), "emergency_services.gas: unknown"),
        (('water = ["water_none"]', 'water = "water_none"\nbad = [1]'), "groups.bad: expected"),
        (('[emergency_services.gas]', '[calendar]\nstart = "25:00"\n[emergency_services.gas]'),
         "calendar.start: expected HH:MM"),
        (('[emergency_services.gas]', '[calendar]\nstart = "18:00"\nend = "08:00"\n'
                                      '[emergency_services.gas]'),
         "calendar: start must be before end"),
        (('[emergency_services.gas]', '[calendar]\nworking_days = ["monday"]\n'
                                      '[emergency_services.gas]'), "unknown day 'monday'"),
        (('[emergency_services.gas]', '[calendar]\nholidays = ["someday"]\n'
                                      '[emergency_services.gas]'), "calendar.holidays"),
        (('[emergency_services.gas]', '[emergency_services.dispatcher]\nphone = "1"\n'
                                      'label = "x"\n[emergency_services.gas]'), "reserved"),
    ],
)
def test_bad_sections_are_refused(change: tuple[str, str], problem: str) -> None:
    text = (BASE + GOOD_RULE).replace(*change)
    with pytest.raises(RulesError) as caught:
        parse(text)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_every_problem_is_listed_at_once() -> None:
    text = BASE + (
        '[[rules]]\nid = "a"\ncontractor = "c"\npriority = "asap"\n'
        '[[rules]]\nid = "a"\ncontractor = "c"\n'
        '[[rules]]\nid = "a"\ncontractor = "c"\n'
        '[[rules]]\nid = "b"\ncontractor = "c"\nwhen = "never"\n')
    with pytest.raises(RulesError) as caught:
        parse(text)
    assert len(caught.value.problems) == 3, caught.value.problems
    assert "rules[2] 'a': duplicate id" in caught.value.problems


@pytest.mark.parametrize("rules", ['rules = "all"', "rules = [1, 2]", ""])
def test_rules_must_be_tables(rules: str) -> None:
    with pytest.raises(RulesError):
        parse(BASE.replace('[deadlines]', rules + "\n[deadlines]") if rules else BASE)


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(RulesError, match="unknown time zone"):
        parse_rules(tomllib.loads(BASE + GOOD_RULE), timezone="Mars/Olympus")


def test_files_that_are_not_toml_or_missing(tmp_path: Path) -> None:
    broken = tmp_path / "routing.toml"
    broken.write_text("coordinator = [unclosed", encoding="utf-8")
    with pytest.raises(RulesError, match=r"routing\.toml"):
        read_rules(broken, timezone="Europe/Kyiv")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(RulesError):
        read_rules(binary, timezone="Europe/Kyiv")
    with pytest.raises(RulesError, match="no such file"):
        read_rules(tmp_path / "absent.toml", timezone="Europe/Kyiv")


def test_a_bad_reload_keeps_the_rules_in_use(tmp_path: Path) -> None:
    path = tmp_path / "routing.toml"
    path.write_text(BASE + GOOD_RULE, encoding="utf-8")
    holder = RuleHolder(path, timezone="Europe/Kyiv")
    with pytest.raises(RuntimeError, match="not loaded"):
        _ = holder.rules
    holder.load()
    first = holder.version
    path.write_text(BASE + GOOD_RULE + '[[rules]]\nid = "x"\n', encoding="utf-8")
    assert holder.reload() is False
    assert [r.id for r in holder.rules.rules] == ["water"] and holder.version == first
    path.write_text(BASE + GOOD_RULE.replace('"water"\ngroups', '"water2"\ngroups'),
                    encoding="utf-8")
    assert holder.reload() is True
    assert [r.id for r in holder.rules.rules] == ["water2"] and holder.version != first
    path.unlink()
    assert holder.reload() is False
    assert [r.id for r in holder.rules.rules] == ["water2"]
