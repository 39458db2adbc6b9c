"""House ranges of routing rules (callcenter.reference.model.addresses.in_range /
parse_house_spec)."""

from __future__ import annotations

import pytest

from callcenter.core.errors import InvalidHouseNumber, InvalidHouseRange
from callcenter.reference.model.addresses import (
    House,
    HouseRange,
    HouseSpec,
    in_range,
    parse_house,
    parse_house_spec,
)


@pytest.mark.parametrize(
    ("house", "spec", "inside"),
    [
        # odd side
        ("1", "1-99 odd", True),
        ("99", "1-99 odd", True),
        ("13", "1-99 odd", True),
        ("12", "1-99 odd", False),
        ("101", "1-99 odd", False),
        # even side
        ("2", "2-40 even", True),
        ("40", "2-40 even", True),
        ("12", "2-40 even", True),
        ("41", "2-40 even", False),
        ("42", "2-40 even", False),
        ("13", "2-40 even", False),
        ("1", "2-40 even", False),
        # both sides
        ("12", "1-20", True),
        ("13", "1-20", True),
        ("21", "1-20", False),
        ("5", "5-5", True),
        # 12А counts as 12, 12/1 as 12, корп. does not matter
        ("12А", "2-40 even", True),
        ("12А", "1-99 odd", False),
        ("13Б", "1-99 odd", True),
        ("12/1", "2-40 even", True),
        ("12/1", "1-11", False),
        ("13/2", "1-99 odd", True),
        ("12 корп. 2", "2-40 even", True),
        ("40А", "2-40 even", True),
        ("41А", "2-40 even", False),
        # Ukrainian side words
        ("13", "1-99 непарні", True),
        ("12", "2-40 парні", True),
        ("12", "1-99 непарна", False),
        # everything
        ("1", "all", True),
        ("9999Я", "all", True),
        ("12/1", "усі", True),
        # single houses: number and letter as written, any /n and корп.
        ("12А", "12А", True),
        ("12а", "12А", True),
        ("12A", "12А", True),  # Latin A
        ("12А/1", "12А", True),
        ("12А корп. 2", "12А", True),
        ("12", "12А", False),
        ("12Б", "12А", False),
        ("12", "12", True),
        ("12/1", "12", True),
        ("12А", "12", False),  # a lettered house is its own building: use 12-12 to include it
        ("12А", "12-12", True),
        ("12/1", "12/1", True),
        ("12/2", "12/1", False),
        ("12", "12/1", False),
        # several parts
        ("7", "1-15 odd, 2-10 even, 12А", True),
        ("8", "1-15 odd, 2-10 even, 12А", True),
        ("12А", "1-15 odd, 2-10 even, 12А", True),
        ("12", "1-15 odd, 2-10 even, 12А", False),
        ("17", "1-15 odd; 2-10 even", False),
    ],
)
def test_in_range(house: str, spec: str, inside: bool) -> None:
    assert in_range(house, spec) is inside


def test_parsed_specs_and_houses_can_be_reused() -> None:
    spec = parse_house_spec("1-99 odd, 12А")
    assert spec == HouseSpec(ranges=(HouseRange(1, 99, "odd"),), houses=(House(12, "А"),))
    assert in_range(parse_house("13"), spec)
    assert spec.contains(House(12, "А", fraction="3"))
    assert parse_house_spec("ALL") == HouseSpec(everything=True)


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("", "empty; use 'all'"),
        (" , ", "empty; use 'all'"),
        ("1-99 left", "side 'left': expected odd or even"),
        ("40-2 even", "40-2: expected 1 <= first <= last"),
        ("0-10", "0-10: expected 1 <= first <= last"),
        ("one to ten", "'one to ten' is neither a range"),
        ("1-99 odd, x", "'x' is neither a range"),
        ("all, 12", "'all' is neither a range"),
    ],
)
def test_bad_specs_are_refused_with_a_reason(spec: str, reason: str) -> None:
    with pytest.raises(InvalidHouseRange, match=reason) as caught:
        parse_house_spec(spec)
    assert caught.value.error_id == "invalid_house_range"
    assert caught.value.spec == spec


def test_a_bad_house_is_a_house_error_not_a_range_error() -> None:
    with pytest.raises(InvalidHouseNumber):
        in_range("12b", "1-99 odd")
